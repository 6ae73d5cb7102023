"""Supervised oblique node splits for Metric Hashing Forests.

One internal node of a Metric Hashing Forest tree (Conjeti et al., "Metric hashing
forests", Medical Image Analysis 34, 2016) splits
its training samples by an oblique hyperplane ``w . x >= t`` chosen to preserve the
label-induced similarity: similar pairs (sharing a label) should stay on one side,
dissimilar pairs should be separated.

Candidate directions here (this package's simplification, see
:mod:`ash_lightning.shallow.mhf`) are regularised diagonal Fisher directions between
two random groups of the labels present at the node, restricted to a random feature
subset; candidate thresholds are quantiles of the projections of (at most
``n_scoring_samples`` of) the node's samples. Each
(direction, threshold) is scored on sampled pairs by
``P(same side | similar) + P(different sides | dissimilar) - 1``, which is 0 for a split
that sends everything to one side and 1 for a split that respects every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SplitSettings:
    """Hyper-parameters of the node split search; the defaults are this package's choices.

    Attributes:
        n_candidates: Candidate directions drawn per node.
        n_thresholds: Candidate thresholds (evenly spaced inner quantiles) per direction.
        n_pairs: Training pairs sampled per node to score the candidates.
        n_scoring_samples: At most this many node samples (drawn at random) give the
            candidate thresholds, the pairs and the output scale.
        feature_fraction: Fraction of the features each candidate direction may use.
        shrinkage: Weight of the mean variance mixed into each feature's within-group
            variance (0 = plain diagonal Fisher, 1 = difference of group means).
        min_samples_split: Nodes with fewer training samples are not split.
    """

    n_candidates: int = 32
    n_thresholds: int = 9
    n_pairs: int = 2048
    n_scoring_samples: int = 1024
    feature_fraction: float = 0.5
    shrinkage: float = 0.1
    min_samples_split: int = 8


@dataclass(frozen=True)
class NodeSplit:
    """An oblique split: relaxed output ``(x . direction - threshold) / scale``.

    A constant node (``direction = 0``, ``threshold = -1``, ``scale = 1``) outputs 1 for
    every input: the bit is constant and every sample goes to the right child.

    Attributes:
        direction: ``(D,)`` unit normal of the hyperplane, or zeros for a constant node.
        threshold: Offset ``t`` of the hyperplane along ``direction``.
        scale: Standard deviation of the node's projections, to normalise the output.
        score: Pairwise criterion of the split on the node's sampled pairs.
    """

    direction: np.ndarray
    threshold: float
    scale: float
    score: float


def constant_split(dim: int) -> NodeSplit:
    """The split of a node that is not split: its bit is 1 for every input.

    The constant bit is this package's way of giving every tree a fixed number of path
    bits.

    Args:
        dim: Feature dimension D.

    Returns:
        A :class:`NodeSplit` with a zero direction.
    """
    return NodeSplit(direction=np.zeros(dim), threshold=-1.0, scale=1.0, score=0.0)


def sample_pairs(
    labels: np.ndarray, n_pairs: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw random pairs of distinct node samples and their similarity.

    A pair is similar when its two samples share at least one label.

    Args:
        labels: ``(n, C)`` boolean label matrix of the node's samples, ``n >= 2``.
        n_pairs: Number of pairs to draw (pairs of a sample with itself are dropped).
        rng: Random generator.

    Returns:
        First indices, second indices and a boolean "similar" flag per pair.
    """
    first, second = rng.integers(0, labels.shape[0], size=(2, n_pairs))
    keep = first != second
    first, second = first[keep], second[keep]
    return first, second, (labels[first] & labels[second]).any(axis=1)


