"""Distributed training under Hydra: the child processes of DDP, the effective batch.

Lightning's ``strategy=ddp`` starts one process per further device by re-running the
command line. Under Hydra it appends ``hydra.run.dir`` to ``sys.argv``, which in a multirun
is the sweep's command (``-m`` and every sweep value) and the wrong folder: each child would
run the whole sweep again into a second folder. :func:`ddp_children_run_this_job` makes the
children re-run this job alone, into its own folder, and afterwards ends the job's process
group and forgets its rendezvous, so that the next job of a sweep in this process starts its
own.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytorch_lightning as pl
import torch
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict, read_write

# Set by Lightning's launcher for the children; a later job must not reuse them.
RENDEZVOUS_VARIABLES = ("MASTER_ADDR", "MASTER_PORT", "NODE_RANK", "LOCAL_RANK", "WORLD_SIZE")


@contextmanager
def ddp_children_run_this_job(output_dir: str) -> Iterator[None]:
    """While it is open, a DDP child process re-runs this Hydra job (not the sweep) here.

    Args:
        output_dir: The job's folder (``hydra.runtime.output_dir``).
    """
    environment = {name: os.environ.get(name) for name in RENDEZVOUS_VARIABLES}
    hydra = (
        cast(DictConfig, HydraConfig.get())  # typed as the dataclass it was built from
        if HydraConfig.initialized()
        else None
    )
    argv, run_dir = list(sys.argv), None if hydra is None else hydra.run.dir
    if hydra is not None:
        sys.argv = [argv[0], *hydra.overrides.task]
        with read_write(hydra), open_dict(hydra):
            hydra.run.dir = output_dir
    try:
        yield
    finally:
        sys.argv = argv
        if hydra is not None:
            with read_write(hydra), open_dict(hydra):
                hydra.run.dir = run_dir
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.destroy_process_group()
        for name, value in environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def runs_on_cpu(accelerator: str) -> bool:
    """Whether ``trainer.accelerator`` means CPU here (``auto`` without a GPU)."""
    return accelerator == "cpu" or (accelerator == "auto" and not torch.cuda.is_available())


def describe_effective_batch(batch: dict[str, Any]) -> str:
    """The line printed at the start of training.

    For example ``effective batch: 16 images per device x 2 process(es) x 1 accumulated = 32
    images per optimiser step``.
    """
    return (
        f"effective batch: {batch['per_device']} images per device x {batch['world_size']} "
        f"process(es) x {batch['accumulate_grad_batches']} accumulated = {batch['total']} "
        "images per optimiser step"
    )


def effective_batch(cfg: DictConfig, trainer: pl.Trainer) -> dict[str, Any]:
    """Images per optimiser step: per device x devices x nodes x gradient accumulation.

    Args:
        cfg: The run configuration (``data.batch_size``).
        trainer: The trainer (its world size and accumulation).

    Returns:
        ``per_device``, ``world_size``, ``accumulate_grad_batches`` and their product ``total``.
    """
    per_device = int(cfg.data.batch_size)
    accumulation = int(trainer.accumulate_grad_batches)
    return {
        "per_device": per_device,
        "world_size": int(trainer.world_size),
        "accumulate_grad_batches": accumulation,
        "total": per_device * int(trainer.world_size) * accumulation,
    }
