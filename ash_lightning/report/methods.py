"""Method names: display order, display names, and which ones are ASH or attention variants.

Fang et al., BIBM 2020, §IV-B compare LSH, MHF, DPSH, DSH, DRH, the attention variants
DPSH-A and DSH-A, and ASH (ASH-U on ASOCT-Cataract, ASH-L on Fundus-iSee); the related
attention-hashing systems (ATH, mirror attention, attention-guided hashing) follow them.
"""

from collections.abc import Iterable

PREFERRED_ORDER = (
    "lsh",
    "itq",
    "mhf",
    "dpsh",
    "dpsh_a",
    "dsh",
    "dsh_a",
    "drh",
    "ash_u",
    "ash_l",
    "ath",
    "mirror",
    "agdh",
)
"""Display order of the known methods; any other name follows them, alphabetically."""

ATTENTION_SUFFIX = "_a"


def ordered_methods(methods: Iterable[str]) -> list[str]:
    """``methods`` in the preferred display order, unknown names appended alphabetically."""
    names = set(methods)
    known = [name for name in PREFERRED_ORDER if name in names]
    return known + sorted(names.difference(PREFERRED_ORDER))


def display_name(method: str) -> str:
    """The paper's spelling: ``ash_u`` -> ``ASH-U``, ``dpsh_a`` -> ``DPSH-A``."""
    return method.upper().replace("_", "-")


def is_ash(method: str) -> bool:
    """Whether ``method`` is one of the ASH variants (``ash``, ``ash_u``, ``ash_l``, ...)."""
    return method == "ash" or method.startswith("ash_")


def is_attention_variant(method: str) -> bool:
    """Whether ``method`` is a baseline with the spatial-attention module added (``*_a``)."""
    return method.endswith(ATTENTION_SUFFIX)


def base_method(method: str) -> str:
    """The baseline an attention variant extends: ``dsh_a`` -> ``dsh``; others unchanged."""
    return method.removesuffix(ATTENTION_SUFFIX)
