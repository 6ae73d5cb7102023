"""LightningDataModule for pairwise hash learning and retrieval evaluation."""

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np
import pytorch_lightning as pl
from torch.utils.data import DataLoader

from ash_lightning.data.indexed_image_dataset import IndexedImageDataset
from ash_lightning.data.labelled_image_dataset import LabelledImageDataset
from ash_lightning.data.pair_dataset import PairDataset
from ash_lightning.data.pair_sampling import Pairs, Triplets, draw_pairs, draw_triplets
from ash_lightning.data.retrieval_splits import RetrievalSplits
from ash_lightning.data.sampling import Sampling
from ash_lightning.data.triplet_dataset import TripletDataset

QUERY_LOADER = 0
DATABASE_LOADER = 1
VALIDATION_ORDER_STREAM = 1
"""Last entry of the seed of the validation's database order (the test's has none)."""


class RetrievalDataModule(pl.LightningDataModule, ABC):
    """Training pairs redrawn each epoch; query and database loaders for evaluation.

    Train: random image pairs from the database split, drawn anew for every epoch from
    ``(seed, epoch)`` (the paper: "the input image pairs were randomly sampled in every
    iteration"; the authors' notebooks draw them once: ``redraw_pairs_each_epoch=False``).
    Validation and test: two loaders each, queries first (index 0), then the database
    (index 1), so that the retrieval callback can rank the one against the other.

    Reference: Fang et al., BIBM 2020, §IV-B.

    Args:
        seed: Seed of the pair drawing.
        batch_size: Pairs per training batch (paper: 10).
        eval_batch_size: Images per evaluation batch.
        pairs_per_epoch: Pairs drawn per epoch; ``None`` means one per database image.
        positive_fraction: Share of similar pairs, or ``None`` for uniform pairs.
        redraw_pairs_each_epoch: Draw new pairs every epoch (paper) or once (released code).
        num_workers: DataLoader worker processes.
        train_transform: Optional augmentation of training images (``C x H x W`` uint8).
        sampling: ``"pairs"`` (ASH and the pairwise baselines), ``"triplets"`` (ATH) or
            ``"images"`` (labelled images for losses over in-batch pairs: mirror attention,
            attention-guided hashing): the loss's regime, given when the module is built.
        database_order_seed: Seed of the database orders the evaluation ranks in (its tie
            rule breaks equal distances by this order); ``None`` uses ``seed``. Each order
            is a random permutation of the split, never the file order, and validation and
            test rank in independent ones.
        grading: The integer labels are ordinal grades (ASOCT subcapsular grades), in
            class-index order: NDCG@k then gains by grade distance instead of by class.
        val_database_size: Rank the validation queries against a seeded random subset of
            this many database images instead of all of them (``None``: all), so that each
            validation re-encodes fewer images; the test always ranks against the whole
            database.
    """

    def __init__(
        self,
        seed: int = 0,
        batch_size: int = 10,
        eval_batch_size: int = 256,
        pairs_per_epoch: int | None = None,
        positive_fraction: float | None = None,
        redraw_pairs_each_epoch: bool = True,
        num_workers: int = 0,
        train_transform: Callable[[np.ndarray], np.ndarray] | None = None,
        sampling: Sampling | str = Sampling.PAIRS,
        grading: bool = False,
        database_order_seed: int | None = None,
        val_database_size: int | None = None,
    ) -> None:
        super().__init__()
        for name, value in (("batch_size", batch_size), ("eval_batch_size", eval_batch_size)):
            if value < 1:
                raise ValueError(f"data.{name} must be >= 1, got {value}")
        if val_database_size is not None and val_database_size < 1:
            raise ValueError(
                f"data.val_database_size must be >= 1 or null, got {val_database_size}"
            )
        if pairs_per_epoch is not None and pairs_per_epoch < 1:
            raise ValueError(f"data.pairs_per_epoch must be >= 1 or null, got {pairs_per_epoch}")
        self.seed = seed
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        self.pairs_per_epoch = pairs_per_epoch
        self.positive_fraction = positive_fraction
        self.redraw_pairs_each_epoch = redraw_pairs_each_epoch
        self.num_workers = num_workers
        self.train_transform = train_transform
        if sampling not in {member.value for member in Sampling}:
            raise ValueError(
                f"sampling must be one of {[m.value for m in Sampling]}, got {sampling!r}"
            )
        self.sampling = Sampling(sampling)
        self.grading = grading
        self.database_order_seed = seed if database_order_seed is None else database_order_seed
        self.val_database_size = val_database_size
        self._splits: RetrievalSplits | None = None
        self._inputs: RetrievalSplits | None = None

    @abstractmethod
    def load_splits(self) -> RetrievalSplits:
        """Load or generate the database, validation and test splits."""

    @property
    def splits(self) -> RetrievalSplits:
        """The splits, loaded on first use."""
        if self._splits is None:
            self._splits = self.load_splits()
        return self._splits

    @property
    def inputs(self) -> RetrievalSplits:
        """What the loaders give the network: :attr:`splits`, or what :meth:`feed` set."""
        return self.splits if self._inputs is None else self._inputs

    def feed(self, inputs: RetrievalSplits) -> None:
        """Give the network ``inputs`` (e.g. precomputed frozen features) instead of the images.

        :attr:`splits` keeps the images, for figures; the labels must be the same.

        Raises:
            ValueError: A split of ``inputs`` has another length than the images'.
        """
        for name in ("database", "val", "test"):
            given = len(getattr(inputs, f"{name}_images"))
            expected = len(getattr(self.splits, f"{name}_labels"))
            if given != expected:
                raise ValueError(f"{given} {name} inputs for {expected} {name} images")
        self._inputs = inputs

    @property
    def database_order(self) -> np.ndarray:
        """Positions of the database items in the order the evaluation ranks them.

        A permutation of the database split drawn from ``database_order_seed``: when codes
        tie, the evaluation returns items in this order, so it must not be the order of a
        labels file, which is often sorted by class.
        """
        count = len(self.splits.database_labels)
        return np.random.default_rng([self.database_order_seed, count]).permutation(count)

    @property
    def val_database_positions(self) -> np.ndarray:
        """Database positions the validation ranks against: all, or a seeded subset, sorted."""
        count = len(self.splits.database_labels)
        if self.val_database_size is None or self.val_database_size >= count:
            return np.arange(count)
        rng = np.random.default_rng([self.database_order_seed, count, self.val_database_size])
        return np.sort(rng.choice(count, self.val_database_size, replace=False))

    @property
    def val_database_order(self) -> np.ndarray:
        """The order the validation ranks its database in, independent of :attr:`database_order`.

        Model selection keeps the epoch with the best validation score, and tied codes score
        by the tie order: with one order for both stages, selection could favour the epochs
        whose ties happen to suit the order the test is then scored in. A separate stream
        keeps the test's order unseen by selection.
        """
        count = len(self.val_database_positions)
        stream = [self.database_order_seed, count, VALIDATION_ORDER_STREAM]
        return np.random.default_rng(stream).permutation(count)

    def setup(self, stage: str | None = None) -> None:
        """Load the splits (idempotent)."""
        _ = self.splits

    def _epoch_draw(self, epoch: int) -> tuple[np.ndarray, int, np.random.Generator]:
        """Database labels, sample count and the random stream of ``epoch``'s draw."""
        labels = self.splits.database_labels
        drawn_epoch = epoch if self.redraw_pairs_each_epoch else 0
        count = self.pairs_per_epoch or len(labels)
        return labels, count, np.random.default_rng([self.seed, drawn_epoch])

    def pairs_for_epoch(self, epoch: int) -> Pairs:
        """The training pairs of ``epoch``, identical on every process."""
        labels, count, rng = self._epoch_draw(epoch)
        return draw_pairs(labels, count, rng, self.positive_fraction)

    def triplets_for_epoch(self, epoch: int) -> Triplets:
        """The training triplets of ``epoch``, identical on every process."""
        labels, count, rng = self._epoch_draw(epoch)
        return draw_triplets(labels, count, rng)

    def images_for_epoch(self, epoch: int) -> np.ndarray:
        """Database positions of ``epoch``'s labelled images, identical on every process.

        ``pairs_per_epoch`` images (default: the whole database once), in a random order
        drawn from ``(seed, epoch)``, without repeats until the database is exhausted.
        """
        labels, count, rng = self._epoch_draw(epoch)
        passes = -(-count // len(labels))
        return np.concatenate([rng.permutation(len(labels)) for _ in range(passes)])[:count]

    def train_dataloader(self) -> DataLoader:
        """Pairs, triplets or labelled images of the current epoch, reloaded every epoch."""
        epoch = self.trainer.current_epoch if self.trainer is not None else 0
        dataset: PairDataset | TripletDataset | LabelledImageDataset
        if self.sampling is Sampling.IMAGES:
            dataset = LabelledImageDataset(
                self.inputs.database_images,
                self.splits.database_labels,
                self.images_for_epoch(epoch),
                self.train_transform,
            )
        elif self.sampling is Sampling.TRIPLETS:
            dataset = TripletDataset(
                self.inputs.database_images,
                self.splits.database_labels,
                self.triplets_for_epoch(epoch),
                self.train_transform,
            )
        else:
            dataset = PairDataset(
                self.inputs.database_images, self.pairs_for_epoch(epoch), self.train_transform
            )
        # A batch of one labelled image has no in-batch pair (and breaks batch norm): the
        # incomplete last batch of an epoch is dropped; the next epoch's order differs.
        drop_last = self.sampling is Sampling.IMAGES and len(dataset) > self.batch_size
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            shuffle=False,
            num_workers=self.num_workers,
            drop_last=drop_last,
        )

    def _images_loader(
        self, images: np.ndarray, labels: np.ndarray, positions: np.ndarray | None = None
    ) -> DataLoader:
        return DataLoader(
            IndexedImageDataset(images, labels, positions),
            batch_size=self.eval_batch_size,
            shuffle=False,
            num_workers=self.num_workers,
        )

    def database_dataloader(self) -> DataLoader:
        """The database (training split) images in order."""
        return self._images_loader(self.inputs.database_images, self.splits.database_labels)

    def val_dataloader(self) -> list[DataLoader]:
        """Validation queries, then the database (or its ``val_database_size`` subset)."""
        queries = self._images_loader(self.inputs.val_images, self.splits.val_labels)
        positions = self.val_database_positions
        if len(positions) == len(self.splits.database_labels):
            return [queries, self.database_dataloader()]
        database = self._images_loader(
            self.inputs.database_images, self.splits.database_labels, positions
        )
        return [queries, database]

    def test_dataloader(self) -> list[DataLoader]:
        """Test queries (the paper's query set), then the database."""
        queries = self._images_loader(self.inputs.test_images, self.splits.test_labels)
        return [queries, self.database_dataloader()]
