"""Procedurally generated ophthalmic images whose labels live in small salient regions.

The data sets of Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image
Retrieval" (BIBM 2020) are private. These generators give a default retrieval problem with
the property the paper relies on: classes or grades share the overall appearance and differ
only in small salient regions, while pose, anatomy, noise, brightness and contrast vary
independently of the label (per-channel mean and std are re-standardised to label-free
targets). ``synthetic_asoct`` grades a subcapsular opacity; ``synthetic_fundus`` has normal,
DR, glaucoma, AMD and myopia classes in Fundus-iSee proportions.
"""

from ash_lightning.data.synthetic.asoct import ASOCT_GRADES, generate_asoct
from ash_lightning.data.synthetic.fundus import FUNDUS_CLASSES, generate_fundus
from ash_lightning.data.synthetic.sizes import SplitCounts, split_sizes
from ash_lightning.data.synthetic.splits import make_synthetic_splits

__all__ = [
    "ASOCT_GRADES",
    "FUNDUS_CLASSES",
    "SplitCounts",
    "generate_asoct",
    "generate_fundus",
    "make_synthetic_splits",
    "split_sizes",
]
