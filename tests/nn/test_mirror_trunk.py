import pytest
import torch
from torch import nn
from torch.nn import functional

from ash_lightning.nn.gem_pooling import GeMPooling
from ash_lightning.nn.mirror_trunk import MirrorTrunk
from ash_lightning.run.network_build import build_network


def _encoder() -> nn.Module:
    """A fixed random convolution: not mirror-equivariant, no batch statistics."""
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 6, 3, stride=2, padding=1), nn.ReLU())


def _trunk_with_active_attention() -> MirrorTrunk:
    trunk = MirrorTrunk(_encoder(), image_size=16, in_channels=1, batch_norm=False)
    with torch.no_grad():
        for branch in (trunk.horizontal_attention, trunk.vertical_attention):
            branch.output.weight.normal_(generator=torch.Generator().manual_seed(1))
    return trunk


def test_features_are_two_gem_pooled_branches_of_encoder_width():
    trunk = MirrorTrunk(_encoder(), image_size=16, in_channels=1)
    assert trunk(torch.randn(3, 1, 16, 16)).shape == (3, 12)
    assert trunk.horizontal_attention.channels == trunk.vertical_attention.channels == 6
    assert trunk.horizontal_pooling.p.item() == trunk.vertical_pooling.p.item() == 3.0


def test_identity_attention_at_init_gives_gem_of_the_image_features():
    trunk = MirrorTrunk(_encoder(), image_size=16, in_channels=1, batch_norm=False)
    images = torch.randn(2, 1, 16, 16)
    pooled = GeMPooling()(trunk.encoder(images))
    torch.testing.assert_close(trunk(images), torch.cat([pooled, pooled], dim=1))


def test_each_branch_attends_to_the_features_of_its_own_mirror():
    # The authors' released code feeds the original features to the vertical branch; the
    # paper's vertical view is the up-down mirror, which this trunk uses.
    trunk = _trunk_with_active_attention()
    images = torch.randn(2, 1, 16, 16)
    inputs: dict[str, tuple] = {}

    def record(name: str) -> torch.utils.hooks.RemovableHandle:
        def hook(_module: nn.Module, args: tuple) -> None:
            inputs[name] = args

        return getattr(trunk, name).register_forward_pre_hook(hook)

    handles = [record(name) for name in ("horizontal_attention", "vertical_attention")]
    with torch.no_grad():
        out = trunk(images)
    for handle in handles:
        handle.remove()
    with torch.no_grad():
        features = trunk.encoder(images)
        horizontal_mirror = trunk.encoder(images.flip(-1))
        vertical_mirror = trunk.encoder(images.flip(-2))
        expected = torch.cat(
            [
                trunk.horizontal_pooling(trunk.horizontal_attention(features, horizontal_mirror)),
                trunk.vertical_pooling(trunk.vertical_attention(features, vertical_mirror)),
            ],
            dim=1,
        )
        released = trunk.vertical_pooling(trunk.vertical_attention(features, features))
    torch.testing.assert_close(inputs["vertical_attention"][1], vertical_mirror)
    torch.testing.assert_close(inputs["horizontal_attention"][1], horizontal_mirror)
    torch.testing.assert_close(out, expected)
    assert not torch.allclose(out[:, 6:], released, atol=1e-4)


def test_batch_norm_centres_the_all_positive_gem_features():
    images = torch.randn(8, 1, 16, 16)
    plain = MirrorTrunk(_encoder(), image_size=16, in_channels=1, batch_norm=False)(images)
    trunk = MirrorTrunk(_encoder(), image_size=16, in_channels=1)
    centred = trunk(images)
    assert isinstance(trunk.neck, nn.BatchNorm1d) and (plain > 0).all()
    torch.testing.assert_close(centred.mean(dim=0), torch.zeros(12), atol=1e-5, rtol=0)
    cosines = functional.normalize(plain, dim=1) @ functional.normalize(plain, dim=1).T
    assert cosines.min() > 0.9  # what the batch norm removes: every pair starts alike


def test_a_lone_training_image_is_normalised_with_running_statistics():
    trunk = MirrorTrunk(_encoder(), image_size=16, in_channels=1)
    trunk(torch.randn(4, 1, 16, 16))
    image = torch.randn(1, 1, 16, 16)
    alone = trunk(image)
    assert trunk.training and trunk.neck.training
    torch.testing.assert_close(alone, trunk.eval()(image))


def test_attention_weights_can_be_read_with_hooks():
    trunk = MirrorTrunk(_encoder(), image_size=16, in_channels=1)
    maps = []
    trunk.vertical_attention.softmax.register_forward_hook(lambda _m, _i, out: maps.append(out))
    trunk(torch.randn(2, 1, 16, 16))
    assert maps[0].shape == (2, 64, 64)


def test_encoder_must_return_feature_maps_and_fit_the_image():
    with pytest.raises(ValueError, match="N x C x h x w"):
        MirrorTrunk(nn.Sequential(_encoder(), nn.Flatten()), image_size=16, in_channels=1)
    with pytest.raises(ValueError, match="too small"):
        MirrorTrunk(nn.Conv2d(1, 4, 5), image_size=2, in_channels=1)


@pytest.mark.parametrize(("data", "channels"), [("synthetic_asoct", 1), ("synthetic_fundus", 3)])
def test_mirror_config_builds_k_dim_real_descriptors(tiny_config, data, channels):
    cfg = tiny_config("model=mirror", f"data={data}", "bits=24", "data.image_size=48")
    net = build_network(cfg.model)
    outputs = net(torch.randn(3, channels, 48, 48))
    assert outputs.shape == (3, 24)
    assert (outputs < 0).any() and type(net.head.layers[-1]).__name__ == "Identity"
    assert net.trunk.horizontal_attention.channels == 64
