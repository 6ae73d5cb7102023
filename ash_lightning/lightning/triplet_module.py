"""LightningModule that trains a two-head hashing network on image triplets (ATH)."""

import torch
from torch import Tensor

from ash_lightning.lightning.hashing_module import HashingModule


class TripletHashingModule(HashingModule):
    """ATH training: triplet term on the codes plus classification of every image.

    One network encodes anchor, positive and negative in a single forward call (shared
    weights by construction) and returns codes and class logits; evaluation is inherited
    unchanged, so retrieval goes through the same callback as every other method.

    Reference: Fang, Fu, Liu, ATH, Medical Image Analysis 2021.
    """

    def training_step(self, batch: tuple[Tensor, ...], batch_idx: int) -> Tensor:
        """Triplet cross-entropy loss of one batch of triplets."""
        images, labels = batch[:3], batch[3:]
        codes, logits = self.codes_and_logits(torch.cat(images))
        if logits is None:
            raise RuntimeError("triplet training needs a loss whose regime has a class head")
        size = len(images[0])
        loss = self.loss(codes.split(size), logits.split(size), labels)
        self.log("train/loss", loss, prog_bar=True, on_step=True, on_epoch=True)
        return loss
