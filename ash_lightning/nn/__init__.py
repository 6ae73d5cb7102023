"""Network pieces: attention blocks (one per file, ``channels`` first), trunks, hash heads.

The names below are the package's public face: configurations name them as
``ash_lightning.nn.<Name>``, so a module can move without breaking saved runs.
"""

from ash_lightning.nn.ash_attention import ASHAttention
from ash_lightning.nn.ash_released_attention import ASHReleasedAttention
from ash_lightning.nn.ash_u_trunk import ASHUTrunk
from ash_lightning.nn.ath_attention import ATHAttention
from ash_lightning.nn.ath_trunk import ATHTrunk
from ash_lightning.nn.attention_guided_network import AttentionGuidedHashingNetwork
from ash_lightning.nn.class_guided_attention import ClassGuidedAttention
from ash_lightning.nn.class_head_network import ClassHeadNetwork
from ash_lightning.nn.dpsh_trunk import DPSHTrunk
from ash_lightning.nn.dsh_trunk import DSHTrunk
from ash_lightning.nn.efficientnet_trunk import EfficientNetTrunk
from ash_lightning.nn.gem_pooling import GeMPooling
from ash_lightning.nn.hash_head import HashHead
from ash_lightning.nn.hashing_network import HashingNetwork
from ash_lightning.nn.mirror_attention import MirrorAttention
from ash_lightning.nn.mirror_trunk import MirrorTrunk
from ash_lightning.nn.no_attention import NoAttention
from ash_lightning.nn.residual_block import ResidualBlock
from ash_lightning.nn.residual_trunk import ResidualTrunk
from ash_lightning.nn.two_head_network import TwoHeadHashingNetwork

__all__ = [
    "ASHAttention",
    "ASHReleasedAttention",
    "ASHUTrunk",
    "ATHAttention",
    "ATHTrunk",
    "AttentionGuidedHashingNetwork",
    "ClassGuidedAttention",
    "ClassHeadNetwork",
    "DPSHTrunk",
    "DSHTrunk",
    "EfficientNetTrunk",
    "GeMPooling",
    "HashHead",
    "HashingNetwork",
    "MirrorAttention",
    "MirrorTrunk",
    "NoAttention",
    "ResidualBlock",
    "ResidualTrunk",
    "TwoHeadHashingNetwork",
]
