"""Trunk of mirror-attention retrieval: shared encoder on three views, two mirror branches."""

import torch
from torch import Tensor, nn

from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk
from ash_lightning.nn.gem_pooling import GeMPooling
from ash_lightning.nn.mirror_attention import MirrorAttention
from ash_lightning.nn.shape_probe import probe_output


class MirrorTrunk(nn.Module):
    """Encoder on the image and its mirrors -> two mirror attentions -> GeM -> concat -> BN.

    One shared encoder maps the image, its horizontal (left-right) mirror and its vertical
    (up-down) mirror to ``C x h x w`` feature maps. The horizontal branch attends from the
    image's features to the horizontally mirrored ones, the vertical branch to the
    vertically mirrored ones (:class:`~ash_lightning.nn.mirror_attention.MirrorAttention`);
    each branch is pooled by its own GeM (learnable ``p``) and the two ``C``-dim vectors
    are concatenated into ``N x 2C`` features. A hash head (identity relaxation) then maps
    them to the ``K``-dim real descriptor; its sign gives the binary code.

    ``batch_norm`` (default on) adds a batch norm over the ``2C`` features (a "BNNeck",
    Luo et al., CVPR Workshops 2019), which the method description does not have: GeM of
    non-negative (ReLU) features puts every descriptor in one orthant, so all pairs start
    at cosine ~ 1, where the cosine's gradient is tiny and sign codes collapse to a few
    values. Centring the features lets the default SGD train the fine triplet loss; with
    ``batch_norm=False`` only Adam trained it in our tiny-data runs.

    Departures from the authors' released code: their vertical branch attends to the
    original features instead of the vertically mirrored ones; this follows the paper
    (vertical view). The three views go through the encoder as one batch, so batch norm
    normalises them with shared statistics.

    The encoder is any module mapping images to feature maps (an off-the-shelf backbone
    without its pooling and classifier, or residual blocks as in ``conf/model/mirror.yaml``).
    When it is an :class:`~ash_lightning.nn.EfficientNetTrunk` reading its frozen prefix's
    features, the input is each image's :attr:`views` encoded by that prefix, concatenated
    along the channels (``N x 3F x h x w``), and the three views are taken from it.
    The branches are ``horizontal_attention`` and ``vertical_attention``; forward hooks on
    their ``softmax`` read the attention weights.

    Reference: Fang et al., "Deep metric learning with mirror attention and fine triplet
    loss for fundus image retrieval in ophthalmology", Biomedical Signal Processing and
    Control 80, 104277 (2023; online 2022).

    Args:
        encoder: Maps ``N x in_channels x H x W`` images to ``N x C x h x w`` feature maps.
        image_size: Side of the square input images (to derive ``C``).
        in_channels: Image channels.
        reduction: Channel reduction of the attentions' queries, keys and values.
        gem_p: Initial GeM exponent of both branches.
        batch_norm: Batch-normalise the concatenated ``2C`` features.
    """

    def __init__(
        self,
        encoder: nn.Module,
        image_size: int,
        in_channels: int = 3,
        reduction: int = 2,
        gem_p: float = 3.0,
        batch_norm: bool = True,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        channels = self._encoder_channels(encoder, image_size, in_channels)
        self.horizontal_attention = MirrorAttention(channels, "horizontal", reduction)
        self.vertical_attention = MirrorAttention(channels, "vertical", reduction)
        self.horizontal_pooling = GeMPooling(gem_p)
        self.vertical_pooling = GeMPooling(gem_p)
        self.neck: nn.Module = nn.BatchNorm1d(2 * channels) if batch_norm else nn.Identity()

    @staticmethod
    def _encoder_channels(encoder: nn.Module, image_size: int, in_channels: int) -> int:
        features = probe_output(encoder, image_size, in_channels, "the mirror encoder")
        if features.ndim != 4:
            raise ValueError(
                f"the mirror encoder must return N x C x h x w maps, got {tuple(features.shape)}"
            )
        return int(features.shape[1])

    @property
    def views(self) -> tuple[tuple[int, ...], ...]:
        """The dimensions each view flips: the image, its horizontal and its vertical mirror."""
        return ((), (self.horizontal_attention.flip_dim,), (self.vertical_attention.flip_dim,))

    def _view_batch(self, images: Tensor) -> Tensor:
        """The three views of every image, one after the other along the batch."""
        encoder = self.encoder
        if isinstance(encoder, EfficientNetTrunk) and encoder.reads_prefix_features:
            return torch.cat(images.chunk(len(self.views), dim=1))
        return torch.cat([images.flip(dims) if dims else images for dims in self.views])

    def forward(self, images: Tensor) -> Tensor:
        """Map images to ``N x 2C`` pooled mirror-attention features (``C``: encoder channels)."""
        features, horizontal_mirror, vertical_mirror = self.encoder(self._view_batch(images)).chunk(
            len(self.views)
        )
        pooled = [
            self.horizontal_pooling(self.horizontal_attention(features, horizontal_mirror)),
            self.vertical_pooling(self.vertical_attention(features, vertical_mirror)),
        ]
        return self._neck(torch.cat(pooled, dim=1))

    def _neck(self, features: Tensor) -> Tensor:
        """The neck; a lone training image (an epoch's last batch) uses running statistics."""
        if not (self.training and len(features) == 1):
            return self.neck(features)
        self.neck.eval()
        try:
            return self.neck(features)
        finally:
            self.neck.train()
