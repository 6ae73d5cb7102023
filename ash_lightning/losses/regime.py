"""The contract between a loss and the training loop: what to sample, which heads to run."""

from dataclasses import dataclass
from typing import ClassVar

from torch import nn

from ash_lightning.data.sampling import Sampling


@dataclass(frozen=True)
class TrainingRegime:
    """What a loss needs from the training loop.

    Attributes:
        sampling: The unit of a training batch the data module must yield.
        needs_class_head: The network must return class logits beside the codes
            (a :class:`~ash_lightning.nn.ClassHeadNetwork`).
    """

    sampling: Sampling
    needs_class_head: bool = False


class HashingLoss(nn.Module):
    """Base of every training loss: it declares its :class:`TrainingRegime`.

    The training code reads ``regime`` to build the data module and the LightningModule, and
    to refuse a network without the class head the loss needs.
    """

    regime: ClassVar[TrainingRegime] = TrainingRegime(Sampling.PAIRS)
