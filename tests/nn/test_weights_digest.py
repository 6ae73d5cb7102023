"""The weights digest against an independent one: hashlib over the same tensors by hand."""

import hashlib

import torch

from ash_lightning.nn.weights_digest import weights_sha256


def _by_hand(state):
    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name]
        digest.update(f"{name}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode())
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()


def _state():
    generator = torch.Generator().manual_seed(0)
    return {
        "b.weight": torch.randn(3, 4, generator=generator),
        "a.bias": torch.randn(4, generator=generator),
        "a.count": torch.tensor(7, dtype=torch.int64),
    }


def test_the_digest_matches_hashlib_over_the_sorted_tensors():
    state = _state()
    assert weights_sha256(state) == _by_hand(state)


def test_the_order_and_the_memory_layout_do_not_matter():
    state = _state()
    reordered = {name: state[name] for name in reversed(list(state))}
    reordered["b.weight"] = state["b.weight"].t().contiguous().t()
    assert not reordered["b.weight"].is_contiguous()
    assert weights_sha256(reordered) == weights_sha256(state)


def test_a_value_a_dtype_a_shape_or_a_name_changes_the_digest():
    state = _state()
    reference = weights_sha256(state)
    changed = [
        {**state, "a.bias": state["a.bias"] + 1e-7},
        {**state, "a.bias": state["a.bias"].double()},
        {**state, "b.weight": state["b.weight"].reshape(4, 3)},
        {"c.bias" if name == "a.bias" else name: value for name, value in state.items()},
    ]
    assert len({reference, *map(weights_sha256, changed)}) == 5
