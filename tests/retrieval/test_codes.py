import numpy as np
import pytest

from ash_lightning.retrieval.codes import binarize, pack_bits


def test_binarize_is_sign_with_zero_mapped_to_plus_one():
    outputs = np.array([[-1.5, 0.0, 2.0], [-0.0, -1e-7, 1e-7]])
    expected = np.array([[False, True, True], [True, False, True]])
    np.testing.assert_array_equal(binarize(outputs), expected)


def test_binarize_rejects_nan_and_non_2d():
    with pytest.raises(ValueError, match="NaN"):
        binarize(np.array([[0.1, np.nan]]))
    with pytest.raises(ValueError, match="2-D"):
        binarize(np.zeros(4))


@pytest.mark.parametrize(("n_bits", "n_bytes"), [(1, 8), (12, 8), (64, 8), (65, 16), (128, 16)])
def test_pack_bits_pads_to_64_bit_words(n_bits, n_bytes):
    bits = np.ones((3, n_bits), dtype=bool)
    packed = pack_bits(bits)
    assert packed.dtype == np.uint8
    assert packed.shape == (3, n_bytes)
    unpacked = np.unpackbits(packed, axis=1, bitorder="little")
    assert not unpacked[:, n_bits:].any()


@pytest.mark.parametrize("n_bits", [12, 48, 64, 65, 100])
def test_pack_bits_round_trips_through_little_endian_unpackbits(n_bits):
    bits = np.random.default_rng(n_bits).integers(0, 2, size=(50, n_bits)).astype(bool)
    unpacked = np.unpackbits(pack_bits(bits), axis=1, bitorder="little")
    np.testing.assert_array_equal(unpacked[:, :n_bits].astype(bool), bits)


def test_pack_bits_puts_code_bit_j_at_bit_j_mod_8_of_byte_j_div_8():
    # The layout Faiss reads as a bit string (multi-hash keys are consecutive code bits);
    # index folders store these bytes, so they must not change.
    bits = np.zeros((2, 12), dtype=bool)
    bits[0, [0, 9, 10]] = True
    bits[1, [7, 8, 11]] = True
    np.testing.assert_array_equal(
        pack_bits(bits), [[0x01, 0x06, 0, 0, 0, 0, 0, 0], [0x80, 0x09, 0, 0, 0, 0, 0, 0]]
    )


@pytest.mark.parametrize("n_bits", [12, 64, 65])
def test_popcount_of_xor_of_packed_codes_is_the_number_of_differing_bits(n_bits):
    rng = np.random.default_rng(7)
    a = rng.integers(0, 2, size=(40, n_bits)).astype(bool)
    b = rng.integers(0, 2, size=(40, n_bits)).astype(bool)
    packed_distance = np.unpackbits(pack_bits(a) ^ pack_bits(b), axis=1).sum(axis=1)
    np.testing.assert_array_equal(packed_distance, (a != b).sum(axis=1))


def test_pack_bits_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        pack_bits(np.ones(8, dtype=bool))
    with pytest.raises(ValueError, match="K == 0"):
        pack_bits(np.ones((3, 0), dtype=bool))
    with pytest.raises(ValueError, match="boolean"):
        pack_bits(np.array([[-1.0, 1.0]]))
