"""Procedurally generated ophthalmic images whose labels live in small salient regions.

The data sets of Fang et al., "Attention-based Saliency Hashing for Ophthalmic Image
Retrieval" (BIBM 2020) are private. These generators give a default retrieval problem with
the property the paper relies on: classes or grades share the overall appearance and differ
only in small salient regions, while pose, anatomy, noise, brightness and contrast vary
independently of the label (per-channel mean and std are re-standardised to label-free
targets). ``synthetic_asoct`` grades a subcapsular opacity; ``synthetic_fundus`` has normal,
DR, glaucoma, AMD and myopia classes in Fundus-iSee proportions; ``synthetic_fundus_multilabel``
draws the same eyes with any set of those diseases per image (multi-hot labels, as in the
multi-label retrieval of attention-guided hashing, Zhu et al., 2022).
"""

from ash_lightning.data.synthetic.asoct import ASOCT_GRADES, generate_asoct
from ash_lightning.data.synthetic.fundus import (
    FUNDUS_CLASSES,
    generate_fundus,
    generate_fundus_multilabel,
)
from ash_lightning.data.synthetic.fundus_label_sets import (
    DISEASE_PROBABILITIES,
    draw_fundus_label_sets,
)
from ash_lightning.data.synthetic.sizes import SplitCounts, split_sizes, split_totals
from ash_lightning.data.synthetic.splits import make_synthetic_splits

__all__ = [
    "ASOCT_GRADES",
    "DISEASE_PROBABILITIES",
    "FUNDUS_CLASSES",
    "SplitCounts",
    "draw_fundus_label_sets",
    "generate_asoct",
    "generate_fundus",
    "generate_fundus_multilabel",
    "make_synthetic_splits",
    "split_sizes",
    "split_totals",
]
