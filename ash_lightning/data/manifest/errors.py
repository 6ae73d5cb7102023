"""The exceptions raised for problems with a labelled image collection and its cache."""


class ManifestError(ValueError):
    """A labels file, class folder or split is unusable; the message is one line naming it."""


class CacheError(ValueError):
    """The image cache folder cannot be created or written; the message is one line naming it."""
