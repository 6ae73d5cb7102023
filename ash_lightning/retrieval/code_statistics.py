"""How much of the code space a method uses: distinct codes, bit balance, constant bits.

A pairwise hashing loss has a stationary point where every image gets the same code; a run
stuck there ranks the database by its tie rule alone. These statistics of the database's
sign codes make that visible at every validation and in ``results.json``.
"""

from dataclasses import asdict, dataclass

import numpy as np

from ash_lightning.retrieval.codes import binarize

CAUSES = (
    "likely causes: a learning rate too high or too low for the optimiser (try "
    "optimizer=adam optimizer.lr=0.0001), pairs dominated by dissimilar ones (set "
    "data.positive_fraction=0.5), a tanh head saturated at initialisation, or too few epochs"
)
SAME_OUTPUT_CAUSES = (
    "every image gets the same output, so the network no longer reads its input; likely "
    "cause: a ReLU layer that fires for no image after too large an early step (try "
    "scheduler=warmup, small first steps, or optimizer=adam optimizer.lr=0.0001; batch "
    "norm on the hash head alone did not prevent it)"
)


@dataclass(frozen=True)
class CodeStatistics:
    """Usage of the code space by ``N`` sign codes of ``K`` bits.

    Attributes:
        distinct_codes: Number of different codes among the ``N``.
        bit_balance: Mean over bits of ``1 - |2 p - 1|``, with ``p`` the fraction of +1:
            1 when every bit splits the database in halves, 0 when every bit is constant.
        constant_bits: Bits with the same value on every item.
        identical_outputs: Every item has the same relaxed output: the network's output no
            longer depends on its input, and no learning rate on the hash head alone can
            separate the codes again.
    """

    distinct_codes: int
    bit_balance: float
    constant_bits: int
    identical_outputs: bool

    def as_dict(self) -> dict[str, float]:
        """The statistics by name, for logging."""
        return {name: float(value) for name, value in asdict(self).items()}

    def collapse(self, bits: int, classes: int) -> str | None:
        """Why these codes look collapsed, or None when they do not.

        Codes are called collapsed when there are fewer distinct codes than classes, when
        more than half of the bits are constant, or when every item has the same output.

        Args:
            bits: Code length K.
            classes: Number of classes of the data.
        """
        reasons = []
        if self.distinct_codes < classes:
            reasons.append(f"{self.distinct_codes} distinct codes for {classes} classes")
        if self.constant_bits > bits / 2:
            reasons.append(f"{self.constant_bits} of {bits} bits constant")
        if self.identical_outputs:
            reasons.append("one output for every item")
        return "; ".join(reasons) or None

    def collapse_warning(self, bits: int, classes: int) -> str | None:
        """The warning to print when the database codes look collapsed, naming likely causes."""
        reason = self.collapse(bits, classes)
        if reason is None:
            return None
        causes = SAME_OUTPUT_CAUSES if self.identical_outputs else CAUSES
        return f"the database codes collapsed ({reason}); {causes}"


def code_statistics(outputs: np.ndarray) -> CodeStatistics:
    """Statistics of the sign codes of ``N x K`` relaxed outputs (sign(0) counts as +1).

    Raises:
        ValueError: ``outputs`` is not a non-empty 2-D array.
    """
    if outputs.ndim != 2 or len(outputs) == 0:
        raise ValueError(f"expected N x K outputs with N > 0, got shape {outputs.shape}")
    bits = binarize(outputs)
    ones = bits.mean(axis=0)
    return CodeStatistics(
        distinct_codes=len(np.unique(bits, axis=0)),
        bit_balance=float(np.mean(1.0 - np.abs(2.0 * ones - 1.0))),
        constant_bits=int(np.sum((ones == 0.0) | (ones == 1.0))),
        identical_outputs=bool(np.all(outputs == outputs[0])),
    )
