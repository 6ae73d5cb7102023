"""Sanity check (slow): a tiny two-layer CNN learns the synthetic labels from the pixels."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ash_lightning.data.synthetic import generate_asoct, generate_fundus

IMAGE_SIZE = 64
STEPS = 1500
CHANCE = 0.2


def standardise(images: np.ndarray) -> torch.Tensor:
    x = torch.as_tensor(images, dtype=torch.float32)
    return (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=(2, 3), keepdim=True) + 1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("generate", [generate_asoct, generate_fundus])
def test_tiny_cnn_learns_the_labels(generate) -> None:
    torch.manual_seed(0)
    train_labels = np.tile(np.arange(5), 600)
    test_labels = np.tile(np.arange(5), 100)
    train = standardise(generate(train_labels, IMAGE_SIZE, seed=10))
    test = standardise(generate(test_labels, IMAGE_SIZE, seed=11))
    train_y = torch.as_tensor(train_labels)
    net = nn.Sequential(
        nn.Conv2d(train.shape[1], 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveMaxPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 5),
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for _ in range(STEPS):
        batch = torch.randint(0, len(train_y), (64,), generator=generator)
        loss = F.cross_entropy(net(train[batch]), train_y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = float((net(test).argmax(dim=1).numpy() == test_labels).mean())
    elapsed = time.perf_counter() - start
    print(f"{generate.__name__}: tiny CNN accuracy {accuracy:.3f} after {elapsed:.0f} s")
    assert accuracy > CHANCE + 0.25
