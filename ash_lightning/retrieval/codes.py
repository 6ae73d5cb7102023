"""Binary hash codes: binarisation of relaxed outputs and bit packing for Faiss.

ASH (Fang et al., BIBM 2020, §III) trains a network whose relaxed (tanh-like) outputs
are turned into K-bit hash codes with the sign function at retrieval time.
"""

from __future__ import annotations

import numpy as np

from ash_lightning.retrieval._checks import require_2d

_WORD_BITS = 64


def binarize(outputs: np.ndarray) -> np.ndarray:
    """Binarise relaxed network outputs with the sign function.

    A bit is ``True`` where ``sign(output) = +1`` and ``False`` where it is -1,
    with the convention ``sign(0) := +1`` (so ``bit = output >= 0``).

    Args:
        outputs: Relaxed hash outputs, float array of shape ``(n, K)``.

    Returns:
        Boolean bits of shape ``(n, K)``.

    Raises:
        ValueError: If ``outputs`` is not 2-D or contains NaN (whose sign is undefined).
    """
    outputs = require_2d(outputs, "outputs")
    if np.isnan(outputs).any():
        raise ValueError("outputs contain NaN; the sign of NaN is undefined")
    return outputs >= 0


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """Pack boolean bits into bytes, least significant bit first, zero-padded to 64-bit words.

    Faiss binary indexes need a code length that is a multiple of 8 bits and are
    fastest for multiples of 64. The padding bits are zero in every code, so
    they never contribute to a Hamming distance.

    Bit ``j`` of a code goes to bit ``j % 8`` (least significant first) of byte
    ``j // 8``, the order in which Faiss reads a packed code as a bit string:
    :class:`faiss.IndexBinaryMultiHash` cuts its hash keys from those bits, so only
    this layout makes its sub-strings consecutive code bits and keeps the zero padding
    out of them. Hamming distances do not depend on the layout. The evaluation and the
    case index (:mod:`ash_lightning.index`) pack with this one function, so a code has
    the same bytes in both, and index folders written before the evaluation adopted
    this layout hold the same bytes too.

    Args:
        bits: Boolean array of shape ``(n, K)`` with ``K >= 1``.

    Returns:
        ``uint8`` array of shape ``(n, B)`` with ``B = 8 * ceil(K / 64)``, packed
        as :func:`numpy.packbits` with ``bitorder="little"``.

    Raises:
        ValueError: If ``bits`` is not a 2-D boolean array or has ``K == 0``.
    """
    bits = require_2d(bits, "bits")
    if bits.dtype != np.bool_:
        raise ValueError(f"bits must be a boolean array, got dtype {bits.dtype}")
    n, n_bits = bits.shape
    if n_bits == 0:
        raise ValueError("bits must have at least one column (K >= 1), got K == 0")
    n_bytes = 8 * -(-n_bits // _WORD_BITS)
    packed = np.zeros((n, n_bytes), dtype=np.uint8)
    packed[:, : -(-n_bits // 8)] = np.packbits(bits, axis=1, bitorder="little")
    return packed
