import pytest
import torch
from torch import Tensor, nn

from ash_lightning.data.sampling import Sampling
from ash_lightning.lightning.labelled_batch_module import LabelledBatchHashingModule
from ash_lightning.losses.regime import HashingLoss, TrainingRegime
from ash_lightning.nn.class_head_network import ClassHeadNetwork


class RecordingLoss(HashingLoss):
    regime = TrainingRegime(Sampling.IMAGES)

    def forward(self, outputs: Tensor, labels: Tensor, logits: Tensor | None) -> Tensor:
        self.seen = (outputs, labels, logits)
        return outputs.sum()


class NeedsClassHead(RecordingLoss):
    regime = TrainingRegime(Sampling.IMAGES, needs_class_head=True)


class TwoHeads(nn.Module, ClassHeadNetwork):
    def __init__(self) -> None:
        super().__init__()
        self.codes = nn.Linear(4, 3)
        self.classes = nn.Linear(4, 2)

    def forward(self, images: Tensor) -> Tensor:
        return self.codes(images)

    def codes_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor]:
        return self.codes(images), self.classes(images)


def _step(net: nn.Module, loss: RecordingLoss) -> tuple[Tensor, RecordingLoss, Tensor]:
    module = LabelledBatchHashingModule(net, loss, lambda params: torch.optim.SGD(params, lr=0.1))
    images, labels = torch.randn(5, 4), torch.tensor([0, 1, 0, 1, 1])
    return module.training_step((images, labels), 0), loss, images


def test_a_plain_network_gives_its_codes_and_no_logits():
    net = nn.Linear(4, 3)
    value, loss, images = _step(net, RecordingLoss())
    outputs, labels, logits = loss.seen
    torch.testing.assert_close(outputs, net(images))
    assert logits is None and labels.tolist() == [0, 1, 0, 1, 1]
    torch.testing.assert_close(value, net(images).sum())


def test_a_two_head_network_gives_its_logits_when_the_loss_needs_them():
    net = TwoHeads()
    _, loss, images = _step(net, NeedsClassHead())
    outputs, _, logits = loss.seen
    torch.testing.assert_close(outputs, net.codes(images))
    torch.testing.assert_close(logits, net.classes(images))


def test_a_two_head_network_gives_codes_only_to_a_loss_without_a_class_term():
    net = TwoHeads()
    _, loss, images = _step(net, RecordingLoss())
    outputs, _, logits = loss.seen
    torch.testing.assert_close(outputs, net.codes(images))
    assert logits is None


def test_a_loss_that_needs_a_class_head_refuses_a_plain_network():
    with pytest.raises(ValueError, match="needs a network with a class head"):
        _step(nn.Linear(4, 3), NeedsClassHead())
