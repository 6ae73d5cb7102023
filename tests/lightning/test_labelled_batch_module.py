import torch
from torch import Tensor, nn

from ash_lightning.lightning.labelled_batch_module import LabelledBatchHashingModule


class RecordingLoss(nn.Module):
    sampling = "images"

    def forward(self, outputs: Tensor, labels: Tensor, logits: Tensor | None) -> Tensor:
        self.seen = (outputs, labels, logits)
        return outputs.sum()


class TwoHeads(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.codes = nn.Linear(4, 3)
        self.classes = nn.Linear(4, 2)

    def forward(self, images: Tensor) -> Tensor:
        return self.codes(images)

    def codes_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor]:
        return self.codes(images), self.classes(images)


def _step(net: nn.Module) -> tuple[Tensor, RecordingLoss, Tensor]:
    loss = RecordingLoss()
    module = LabelledBatchHashingModule(net, loss, lambda params: torch.optim.SGD(params, lr=0.1))
    images, labels = torch.randn(5, 4), torch.tensor([0, 1, 0, 1, 1])
    return module.training_step((images, labels), 0), loss, images


def test_a_plain_network_gives_its_codes_and_no_logits():
    net = nn.Linear(4, 3)
    value, loss, images = _step(net)
    outputs, labels, logits = loss.seen
    torch.testing.assert_close(outputs, net(images))
    assert logits is None and labels.tolist() == [0, 1, 0, 1, 1]
    torch.testing.assert_close(value, net(images).sum())


def test_a_two_head_network_also_gives_its_logits():
    net = TwoHeads()
    _, loss, images = _step(net)
    outputs, _, logits = loss.seen
    torch.testing.assert_close(outputs, net.codes(images))
    torch.testing.assert_close(logits, net.classes(images))
