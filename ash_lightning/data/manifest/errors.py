"""The one exception raised for every problem with a labelled image collection."""


class ManifestError(ValueError):
    """A labels file, class folder or split is unusable; the message is one line naming it."""
