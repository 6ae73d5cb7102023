import numpy as np
import pytest

from ash_lightning.retrieval.code_statistics import code_statistics


def test_hand_computed_statistics():
    outputs = np.array(
        [
            [0.5, -0.2, 0.9],
            [0.1, 0.3, 0.2],
            [0.7, -0.4, 0.0],  # sign(0) counts as +1
            [0.2, 0.6, 0.8],
        ]
    )
    # bits: [1,0,1], [1,1,1], [1,0,1], [1,1,1] -> 2 distinct; p = [1, .5, 1]
    stats = code_statistics(outputs)
    assert stats.distinct_codes == 2
    assert stats.constant_bits == 2
    assert stats.bit_balance == pytest.approx((0 + 1 + 0) / 3)
    assert not stats.identical_outputs


def test_random_codes_are_balanced_and_collapsed_codes_are_not():
    rng = np.random.default_rng(0)
    outputs = rng.standard_normal((4000, 12))
    balanced = code_statistics(outputs)
    assert balanced.bit_balance > 0.95 and balanced.constant_bits == 0
    assert balanced.distinct_codes == len({tuple(row) for row in (outputs >= 0).tolist()})
    assert balanced.collapse(bits=12, classes=5) is None
    collapsed = code_statistics(np.tile(rng.standard_normal(12), (100, 1)))
    assert collapsed.as_dict() == {
        "distinct_codes": 1.0,
        "bit_balance": 0.0,
        "constant_bits": 12.0,
        "identical_outputs": 1.0,
    }
    assert (
        collapsed.collapse(bits=12, classes=5)
        == "1 distinct codes for 5 classes; 12 of 12 bits constant; one output for every item"
    )


def test_more_than_half_constant_bits_is_collapse_even_with_many_codes():
    rng = np.random.default_rng(1)
    outputs = rng.standard_normal((500, 12))
    outputs[:, :7] = 1.0
    stats = code_statistics(outputs)
    assert stats.distinct_codes > 5
    assert stats.collapse(bits=12, classes=5) == "7 of 12 bits constant"
    warning = stats.collapse_warning(bits=12, classes=5)
    assert warning.startswith("the database codes collapsed (7 of 12 bits constant); likely")
    assert code_statistics(rng.standard_normal((500, 12))).collapse_warning(12, 5) is None


def test_one_output_for_every_item_is_told_apart_from_one_code():
    # One sign code from outputs that still vary: the head can still separate them.
    varying = np.abs(np.random.default_rng(2).standard_normal((200, 12))) + 0.1
    saturated = code_statistics(varying)
    assert saturated.distinct_codes == 1 and not saturated.identical_outputs
    assert "likely causes: a learning rate" in saturated.collapse_warning(12, 4)
    # The same output for every item: the network no longer reads its input (dead ReLUs).
    dead = code_statistics(np.tile(varying[0], (200, 1)))
    assert dead.identical_outputs
    assert "no longer reads its input" in dead.collapse_warning(12, 4)
    assert "try scheduler=warmup" in dead.collapse_warning(12, 4)


def test_empty_outputs_are_refused():
    with pytest.raises(ValueError, match="N x K"):
        code_statistics(np.zeros((0, 12)))
