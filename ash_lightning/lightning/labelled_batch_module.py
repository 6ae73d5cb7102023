"""LightningModule for losses over every pair of a batch of labelled images."""

from torch import Tensor

from ash_lightning.lightning.hashing_module import HashingModule


class LabelledBatchHashingModule(HashingModule):
    """Training on batches of labelled images; the loss compares all in-batch pairs.

    The network encodes the batch once and, when the loss's regime asks for a class head,
    also returns class logits for the loss's classification term. The loss is called as
    ``loss(outputs, labels, logits)`` (``logits`` is ``None`` when it needs none).
    Evaluation is inherited, so retrieval goes through the same callback as every other
    method.

    References: the fine triplet loss of mirror-attention fundus retrieval (BSPC 2022)
    and the weighted pairwise likelihood of attention-guided hashing (Zhu et al., 2022),
    both defined over all pairs of a mini-batch.
    """

    def training_step(self, batch: tuple[Tensor, Tensor], batch_idx: int) -> Tensor:
        """Loss of one batch of labelled images."""
        images, labels = batch
        outputs, logits = self.codes_and_logits(images)
        loss = self.loss(outputs, labels, logits)
        self.log("train/loss", loss, prog_bar=True, on_step=True, on_epoch=True)
        return loss
