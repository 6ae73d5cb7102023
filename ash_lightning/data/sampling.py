"""What the training loader yields: the one vocabulary shared by losses, data and modules."""

from enum import Enum


class Sampling(str, Enum):
    """The unit of a training batch.

    Attributes:
        PAIRS: Image pairs with a dissimilarity flag (ASH and the pairwise baselines).
        TRIPLETS: Anchor, positive and negative images with their labels (ATH).
        IMAGES: Labelled images; the loss compares every in-batch pair (mirror attention,
            attention-guided hashing).
    """

    PAIRS = "pairs"
    TRIPLETS = "triplets"
    IMAGES = "images"
