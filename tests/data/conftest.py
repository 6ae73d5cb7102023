"""Probes shared by the synthetic-data tests: a logistic regression and two feature sets.

The helpers are exposed as fixtures so that the test modules need no import path tricks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F

NUM_CLASSES = 5
PROBE_TRAIN = 1000
PROBE_HELD_OUT = 500
PROBE_IMAGE_SIZE = 64


def balanced_labels(count: int) -> np.ndarray:
    """Labels 0..4 repeated in turn, so every prefix is (nearly) balanced."""
    return np.tile(np.arange(NUM_CLASSES), count // NUM_CLASSES)


def probe_accuracy(features: np.ndarray, labels: np.ndarray) -> float:
    """Held-out accuracy of a multinomial logistic regression on standardised features.

    Trained full-batch with L-BFGS on the first `PROBE_TRAIN` rows, evaluated on the rest.
    """
    torch.manual_seed(0)
    train_x, test_x = features[:PROBE_TRAIN], features[PROBE_TRAIN:]
    mean, std = train_x.mean(axis=0), train_x.std(axis=0) + 1e-8
    train = torch.tensor((train_x - mean) / std, dtype=torch.float64)
    test = torch.tensor((test_x - mean) / std, dtype=torch.float64)
    train_y = torch.as_tensor(labels[:PROBE_TRAIN])
    test_y = torch.as_tensor(labels[PROBE_TRAIN:])
    weight = torch.zeros(train.shape[1], NUM_CLASSES, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(NUM_CLASSES, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS(
        [weight, bias], lr=1.0, max_iter=300, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = F.cross_entropy(train @ weight + bias, train_y) + 1e-3 * weight.square().sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        predicted = (test @ weight + bias).argmax(dim=1)
    return float((predicted == test_y).double().mean())


def global_statistics(images: np.ndarray) -> np.ndarray:
    """Per-channel mean and standard deviation of each image, shape ``(n, 2 C)``."""
    flat = images.reshape(images.shape[0], images.shape[1], -1).astype(np.float64)
    return np.concatenate([flat.mean(axis=2), flat.std(axis=2)], axis=1)


def local_statistics(images: np.ndarray) -> np.ndarray:
    """Local-patch statistics of per-image z-scored intensities, per channel.

    Box means over 1 to 7 pixels make the small salient regions (lesions, cup, opacity)
    stand out from the pixel noise; the features are their upper quantiles over the image
    and their maxima over a 4 x 4 grid of patches (max-pooled local statistics).
    """
    x = torch.as_tensor(images, dtype=torch.float32)
    n, channels = x.shape[:2]
    z = (x - x.mean(dim=(2, 3), keepdim=True)) / x.std(dim=(2, 3), keepdim=True)
    levels = torch.tensor([0.9, 0.99, 0.995, 0.998, 1.0])
    features = []
    for width in (1, 3, 5, 7):
        local = z
        if width > 1:
            local = F.avg_pool2d(z, width, stride=1, padding=width // 2, count_include_pad=False)
        quantiles = torch.quantile(local.reshape(n, channels, -1), levels, dim=2)
        features.append(quantiles.permute(1, 2, 0).reshape(n, -1))
        if width in (3, 5):
            features.append(F.adaptive_max_pool2d(local, 4).reshape(n, -1))
    return torch.cat(features, dim=1).numpy()


@pytest.fixture(scope="session")
def probe() -> Callable[[np.ndarray, np.ndarray], float]:
    """`probe_accuracy`: held-out accuracy of a logistic regression on features."""
    return probe_accuracy


@pytest.fixture(scope="session")
def probe_labels() -> np.ndarray:
    """Balanced labels for the probe data sets (train rows first, then held-out rows)."""
    return balanced_labels(PROBE_TRAIN + PROBE_HELD_OUT)


@pytest.fixture(scope="session")
def global_features() -> Callable[[np.ndarray], np.ndarray]:
    """`global_statistics`: per-channel mean and std of each image."""
    return global_statistics


@pytest.fixture(scope="session")
def local_features() -> Callable[[np.ndarray], np.ndarray]:
    """`local_statistics`: quantiles and patch maxima of locally averaged intensities."""
    return local_statistics
