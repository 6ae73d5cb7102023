"""CodeBuffer.gather puts every process's shard back in dataset order, each sample once."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from ash_lightning.lightning.code_buffer import CodeBuffer

SIZE = 11  # odd: the two-rank sampler pads rank 1's shard with a repeat of sample 0
BITS = 6


class IndexedCodes(Dataset):
    """Sample i is (its code, its label, i), as an evaluation batch carries them."""

    def __init__(self, size: int, multilabel: bool) -> None:
        generator = torch.Generator().manual_seed(0)
        self.codes = torch.randn(size, BITS, generator=generator)
        if multilabel:
            self.labels = torch.randint(0, 2, (size, 3), generator=generator)
        else:
            self.labels = torch.arange(size) % 3 + 100  # never equal to the indices

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index: int):
        return self.codes[index], self.labels[index], index


def _filled_buffer(dataset, sampler=None, shuffle=False) -> CodeBuffer:
    buffer = CodeBuffer()
    generator = torch.Generator().manual_seed(1)
    loader = DataLoader(
        dataset, batch_size=4, sampler=sampler, shuffle=shuffle, generator=generator
    )
    for codes, labels, indices in loader:
        buffer.append(codes, labels, indices)
    return buffer


class FakeTwoRankModule:
    """A module under a 2-process strategy whose all_gather stacks both ranks' tensors."""

    def __init__(self, buffers: list[CodeBuffer], rank: int) -> None:
        self.trainer = SimpleNamespace(world_size=len(buffers))
        self.buffers = buffers
        self.rank = rank
        self.gathered: list[str] = []

    def all_gather(self, tensor: torch.Tensor) -> torch.Tensor:
        own = self.buffers[self.rank]
        fields = [
            field
            for field in ("outputs", "labels", "indices")
            if torch.equal(tensor, torch.cat(getattr(own, field)))
        ]
        assert len(fields) == 1, "the fake cannot tell which tensor this is"
        self.gathered.append(fields[0])
        shards = [torch.cat(getattr(buffer, fields[0])) for buffer in self.buffers]
        return torch.stack(shards)  # (world_size, shard length, ...)


def _two_rank_buffers(dataset) -> list[CodeBuffer]:
    samplers = [
        DistributedSampler(dataset, num_replicas=2, rank=rank, shuffle=False) for rank in (0, 1)
    ]
    shards = [list(sampler) for sampler in samplers]
    assert len(shards[0]) == len(shards[1]) == (SIZE + 1) // 2
    assert sorted(shards[0] + shards[1]) == sorted([*range(SIZE), 0])  # sample 0 twice
    return [_filled_buffer(dataset, sampler) for sampler in samplers]


@pytest.mark.parametrize("multilabel", [False, True])
@pytest.mark.parametrize("rank", [0, 1])
def test_two_ranks_gather_in_dataset_order_with_every_sample_once(rank, multilabel):
    dataset = IndexedCodes(SIZE, multilabel)
    module = FakeTwoRankModule(_two_rank_buffers(dataset), rank)
    outputs, labels = module.buffers[rank].gather(module, SIZE)
    assert sorted(module.gathered) == ["indices", "labels", "outputs"]
    assert outputs.dtype == np.float32 and outputs.shape == (SIZE, BITS)
    np.testing.assert_array_equal(outputs, dataset.codes.numpy())
    assert labels.shape == tuple(dataset.labels.shape)
    np.testing.assert_array_equal(labels, dataset.labels.numpy())


def test_an_index_no_rank_encoded_is_an_error():
    dataset = IndexedCodes(SIZE, multilabel=False)
    module = FakeTwoRankModule(_two_rank_buffers(dataset), rank=0)
    with pytest.raises(RuntimeError, match="2 of 13 samples were not encoded"):
        module.buffers[0].gather(module, SIZE + 2)


def test_one_process_reorders_its_shuffled_batches_without_gathering():
    dataset = IndexedCodes(SIZE, multilabel=False)
    buffer = _filled_buffer(dataset, shuffle=True)
    assert torch.cat(buffer.indices).tolist() != list(range(SIZE))
    module = SimpleNamespace(trainer=SimpleNamespace(world_size=1), all_gather=None)
    outputs, labels = buffer.gather(module, SIZE)
    np.testing.assert_array_equal(outputs, dataset.codes.numpy())
    np.testing.assert_array_equal(labels, dataset.labels.numpy())


def test_one_process_missing_a_sample_is_an_error():
    dataset = IndexedCodes(SIZE, multilabel=False)
    buffer = _filled_buffer(dataset)
    for field in (buffer.outputs, buffer.labels, buffer.indices):
        field.pop()  # the last batch never arrived
    module = SimpleNamespace(trainer=SimpleNamespace(world_size=1), all_gather=None)
    with pytest.raises(RuntimeError, match=f"3 of {SIZE} samples were not encoded"):
        buffer.gather(module, SIZE)
