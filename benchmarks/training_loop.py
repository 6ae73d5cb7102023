"""Lightning's training loop against a plain PyTorch loop over the same batches: steps per second.

    python benchmarks/training_loop.py [--steps 60] [--rounds 3]

Both loops train the default ASH-U network (64 px, 12 bits, the paper's contrastive loss and
SGD) on the same pair batches of the default synthetic data, held in memory, from the same
initial weights. The plain loop is ``forward, loss, backward, step, zero_grad``; Lightning's
is ``Trainer.fit`` with the project's module, no logger, checkpoint, validation or progress
bar. Rounds alternate between the two; the ratio of the median steps/s is printed
(target: >= 0.95).
"""

import argparse
import copy
import statistics
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import cast

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from torch import nn

from ash_lightning.lightning import hashing_module
from ash_lightning.losses.regime import HashingLoss
from ash_lightning.run.compose import compose_config
from ash_lightning.run.network_build import build_network

Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]
OptimizerFactory = Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]


def _batches(steps: int) -> tuple[list[Batch], nn.Module, HashingLoss, OptimizerFactory]:
    """``steps`` pair batches of the default run, its network, loss and optimiser factory."""
    cfg = compose_config(["trainer.accelerator=cpu"])
    loss = instantiate(cfg.loss)
    datamodule = instantiate(cfg.data, sampling=loss.regime.sampling)
    datamodule.setup()
    batches: list[Batch] = []
    for first, second, dissimilar in datamodule.train_dataloader():
        batches.append((first, second, dissimilar))
        if len(batches) == steps:
            break
    optimizer_factory = cast(OptimizerFactory, instantiate(cfg.optimizer))
    return batches, build_network(cfg.model), loss, optimizer_factory


class _Replay:
    """The batches as one iterable (a bare list would be read as a list of loaders)."""

    def __init__(self, batches: list[Batch]) -> None:
        self.batches = batches

    def __iter__(self) -> Iterator[Batch]:
        return iter(self.batches)

    def __len__(self) -> int:
        return len(self.batches)


def plain_loop(
    batches: list[Batch], net: nn.Module, loss: HashingLoss, optimizer_factory: OptimizerFactory
) -> float:
    """Steps per second of a hand-written loop."""
    optimizer = optimizer_factory(net.parameters())
    net.train()
    started = time.perf_counter()
    for first, second, dissimilar in batches:
        codes_1, codes_2 = net(torch.cat([first, second])).split(len(first))
        value = loss(codes_1, codes_2, dissimilar)
        value.backward()
        optimizer.step()
        optimizer.zero_grad()
    return len(batches) / (time.perf_counter() - started)


def lightning_loop(
    batches: list[Batch], net: nn.Module, loss: HashingLoss, optimizer_factory: OptimizerFactory
) -> float:
    """Steps per second of ``Trainer.fit`` over the same batches (timed inside the fit)."""
    module = hashing_module(net, loss, optimizer_factory)
    times: list[float] = []

    class Clock(pl.Callback):
        def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
            times.append(time.perf_counter())

        def on_train_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
            times.append(time.perf_counter())

    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        limit_val_batches=0,
        callbacks=[Clock()],
    )
    trainer.fit(module, train_dataloaders=_Replay(batches))
    return len(batches) / (times[1] - times[0])


def main() -> None:
    """Alternate the two loops and print the steps/s of each and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore")
    batches, net, loss, optimizer_factory = _batches(arguments.steps)
    plain, lightning = [], []
    for _ in range(arguments.rounds):
        plain.append(plain_loop(batches, copy.deepcopy(net), loss, optimizer_factory))
        lightning.append(lightning_loop(batches, copy.deepcopy(net), loss, optimizer_factory))
    print(f"{arguments.steps} steps of batch {len(batches[0][0])} pairs, {arguments.rounds} rounds")
    print("| loop | steps/s (median) | rounds |")
    print("|---|---:|---|")
    for name, rates in (("plain PyTorch", plain), ("Lightning fit", lightning)):
        rounds = ", ".join(f"{rate:.2f}" for rate in rates)
        print(f"| {name} | {statistics.median(rates):.2f} | {rounds} |")
    print(f"\nLightning / plain: {statistics.median(lightning) / statistics.median(plain):.3f}")


if __name__ == "__main__":
    main()
