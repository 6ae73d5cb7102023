"""DataModule over the embedded synthetic ophthalmic datasets."""

from typing import Any, Literal

from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.synthetic import make_synthetic_splits, split_totals
from ash_lightning.data.synthetic.sizes import SizeSpec

SYNTHETIC_CHANNELS = {"asoct": 1, "fundus": 3, "fundus_multilabel": 3}


class SyntheticDataModule(RetrievalDataModule):
    """Generated ASOCT-like (grading) or fundus-like (classification) images.

    Stand-ins for the paper's private ASOCT-Cataract and Fundus-iSee datasets (Fang et
    al., BIBM 2020, §IV-A): the grade or class is carried only by small salient regions.
    ``fundus_multilabel`` gives each fundus image any set of diseases (multi-hot labels,
    relevance = a shared label), for multi-label methods such as attention-guided hashing
    (Zhu et al., 2022).

    Args:
        kind: ``"asoct"``, ``"fundus"`` or ``"fundus_multilabel"``.
        size: ``"tiny"`` (tests), ``"small"`` (default CPU run) or ``"paper"``, or explicit
            ``(database, val, test)`` totals as a sequence or a mapping.
        image_size: Side of the generated square images.
        channels: Expected image channels (checked against the generator).
        **loader_options: See :class:`RetrievalDataModule`.
    """

    def __init__(
        self,
        kind: Literal["asoct", "fundus", "fundus_multilabel"],
        size: SizeSpec = "small",
        image_size: int = 64,
        channels: int | None = None,
        **loader_options: Any,
    ) -> None:
        super().__init__(**loader_options)
        if kind not in SYNTHETIC_CHANNELS:
            raise ValueError(f"data.kind must be one of {sorted(SYNTHETIC_CHANNELS)}, got {kind!r}")
        if channels is not None and channels != SYNTHETIC_CHANNELS[kind]:
            raise ValueError(
                f"data.channels={channels}, but synthetic {kind} images have "
                f"{SYNTHETIC_CHANNELS[kind]} channel(s)"
            )
        try:
            split_totals(kind, size)
        except ValueError as error:
            raise ValueError(f"data.size: {error}") from error
        if image_size < 8:
            raise ValueError(f"data.image_size must be >= 8, got {image_size}")
        self.kind = kind
        self.size = size
        self.image_size = image_size

    def load_splits(self) -> RetrievalSplits:
        """Generate the splits deterministically from ``seed``."""
        return make_synthetic_splits(self.kind, self.size, self.image_size, self.seed)
