"""Metric Hashing Forests (MHF), the shallow learning-based baseline of ASH.

Conjeti, Katouzian, Kazi, Mesbah, Beymer, Syeda-Mahmood and Navab, "Metric hashing
forests", Medical Image Analysis 34, 13-29, 2016 (ref. [20] of Fang et al., BIBM 2020,
§IV-B, Fig. 3, where MHF is the cyan line).

Sources: the full text of the MHF paper was not available while writing this module.
What is known of it here comes from the ASH paper (MHF is a shallow, learning-based
method on hand-crafted features) and from the abstract of the same group's Hashing
Forests (Neuron-Miner, 2016): multiple independently trained random trees parse the
feature space hierarchically, preserve neighbourhoods and encode each sample with a
compact binary codeword. MHF is the supervised (metric-preserving) variant of that
scheme. This module is therefore a faithful simplification, not a reproduction.

Follows the method (as summarised above and in the usual description of MHF as supervised
hashing trees with oblique, similarity-preserving splits; not checked against the full
text):
    * an ensemble of independently grown binary trees (forest);
    * oblique (hyperplane) node splits learned top-down from the training data;
    * supervision by labels through a pairwise criterion: a split should keep similar
      pairs (sharing a label) together and separate dissimilar pairs;
    * the code of a sample is the concatenation of its trees' encodings of the leaf it
      reaches.

Simplified or chosen here:
    * encoding: each tree of depth d contributes the d split decisions on the sample's
      root-to-leaf path (the leaf identity as a path code), ``ceil(bits / depth)`` trees
      giving exactly ``bits`` bits (the last tree is grown only as deep as needed);
    * split search: random regularised diagonal Fisher directions between random label
      groups on random feature subsets (see :mod:`ash_lightning.shallow.mhf_split`),
      thresholds at projection quantiles, scored on sampled pairs by
      ``P(same side | similar) + P(different sides | dissimilar) - 1``;
    * a node that cannot be split usefully (too small, single-label, no positive score)
      emits a constant bit instead of growing further;
    * each tree sees a random subsample of the training set (bagging);
    * no inverse-lookup index: retrieval uses the project's exact Hamming ranking.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.shallow.base import ShallowHasher
from ash_lightning.shallow.mhf_split import NodeSplit, SplitSettings, best_split, constant_split
from ash_lightning.shallow.validation import label_matrix


class MetricHashingForest(ShallowHasher):
    """Supervised forest of oblique hashing trees; path decisions are the bits.

    Trees are stored as complete binary trees in heap order (children of node ``i`` are
    ``2i + 1`` and ``2i + 2``). The relaxed value of a bit is the normalised signed
    distance ``(x . w - t) / s`` to the hyperplane of the node the sample visits.

    Args:
        bits: Code length K.
        depth: Bits per tree (tree depth d); ``ceil(bits / depth)`` trees are grown.
        sample_fraction: Fraction of the training samples drawn (without replacement)
            for each tree.
        seed: Seed of all random choices.
        settings: Node split hyper-parameters (see
            :class:`ash_lightning.shallow.mhf_split.SplitSettings`).
    """

    def __init__(
        self,
        bits: int,
        depth: int = 4,
        sample_fraction: float = 0.5,
        seed: int = 0,
        settings: SplitSettings | None = None,
    ) -> None:
        super().__init__(bits)
        if depth < 1:
            raise ValueError(f"depth must be >= 1, got {depth}")
        if not 0.0 < sample_fraction <= 1.0:
            raise ValueError(f"sample_fraction must lie in (0, 1], got {sample_fraction}")
        self.depth = depth
        self.sample_fraction = sample_fraction
        self.seed = seed
        self.settings = settings or SplitSettings()
        self.directions_: np.ndarray | None = None
        self.thresholds_: np.ndarray | None = None
        self.scales_: np.ndarray | None = None

    @property
    def n_trees(self) -> int:
        """Number of trees, ``ceil(bits / depth)``."""
        return -(-self.bits // self.depth)

    def _tree_depths(self) -> list[int]:
        """Depth of each tree: ``depth``, except the last, which holds the remaining bits."""
        return [min(self.depth, self.bits - tree * self.depth) for tree in range(self.n_trees)]

    def _grow_tree(
        self, features: np.ndarray, labels: np.ndarray, depth: int, rng: np.random.Generator
    ) -> list[NodeSplit]:
        """Grow one tree greedily top-down on a random subsample of the training set.

        Nodes below ``depth`` and nodes that receive no samples are constant.

        Args:
            features: ``(N, D)`` training features.
            labels: ``(N, C)`` boolean training labels.
            depth: Depth to grow, at most ``self.depth``.
            rng: The tree's random generator.

        Returns:
            The ``2^self.depth - 1`` node splits in heap order.
        """
        n, dim = features.shape
        n_nodes = 2**self.depth - 1
        splits = [constant_split(dim)] * n_nodes
        size = max(2, round(self.sample_fraction * n))
        members = {0: np.sort(rng.choice(n, size=min(size, n), replace=False))}
        for node in range(2**depth - 1):
            index = members.pop(node, np.zeros(0, dtype=np.int64))
            if index.size == 0:
                continue
            node_features = features[index]
            split = best_split(node_features, labels[index], self.settings, rng)
            splits[node] = split
            right = node_features @ split.direction - split.threshold >= 0
            members[2 * node + 1] = index[~right]
            members[2 * node + 2] = index[right]
        return splits

    def _fit(self, features: np.ndarray, labels: np.ndarray) -> None:
        """Grow the forest's independently seeded trees on the training features and labels.

        Args:
            features: ``(N, D)`` training features.
            labels: ``(N,)`` integer classes or ``(N, C)`` multi-hot labels.
        """
        membership = label_matrix(labels)
        tree_seeds = np.random.SeedSequence(self.seed).spawn(self.n_trees)
        trees = [
            self._grow_tree(features, membership, depth, np.random.default_rng(tree_seed))
            for depth, tree_seed in zip(self._tree_depths(), tree_seeds, strict=True)
        ]
        self.directions_ = np.array([[split.direction for split in tree] for tree in trees])
        self.thresholds_ = np.array([[split.threshold for split in tree] for tree in trees])
        self.scales_ = np.array([[split.scale for split in tree] for tree in trees])

    def _encode(self, features: np.ndarray) -> np.ndarray:
        """Route every sample down every tree and collect the relaxed path decisions.

        The code of a sample is thus the concatenation of the paths to the leaves it
        reaches.

        Args:
            features: ``(N, D)`` features.

        Returns:
            ``(N, bits)`` relaxed path decisions, tree by tree, root first.
        """
        directions, thresholds, scales = self.directions_, self.thresholds_, self.scales_
        if directions is None or thresholds is None or scales is None:
            raise RuntimeError("MetricHashingForest._encode called before _fit")
        n_trees, n_nodes, dim = directions.shape
        projections = (features @ directions.reshape(-1, dim).T).reshape(-1, n_trees, n_nodes)
        values = (projections - thresholds) / scales
        node = np.zeros((features.shape[0], n_trees, 1), dtype=np.int64)
        paths = np.empty((features.shape[0], n_trees, self.depth))
        for level in range(self.depth):
            value = np.take_along_axis(values, node, axis=2)
            paths[:, :, level] = value[:, :, 0]
            node = 2 * node + 1 + (value >= 0)
        return paths.reshape(features.shape[0], -1)[:, : self.bits]
