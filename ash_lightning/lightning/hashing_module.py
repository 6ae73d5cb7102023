"""LightningModules that train one hashing network on image pairs; shared evaluation steps."""

from collections.abc import Callable, Iterable
from typing import Any

import pytorch_lightning as pl
import torch
from torch import Tensor, nn

from ash_lightning.lightning.numeric_fault import NumericFault, numeric_fault
from ash_lightning.losses.regime import HashingLoss
from ash_lightning.nn.class_head_network import ClassHeadNetwork

OptimizerFactory = Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
SchedulerFactory = Callable[[torch.optim.Optimizer], torch.optim.lr_scheduler.LRScheduler]


class HashingModule(pl.LightningModule):
    """A hashing network, its loss and optimizer; evaluation shared by every method.

    Validation and test steps return the relaxed codes, labels and dataset indices of
    each batch; :class:`~ash_lightning.lightning.retrieval_evaluation.RetrievalEvaluation`
    turns them into retrieval metrics. Subclasses define ``training_step``.

    Args:
        net: Maps images to ``N x K`` relaxed codes; a :class:`ClassHeadNetwork` when the
            loss's regime needs class logits.
        loss: The training loss, which declares its regime.
        optimizer: Builds the optimizer from the parameters (a Hydra ``_partial_``).
        scheduler: Builds a learning-rate schedule on the optimizer, stepped after every
            optimizer step (a Hydra ``_partial_``); None keeps the optimizer's rate.

    Raises:
        ValueError: The loss needs a class head and the network has none.
    """

    def __init__(
        self,
        net: nn.Module,
        loss: HashingLoss,
        optimizer: OptimizerFactory,
        scheduler: SchedulerFactory | None = None,
    ) -> None:
        super().__init__()
        if loss.regime.needs_class_head and not isinstance(net, ClassHeadNetwork):
            raise ValueError(
                f"{type(loss).__name__} needs a network with a class head, "
                f"{type(net).__name__} has none"
            )
        self.net = net
        self.loss = loss
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler

    def forward(self, images: Tensor) -> Tensor:
        """Relaxed codes of ``images``."""
        return self.net(images)

    def codes_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor | None]:
        """Relaxed codes and, when the loss needs them, class logits from one pass."""
        if isinstance(self.net, ClassHeadNetwork) and self.loss.regime.needs_class_head:
            return self.net.codes_and_logits(images)
        return self.net(images), None

    def _learning_rate(self) -> float | None:
        optimizers = self.trainer.optimizers if self._trainer is not None else []
        return float(optimizers[0].param_groups[0]["lr"]) if optimizers else None

    def _fault(self, what: str) -> NumericFault:
        return numeric_fault(what, self.current_epoch + 1, self.global_step, self._learning_rate())

    def on_train_batch_start(self, batch: Any, batch_idx: int) -> None:
        """Log the learning rate this step trains with (a warm-up shows as it climbs)."""
        self.log("train/lr", self._learning_rate() or 0.0, on_step=True, on_epoch=False)

    def on_before_backward(self, loss: Tensor) -> None:
        """Stop at the first non-finite loss, naming the epoch, step and learning rate."""
        if not torch.isfinite(loss).all():
            raise self._fault(f"the loss is {loss.detach().float().sum().item()}")

    def _encode_step(self, batch: tuple[Tensor, Tensor, Tensor]) -> dict[str, Tensor]:
        images, labels, indices = batch
        outputs = self.net(images)
        if not torch.isfinite(outputs).all():  # NaN codes never become metrics
            raise self._fault("the network's outputs are not finite")
        return {"outputs": outputs, "labels": labels, "indices": indices}

    def validation_step(
        self, batch: tuple[Tensor, Tensor, Tensor], batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, Tensor]:
        """Encode one batch of queries or database images."""
        return self._encode_step(batch)

    def test_step(
        self, batch: tuple[Tensor, Tensor, Tensor], batch_idx: int, dataloader_idx: int = 0
    ) -> dict[str, Tensor]:
        """Encode one batch of queries or database images."""
        return self._encode_step(batch)

    def configure_optimizers(self) -> Any:
        """The configured optimizer over all parameters, and its schedule, stepped per step."""
        optimizer = self.optimizer_factory(self.parameters())
        if self.scheduler_factory is None:
            return optimizer
        schedule = {"scheduler": self.scheduler_factory(optimizer), "interval": "step"}
        return {"optimizer": optimizer, "lr_scheduler": schedule}


class PairwiseHashingModule(HashingModule):
    """Siamese training of a hashing network with a pairwise loss.

    One network encodes both images of every pair, so the two branches share weights by
    construction (the siamese structure of Fang et al., BIBM 2020, §III). Both images go
    through a single forward call, concatenated along the batch. The loss is called as
    ``loss(codes_1, codes_2, dissimilar)``.
    """

    def training_step(self, batch: tuple[Tensor, Tensor, Tensor], batch_idx: int) -> Tensor:
        """Pairwise loss of one batch of pairs."""
        first, second, dissimilar = batch
        codes = self.net(torch.cat([first, second]))
        codes_1, codes_2 = codes.split(len(first))
        loss = self.loss(codes_1, codes_2, dissimilar)
        self.log("train/loss", loss, prog_bar=True, on_step=True, on_epoch=True)
        return loss
