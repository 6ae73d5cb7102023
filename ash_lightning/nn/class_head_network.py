"""The contract of a network with a class head: codes and class logits from one pass."""

from abc import ABC, abstractmethod

from torch import Tensor


class ClassHeadNetwork(ABC):
    """A hashing network that also classifies; losses with a classification term need one.

    ``forward`` still returns the relaxed codes alone, so retrieval treats the network like
    any other; training calls :meth:`codes_and_logits`.
    """

    @abstractmethod
    def codes_and_logits(self, images: Tensor) -> tuple[Tensor, Tensor]:
        """Relaxed codes ``N x K`` and class logits ``N x C`` from one trunk pass."""
