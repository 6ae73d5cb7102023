"""Stop training at the first non-finite loss or code, with one line that says what to do."""


class NumericFault(ArithmeticError):
    """The loss or the network's outputs became NaN or infinite (usually: the learning rate)."""


def numeric_fault(what: str, epoch: int, step: int, learning_rate: float | None) -> NumericFault:
    """The error for a non-finite ``what`` at 1-based ``epoch`` and global ``step``.

    Args:
        what: e.g. ``"the loss is nan"``.
        epoch: The epoch, counted from 1.
        step: The optimiser step.
        learning_rate: The optimiser's current learning rate, when known.

    Returns:
        The error to raise.
    """
    rate = f" (optimizer.lr={learning_rate:g})" if learning_rate is not None else ""
    return NumericFault(
        f"{what} at epoch {epoch}, step {step}: training diverged; lower the learning "
        f"rate{rate}, e.g. optimizer=adam optimizer.lr=0.0001"
    )
