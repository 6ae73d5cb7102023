"""Saved configurations of earlier versions, read with today's public names.

``results.json`` and ``index.json`` store the resolved configuration, ``_target_`` paths
included. Up to version 0.1.0 (main 676d058) those paths named private modules, e.g.
``ash_lightning.nn.ash_attention.ASHAttention``; some of those modules have since moved.
Every path ever saved maps here to the package's public name, so old runs and indexes
still load.
"""

from typing import Any

LEGACY_TARGETS: dict[str, str] = {
    "ash_lightning.callbacks.retrieval_evaluation.RetrievalEvaluation": "ash_lightning.lightning.RetrievalEvaluation",
    "ash_lightning.data.manifest_datamodule.ManifestDataModule": "ash_lightning.data.ManifestDataModule",
    "ash_lightning.data.synthetic_datamodule.SyntheticDataModule": "ash_lightning.data.SyntheticDataModule",
    "ash_lightning.data.train_augmentation.TrainAugmentation": "ash_lightning.data.TrainAugmentation",
    "ash_lightning.losses.contrastive_hash_loss.ContrastiveHashLoss": "ash_lightning.losses.ContrastiveHashLoss",
    "ash_lightning.losses.dpsh_likelihood_loss.DPSHLikelihoodLoss": "ash_lightning.losses.DPSHLikelihoodLoss",
    "ash_lightning.losses.dsh_loss.DSHLoss": "ash_lightning.losses.DSHLoss",
    "ash_lightning.losses.fine_triplet_loss.FineTripletLoss": "ash_lightning.losses.FineTripletLoss",
    "ash_lightning.losses.triplet_cross_entropy_loss.TripletCrossEntropyLoss": "ash_lightning.losses.TripletCrossEntropyLoss",
    "ash_lightning.losses.weighted_likelihood_loss.WeightedLikelihoodLoss": "ash_lightning.losses.WeightedLikelihoodLoss",
    "ash_lightning.nn.ash_attention.ASHAttention": "ash_lightning.nn.ASHAttention",
    "ash_lightning.nn.ash_released_attention.ASHReleasedAttention": "ash_lightning.nn.ASHReleasedAttention",
    "ash_lightning.nn.ash_u_trunk.ASHUTrunk": "ash_lightning.nn.ASHUTrunk",
    "ash_lightning.nn.ath_attention.ATHAttention": "ash_lightning.nn.ATHAttention",
    "ash_lightning.nn.ath_trunk.ATHTrunk": "ash_lightning.nn.ATHTrunk",
    "ash_lightning.nn.attention_guided_network.AttentionGuidedHashingNetwork": "ash_lightning.nn.AttentionGuidedHashingNetwork",
    "ash_lightning.nn.class_guided_attention.ClassGuidedAttention": "ash_lightning.nn.ClassGuidedAttention",
    "ash_lightning.nn.dpsh_trunk.DPSHTrunk": "ash_lightning.nn.DPSHTrunk",
    "ash_lightning.nn.dsh_trunk.DSHTrunk": "ash_lightning.nn.DSHTrunk",
    "ash_lightning.nn.hash_head.HashHead": "ash_lightning.nn.HashHead",
    "ash_lightning.nn.hashing_network.HashingNetwork": "ash_lightning.nn.HashingNetwork",
    "ash_lightning.nn.mirror_trunk.MirrorTrunk": "ash_lightning.nn.MirrorTrunk",
    "ash_lightning.nn.no_attention.NoAttention": "ash_lightning.nn.NoAttention",
    "ash_lightning.nn.residual_block.ResidualBlock": "ash_lightning.nn.ResidualBlock",
    "ash_lightning.nn.residual_trunk.ResidualTrunk": "ash_lightning.nn.ResidualTrunk",
    "ash_lightning.nn.two_head_network.TwoHeadHashingNetwork": "ash_lightning.nn.TwoHeadHashingNetwork",
    "ash_lightning.report.hydra_callback.ReportOnMultirunEnd": "ash_lightning.report.ReportOnMultirunEnd",
    "ash_lightning.sweep_summary.SweepSummary": "ash_lightning.report.SweepSummary",
}


def upgrade_targets(node: Any) -> Any:
    """A copy of a saved configuration (dicts and lists) with every legacy ``_target_`` renamed.

    Args:
        node: A configuration as plain containers, e.g. ``results.json``'s ``config``.

    Returns:
        The same structure; ``_target_`` values found in :data:`LEGACY_TARGETS` replaced.
    """
    if isinstance(node, dict):
        return {
            key: LEGACY_TARGETS.get(value, value)
            if key == "_target_" and isinstance(value, str)
            else upgrade_targets(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [upgrade_targets(item) for item in node]
    return node
