"""Losses for learning hash codes, each value-tested against a hand computation.

Every loss is a :class:`HashingLoss` that declares its :class:`TrainingRegime`.
Configurations name them as ``ash_lightning.losses.<Name>``.
"""

from ash_lightning.losses.contrastive_hash_loss import ContrastiveHashLoss
from ash_lightning.losses.dpsh_likelihood_loss import DPSHLikelihoodLoss
from ash_lightning.losses.dsh_loss import DSHLoss
from ash_lightning.losses.fine_triplet_loss import FineTripletLoss
from ash_lightning.losses.in_batch_pairs import InBatchPairs
from ash_lightning.losses.in_batch_triplets import InBatchTriplets
from ash_lightning.losses.regime import HashingLoss, TrainingRegime
from ash_lightning.losses.triplet_cross_entropy_loss import TripletCrossEntropyLoss
from ash_lightning.losses.weighted_likelihood_loss import WeightedLikelihoodLoss

__all__ = [
    "ContrastiveHashLoss",
    "DPSHLikelihoodLoss",
    "DSHLoss",
    "FineTripletLoss",
    "HashingLoss",
    "InBatchPairs",
    "InBatchTriplets",
    "TrainingRegime",
    "TripletCrossEntropyLoss",
    "WeightedLikelihoodLoss",
]
