"""The errors of the case index: every one carries a one-line message for the command line."""


class CaseIndexError(ValueError):
    """An index folder that cannot be built, loaded or extended (Fang et al., BIBM 2020, §III).

    The message is one line that names the folder or file and what is wrong with it.
    """


class IndexMismatchError(CaseIndexError):
    """A checkpoint whose weights, bits or preprocessing differ from those of an index.

    Codes from another network, code length or image preparation are not comparable with the
    stored ones (Fang et al., BIBM 2020, §III retrieval stage), so such a checkpoint is refused.
    """
