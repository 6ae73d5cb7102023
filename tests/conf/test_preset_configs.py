import pytest

RECIPE_SYSTEMS = ["ash_pretrained", "mirror_pretrained", "agdh_pretrained", "ath_pretrained"]


def test_the_frozen_trunk_recipe_applies_to_any_pretrained_model(tiny_config):
    cfg = tiny_config("model=pretrained", "recipe=frozen_trunk")
    assert cfg.optimizer._target_.endswith("Adam")
    assert cfg.optimizer.lr == 0.0001 and cfg.optimizer.fused is True
    assert cfg.model.head.batch_norm is True
    assert cfg.data.batch_size == 64 and cfg.data.train_transform is None
    assert cfg.frozen_features.precompute is True
    assert cfg.callbacks.model_checkpoint.min_distinct_codes_per_class == 10


def test_no_recipe_is_the_default(tiny_config):
    cfg = tiny_config("model=pretrained")
    assert cfg.frozen_features.precompute is False
    assert cfg.callbacks.model_checkpoint.min_distinct_codes_per_class == 0
    assert not cfg.optimizer._target_.endswith("Adam")


@pytest.mark.parametrize("system", RECIPE_SYSTEMS)
def test_the_pretrained_systems_take_the_recipe_and_keep_their_own_loss(system, tiny_config):
    cfg = tiny_config(f"system={system}")
    assert cfg.optimizer.fused is True and cfg.data.batch_size == 64
    assert cfg.frozen_features.precompute is True
    default = tiny_config("model=pretrained")
    assert cfg.loss != default.loss


def test_the_command_line_still_wins_over_the_recipe(tiny_config):
    cfg = tiny_config("system=ash_pretrained", "optimizer.lr=0.001", "trainer.max_epochs=3")
    assert cfg.optimizer.lr == 0.001 and cfg.trainer.max_epochs == 3


def test_light_validation_is_the_benchmarked_levers(tiny_config):
    cfg = tiny_config("validation=light")
    assert cfg.trainer.check_val_every_n_epoch == 2 and cfg.trainer.num_sanity_val_steps == 0
    assert cfg.data.val_database_size == 500
    default = tiny_config()
    assert default.trainer.check_val_every_n_epoch == 1 and default.data.val_database_size is None


def test_ath_on_the_frozen_trunk_counts_bits_with_a_quarter_margin(tiny_config):
    cfg = tiny_config("system=ath_pretrained", "bits=12")
    assert cfg.loss.distance == "hamming" and cfg.loss.margin_ratio == 0.25
    released = tiny_config("system=ath_pretrained", "loss.distance=mean_squared", "r=0.5")
    assert released.loss.distance == "mean_squared" and released.loss.margin_ratio == 0.5
    assert tiny_config("system=ath").loss.distance == "mean_squared"
