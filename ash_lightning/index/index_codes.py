"""Binary codes as the case index stores them: sign bits, least significant bit first.

Faiss reads the sub-strings of :class:`faiss.IndexBinaryMultiHash` from the packed bytes least
significant bit first, whereas :func:`~ash_lightning.retrieval.codes.pack_bits` packs the most
significant bit first (as :func:`numpy.packbits`). The index therefore reverses the bit order
inside every byte before packing, so that bit ``j`` of a code is bit ``j`` of Faiss's bit
string and the ``K`` code bits come before the zero padding. Hamming distances do not depend
on the order of the bits, so they are those of the evaluation's codes.
"""

import numpy as np

from ash_lightning.retrieval.codes import binarize, pack_bits


def index_codes(outputs: np.ndarray) -> np.ndarray:
    """Packed codes of relaxed outputs: the sign step of Fang et al., BIBM 2020, §III.

    Args:
        outputs: ``N x K`` relaxed network outputs.

    Returns:
        ``N x B`` uint8 codes, ``B = 8 * ceil(K / 64)``, bit ``j`` of a code at bit ``j % 8``
        (least significant first) of byte ``j // 8``; padding bits are zero.

    Raises:
        ValueError: ``outputs`` is not 2-D, has no column or contains NaN.
    """
    bits = binarize(outputs)
    count, width = bits.shape
    padded = np.zeros((count, 8 * -(-width // 8)), dtype=np.bool_)
    padded[:, :width] = bits
    return pack_bits(padded.reshape(count, -1, 8)[:, :, ::-1].reshape(count, -1))
