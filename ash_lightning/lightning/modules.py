"""The LightningModule of each training regime, chosen by the loss's sampling."""

from torch import nn

from ash_lightning.data.sampling import Sampling
from ash_lightning.lightning.hashing_module import (
    HashingModule,
    OptimizerFactory,
    PairwiseHashingModule,
    SchedulerFactory,
)
from ash_lightning.lightning.labelled_batch_module import LabelledBatchHashingModule
from ash_lightning.lightning.triplet_module import TripletHashingModule
from ash_lightning.losses.regime import HashingLoss

MODULES: dict[Sampling, type[HashingModule]] = {
    Sampling.PAIRS: PairwiseHashingModule,
    Sampling.TRIPLETS: TripletHashingModule,
    Sampling.IMAGES: LabelledBatchHashingModule,
}


def hashing_module(
    net: nn.Module,
    loss: HashingLoss,
    optimizer: OptimizerFactory,
    scheduler: SchedulerFactory | None = None,
) -> HashingModule:
    """The module that trains ``net`` with ``loss`` on what the loss's regime samples.

    Raises:
        ValueError: The loss needs a class head and the network has none.
    """
    return MODULES[loss.regime.sampling](
        net=net, loss=loss, optimizer=optimizer, scheduler=scheduler
    )
