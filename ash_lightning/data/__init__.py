"""Datasets: synthetic ophthalmic generators, pair sampling and the retrieval DataModules.

The names below are the package's public face (configurations name them as
``ash_lightning.data.<Name>``). They are imported on first use, so that reading a manifest
or an image does not import Lightning and albumentations.
"""

from typing import TYPE_CHECKING

from ash_lightning import lazy_exports

if TYPE_CHECKING:
    from ash_lightning.data.manifest_datamodule import ManifestDataModule
    from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
    from ash_lightning.data.retrieval_splits import RetrievalSplits
    from ash_lightning.data.sampling import Sampling
    from ash_lightning.data.synthetic_datamodule import SyntheticDataModule
    from ash_lightning.data.train_augmentation import TrainAugmentation

_MODULES = {
    "ManifestDataModule": "ash_lightning.data.manifest_datamodule",
    "RetrievalDataModule": "ash_lightning.data.retrieval_datamodule",
    "RetrievalSplits": "ash_lightning.data.retrieval_splits",
    "Sampling": "ash_lightning.data.sampling",
    "SyntheticDataModule": "ash_lightning.data.synthetic_datamodule",
    "TrainAugmentation": "ash_lightning.data.train_augmentation",
}

__all__ = [
    "ManifestDataModule",
    "RetrievalDataModule",
    "RetrievalSplits",
    "Sampling",
    "SyntheticDataModule",
    "TrainAugmentation",
]

__getattr__ = lazy_exports(__name__, _MODULES)