def label_pattern_statistics(
    features: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, feature sums and squared-feature sums of each distinct label pattern.

    Samples with the same label row are interchangeable for any grouping by labels, so
    group statistics are sums of these per-pattern statistics. They cost ``O(u n D)`` for
    ``u`` distinct patterns (the classes present, for single-label data) instead of
    ``O(m n D)`` for ``m`` candidate groupings.

    Args:
        features: ``(n, D)`` node features.
        labels: ``(n, C)`` boolean node labels.

    Returns:
        ``(u, C)`` distinct label patterns, their ``(u,)`` counts, ``(u, D)`` feature
        sums and ``(u, D)`` squared-feature sums.
    """
    patterns, inverse = np.unique(labels, axis=0, return_inverse=True)
    membership = np.zeros((patterns.shape[0], features.shape[0]))
    membership[inverse.reshape(-1), np.arange(features.shape[0])] = 1.0
    counts = membership.sum(axis=1)
    return patterns, counts, membership @ features, membership @ features**2


def fisher_directions(
    features: np.ndarray,
    labels: np.ndarray,
    settings: SplitSettings,
    rng: np.random.Generator,
) -> np.ndarray:
    """Unit candidate directions separating random groups of the node's labels.

    Each candidate assigns every label present at the node to group A or B at random;
    a sample is in A if it has any label of A. The direction is the difference of the
    group means divided by the shrunk pooled within-group variance of each feature
    (a regularised diagonal Fisher discriminant), masked to a random feature subset.

    Reference: Fisher, 1936 (the linear discriminant).

    Args:
        features: ``(n, D)`` node features.
        labels: ``(n, C)`` boolean node labels.
        settings: Split hyper-parameters.
        rng: Random generator.

    Returns:
        ``(D, m)`` unit directions, ``0 <= m <= n_candidates`` (no direction when the
        node holds a single label or every random grouping is degenerate).
    """
    present = labels[:, labels.any(axis=0)]
    n, dim = features.shape
    if present.shape[1] < 2:
        return np.zeros((dim, 0))
    patterns, counts, sums, squares = label_pattern_statistics(features, present)
    assignment = rng.random((present.shape[1], settings.n_candidates)) < 0.5
    in_a = (patterns.astype(np.float64) @ assignment) > 0
    count_a = counts @ in_a
    valid = (count_a > 0) & (count_a < n)
    in_a, count_a = in_a[:, valid].astype(np.float64), count_a[valid]
    count_b = n - count_a
    sum_a, square_a = in_a.T @ sums, in_a.T @ squares
    mean_a = sum_a / count_a[:, None]
    mean_b = (sums.sum(axis=0) - sum_a) / count_b[:, None]
    within = (
        square_a
        - count_a[:, None] * mean_a**2
        + (squares.sum(axis=0) - square_a)
        - count_b[:, None] * mean_b**2
    ) / n
    within = np.clip(within, 0.0, None)
    shrunk = (1.0 - settings.shrinkage) * within + settings.shrinkage * within.mean(
        axis=1, keepdims=True
    )
    mask = rng.random(mean_a.shape) < settings.feature_fraction
    directions = np.where(mask, (mean_a - mean_b) / np.maximum(shrunk, 1e-12), 0.0)
    norms = np.linalg.norm(directions, axis=1)
    usable = norms > 0
    return (directions[usable] / norms[usable, None]).T


def pair_scores(
    projections: np.ndarray,
    thresholds: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    similar: np.ndarray,
) -> np.ndarray:
    """Pairwise similarity-preservation score of every (direction, threshold) candidate.

    ``score = P(same side | similar) + P(different sides | dissimilar) - 1``; a term
    without pairs of its kind counts as its neutral value (1 for similar pairs, 0 for
    dissimilar ones).

    This is Youden's index (Youden, Cancer 3, 1950) of the split as a classifier of pairs.

    Args:
        projections: ``(n, m)`` node samples projected on the candidate directions.
        thresholds: ``(m, q)`` candidate thresholds per direction.
        first: First sample index of each pair.
        second: Second sample index of each pair.
        similar: Whether each pair is similar.

    Returns:
        ``(m, q)`` scores in [-1, 1].
    """
    side_first = projections[first][:, :, None] >= thresholds[None]
    side_second = projections[second][:, :, None] >= thresholds[None]
    same = side_first == side_second
    kept = same[similar].mean(axis=0) if similar.any() else np.ones(thresholds.shape)
    separated = 1.0 - same[~similar].mean(axis=0) if (~similar).any() else 0.0
    return kept + separated - 1.0


def best_split(
    features: np.ndarray,
    labels: np.ndarray,
    settings: SplitSettings,
    rng: np.random.Generator,
) -> NodeSplit:
    """The best-scoring oblique split of a node, or a constant split if none helps.

    The node is not split (constant bit) when it has fewer than ``min_samples_split``
    samples, its sampled pairs are all similar, no candidate direction exists, or no
    candidate scores above 0.

    Args:
        features: ``(n, D)`` features of the samples reaching the node.
        labels: ``(n, C)`` boolean labels of those samples.
        settings: Split hyper-parameters.
        rng: Random generator.

    Returns:
        The chosen :class:`NodeSplit`.
    """
    n, dim = features.shape
    if n < max(settings.min_samples_split, 2):
        return constant_split(dim)
    scoring = np.sort(rng.choice(n, size=min(n, settings.n_scoring_samples), replace=False))
    first, second, similar = sample_pairs(labels[scoring], settings.n_pairs, rng)
    if similar.all():
        return constant_split(dim)
    directions = fisher_directions(features, labels, settings, rng)
    if directions.shape[1] == 0:
        return constant_split(dim)
    projections = features[scoring] @ directions
    levels = np.arange(1, settings.n_thresholds + 1) / (settings.n_thresholds + 1)
    thresholds = np.quantile(projections, levels, axis=0).T
    scores = pair_scores(projections, thresholds, first, second, similar)
    column, level = np.unravel_index(int(np.argmax(scores)), scores.shape)
    if scores[column, level] <= 0.0:
        return constant_split(dim)
    scale = float(projections[:, column].std())
    return NodeSplit(
        direction=directions[:, column],
        threshold=float(thresholds[column, level]),
        scale=scale if scale > 0.0 else 1.0,
        score=float(scores[column, level]),
    )
