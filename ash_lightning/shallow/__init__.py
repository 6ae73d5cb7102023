"""Shallow (non-deep) hashing baselines of ASH on hand-crafted image features.

Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image Retrieval"
(BIBM 2020, §IV-B, Fig. 3) compare ASH with a data-independent method, LSH, and a
shallow learning-based method, MHF; ITQ, which the paper cites among shallow methods,
is included as an unsupervised learned reference. Every hasher outputs relaxed codes
whose sign is the bit, so they are evaluated exactly like the deep models. The features are
raw pixels, a trained run's trunk, or frozen ImageNet EfficientNet-Lite features, on which
:class:`Unhashed` gives the real-valued cosine kNN reference.
"""

from ash_lightning.shallow.area_resampling import area_weights
from ash_lightning.shallow.base import ShallowHasher
from ash_lightning.shallow.features import RawPixelFeatures
from ash_lightning.shallow.itq import ITQ
from ash_lightning.shallow.lsh import LSH
from ash_lightning.shallow.mhf import MetricHashingForest
from ash_lightning.shallow.mhf_split import NodeSplit, SplitSettings
from ash_lightning.shallow.pretrained_features import PretrainedFeatures
from ash_lightning.shallow.shallow_model import ShallowHashingModel
from ash_lightning.shallow.trunk_features import TrunkFeatures
from ash_lightning.shallow.unhashed import Unhashed

__all__ = [
    "ITQ",
    "LSH",
    "MetricHashingForest",
    "NodeSplit",
    "PretrainedFeatures",
    "RawPixelFeatures",
    "ShallowHasher",
    "ShallowHashingModel",
    "SplitSettings",
    "TrunkFeatures",
    "Unhashed",
    "area_weights",
]
