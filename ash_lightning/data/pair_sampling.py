"""Random image pairs and triplets with similarity labels, redrawn every epoch."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Pairs:
    """Index pairs into one image set and their labels (1 = dissimilar, Eq. (2))."""

    first: np.ndarray
    second: np.ndarray
    dissimilar: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


def similar(labels_a: np.ndarray, labels_b: np.ndarray) -> np.ndarray:
    """Whether items are similar: same label, or at least one shared label (multi-hot).

    Args:
        labels_a: ``N`` integer labels or ``N x C`` multi-hot labels.
        labels_b: The same form as ``labels_a``.

    Returns:
        ``N`` booleans.
    """
    if labels_a.ndim == 1:
        return labels_a == labels_b
    return (np.asarray(labels_a, bool) & np.asarray(labels_b, bool)).any(axis=1)


def draw_pairs(
    labels: np.ndarray,
    num_pairs: int,
    rng: np.random.Generator,
    positive_fraction: float | None = None,
    max_rounds: int = 10_000,
) -> Pairs:
    """Draw random image pairs, as ASH trains on ("randomly sampled in every iteration").

    With ``positive_fraction=None`` both images are drawn uniformly, so the share of
    similar pairs follows the class balance (the paper's protocol). Otherwise a first
    image is drawn uniformly and its partner is drawn uniformly among the images similar
    (for that fraction of the pairs) or dissimilar to it, by vectorised rejection sampling.
    The partner is never the image itself.

    Reference: Fang et al., BIBM 2020, §III-B and §IV-B.

    Args:
        labels: ``N`` integer labels or ``N x C`` multi-hot labels.
        num_pairs: Number of pairs to draw.
        rng: Source of randomness.
        positive_fraction: Share of similar pairs in [0, 1], or ``None`` for uniform pairs.
        max_rounds: Rejection rounds before giving up.

    Returns:
        The pairs.

    Raises:
        ValueError: Too few images, a fraction outside [0, 1], or no image with a partner
            of the requested kind.
    """
    n = len(labels)
    if n < 2:
        raise ValueError(f"need at least 2 images to draw pairs, got {n}")
    if positive_fraction is not None and not 0.0 <= positive_fraction <= 1.0:
        raise ValueError(f"positive_fraction must lie in [0, 1], got {positive_fraction}")
    first = rng.integers(0, n, num_pairs)
    if positive_fraction is None:
        want_similar = None
    else:
        want_similar = rng.random(num_pairs) < positive_fraction
    second = np.empty(num_pairs, dtype=np.int64)
    pending = np.arange(num_pairs)
    for _ in range(max_rounds):
        candidates = rng.integers(0, n, len(pending))
        accepted = candidates != first[pending]
        if want_similar is not None:
            matches = similar(labels[first[pending]], labels[candidates])
            accepted &= matches == want_similar[pending]
        second[pending[accepted]] = candidates[accepted]
        pending = pending[~accepted]
        if len(pending) == 0:
            break
    else:
        kind = "similar" if want_similar is not None and want_similar[pending[0]] else "dissimilar"
        raise ValueError(
            f"could not find a {kind} partner for image {int(first[pending[0]])} in "
            f"{max_rounds} rounds: does its class have another image?"
        )
    dissimilar = (~similar(labels[first], labels[second])).astype(np.float32)
    return Pairs(first=first, second=second, dissimilar=dissimilar)


@dataclass(frozen=True)
class Triplets:
    """Anchor, positive (similar to the anchor) and negative (dissimilar) image indices."""

    anchor: np.ndarray
    positive: np.ndarray
    negative: np.ndarray

    def __len__(self) -> int:
        return len(self.anchor)


def _partners(
    labels: np.ndarray,
    anchors: np.ndarray,
    want_similar: bool,
    rng: np.random.Generator,
    max_rounds: int,
) -> np.ndarray:
    """A uniformly drawn similar (or dissimilar) partner for every anchor, never itself."""
    partners = np.empty(len(anchors), dtype=np.int64)
    pending = np.arange(len(anchors))
    for _ in range(max_rounds):
        candidates = rng.integers(0, len(labels), len(pending))
        matches = similar(labels[anchors[pending]], labels[candidates]) == want_similar
        accepted = matches & (candidates != anchors[pending])
        partners[pending[accepted]] = candidates[accepted]
        pending = pending[~accepted]
        if len(pending) == 0:
            return partners
    kind = "similar" if want_similar else "dissimilar"
    raise ValueError(
        f"could not find a {kind} partner for image {int(anchors[pending[0]])} in "
        f"{max_rounds} rounds: does its class have another image?"
    )


def draw_triplets(
    labels: np.ndarray, num_triplets: int, rng: np.random.Generator, max_rounds: int = 10_000
) -> Triplets:
    """Draw (anchor, positive, negative) triplets, redrawn every epoch like the pairs.

    The anchor is uniform over the images; the positive is drawn uniformly among the other
    images similar to it (same label, or a shared label) and the negative among the
    dissimilar ones. Used by ATH's triplet cross-entropy loss.

    Reference: Fang, Fu, Liu, ATH, Medical Image Analysis 2021 (positive from the query's
    class, negative from another class).

    Args:
        labels: ``N`` integer labels or ``N x C`` multi-hot labels.
        num_triplets: Number of triplets.
        rng: Source of randomness.
        max_rounds: Rejection rounds before giving up.

    Returns:
        The triplets.
    """
    if len(labels) < 2:
        raise ValueError(f"need at least 2 images to draw triplets, got {len(labels)}")
    anchor = rng.integers(0, len(labels), num_triplets)
    positive = _partners(labels, anchor, True, rng, max_rounds)
    negative = _partners(labels, anchor, False, rng, max_rounds)
    return Triplets(anchor=anchor, positive=positive, negative=negative)
