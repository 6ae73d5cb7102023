"""Why pairwise hashing collapses on real photographs: a hash head on frozen features.

Trains only FC 4096 -> FC K (-> batch norm) -> tanh with ASH's contrastive loss (Eq. (2),
r = 0.5) on the frozen, pooled ImageNet EfficientNet-Lite0 features of a data config, so that
one variant takes seconds instead of minutes. It isolates the head, the pair sampling and the
learning rate from the trunk. Scores are mAP@10 (standard convention, Hamming ranking, ties
broken by the seeded database order) on validation and test, with the distinct database codes,
at the epoch with the best validation score.

    python experiments/head_probe.py data=eye_diseases_4class
"""

import sys
from dataclasses import dataclass

import numpy as np
import torch
from hydra.utils import instantiate
from torch import Tensor, nn

from ash_lightning.data.sampling import Sampling
from ash_lightning.losses import ContrastiveHashLoss, InBatchPairs
from ash_lightning.run.compose import compose_config
from ash_lightning.shallow.pretrained_features import PretrainedFeatures


@dataclass(frozen=True)
class Variant:
    """One training setting of the head."""

    name: str
    in_batch: bool = False
    batch_norm: bool = False
    lr: float = 1e-4


VARIANTS = (
    Variant("drawn pairs (the paper's sampling)"),
    Variant("drawn pairs, lr 1e-3", lr=1e-3),
    Variant("drawn pairs + batch norm", batch_norm=True),
    Variant("in-batch pairs", in_batch=True),
    Variant("in-batch pairs + batch norm", in_batch=True, batch_norm=True),
)


def map_at_10(
    queries: np.ndarray, database: np.ndarray, query_labels: np.ndarray, database_labels: np.ndarray
) -> float:
    """mAP@10 of {0, 1} codes by Hamming distance, ties in database order (stable sort)."""
    distances = (queries[:, None, :] != database[None, :, :]).sum(-1)
    top = np.argsort(distances, axis=1, kind="stable")[:, :10]
    relevant = database_labels[top] == query_labels[:, None]
    precision = np.cumsum(relevant, 1) / np.arange(1, 11)
    hits = relevant.sum(1)
    return float(np.where(hits > 0, (precision * relevant).sum(1) / np.maximum(hits, 1), 0).mean())


def train_head(
    variant: Variant,
    features: dict[str, Tensor],
    labels: dict[str, np.ndarray],
    bits: int = 12,
    epochs: int = 10,
    batch: int = 64,
    seed: int = 0,
) -> str:
    """Train one variant and describe its best-validation epoch."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    layers: list[nn.Module] = [
        nn.Linear(features["database"].shape[1], 4096),
        nn.ReLU(),
        nn.Linear(4096, bits),
    ]
    head = nn.Sequential(
        *layers, *([nn.BatchNorm1d(bits)] if variant.batch_norm else []), nn.Tanh()
    )
    optimizer = torch.optim.Adam(head.parameters(), lr=variant.lr)
    pair_loss = ContrastiveHashLoss(bits, margin_ratio=0.5)
    in_batch = InBatchPairs(pair_loss)
    database, database_labels = features["database"], torch.as_tensor(labels["database"])
    count = len(database)
    best = (-1.0, 0.0, 0, 0)
    for epoch in range(epochs):
        head.train()
        if variant.in_batch:
            order = rng.permutation(count)
            steps = [order[start : start + batch] for start in range(0, count - 1, batch)]
        else:
            first, second = rng.integers(0, count, count), rng.integers(0, count, count)
            steps = [
                np.concatenate([first[s : s + batch // 2], second[s : s + batch // 2]])
                for s in range(0, count, batch // 2)
            ]
        for step in steps:
            codes = head(database[step])
            if variant.in_batch:
                loss = in_batch(codes, database_labels[step])
            else:
                half = len(step) // 2
                dissimilar = (database_labels[step[:half]] != database_labels[step[half:]]).float()
                loss = pair_loss(codes[:half], codes[half:], dissimilar)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        head.eval()
        with torch.no_grad():
            codes = {split: (head(values) > 0).numpy() for split, values in features.items()}
        scores = [
            map_at_10(codes[split], codes["database"], labels[split], labels["database"])
            for split in ("val", "test")
        ]
        if scores[0] > best[0]:
            best = (scores[0], scores[1], len(np.unique(codes["database"], axis=0)), epoch + 1)
    return f"| {variant.name} | {best[0]:.3f} | {best[1]:.3f} | {best[2]} | {best[3]} |"


def main(overrides: list[str]) -> None:
    """Extract the frozen features of the configured data once, then train every variant."""
    torch.set_num_threads(2)
    cfg = compose_config(overrides)
    datamodule = instantiate(cfg.data, sampling=Sampling.PAIRS)
    splits, order = datamodule.splits, datamodule.database_order
    extract = PretrainedFeatures()
    features = {
        split: torch.as_tensor(extract(getattr(splits, f"{split}_images")))
        for split in ("database", "val", "test")
    }
    labels = {
        split: np.asarray(getattr(splits, f"{split}_labels"))
        for split in ("database", "val", "test")
    }
    features["database"], labels["database"] = (
        features["database"][order],
        labels["database"][order],
    )
    print("| variant | val mAP@10 | test mAP@10 | distinct database codes | best epoch |")
    print("|---|---:|---:|---:|---:|")
    for variant in VARIANTS:
        print(train_head(variant, features, labels), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
