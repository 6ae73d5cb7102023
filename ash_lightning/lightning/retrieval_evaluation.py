"""Retrieval evaluation through a Faiss index at every validation and test epoch."""

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytorch_lightning as pl
from pytorch_lightning.utilities import rank_zero_warn
from torch import Tensor

from ash_lightning.data.retrieval_datamodule import (
    DATABASE_LOADER,
    QUERY_LOADER,
    RetrievalDataModule,
)
from ash_lightning.lightning.code_buffer import CodeBuffer
from ash_lightning.retrieval import evaluate_retrieval
from ash_lightning.retrieval.code_statistics import CodeStatistics, code_statistics
from ash_lightning.retrieval.evaluated_codes import EvaluatedCodes
from ash_lightning.retrieval.metric_keys import with_prefix


class RetrievalEvaluation(pl.Callback):
    """Encode queries and database, rank by Hamming distance, log mHR/mAP/mRR/NDCG@k.

    Collects the codes that the validation/test steps return (queries from loader 0,
    database from loader 1), gathers them from every process, and on global rank 0
    builds a Faiss binary index over the database and searches it with the queries. The
    metrics are broadcast to all ranks and logged once as ``val/mAP@10`` etc. (or
    ``test/...``), together with the time spent encoding, building the index and
    searching. The mAP@k of each class's queries is logged as ``val/mAP@10/<class>``
    (class names from the datamodule's splits), NDCG@k uses grade-distance gains when the
    datamodule's ``grading`` is set, and ``other_ranking`` adds the other ranking's
    metrics as ``val/cosine/mAP@10`` (or ``val/hamming/...``). The database is ranked in
    the datamodule's seeded ``database_order``, so ties never follow the file order, and
    the database codes' usage (``val/distinct_codes``, ``val/bit_balance``,
    ``val/constant_bits``) is logged beside the metrics; collapsed test codes raise a
    warning naming the likely causes. The outputs of the last test evaluation stay in
    ``test_codes`` (on global rank 0) for the trackers' figures. Nothing runs during
    Lightning's sanity check.

    Reference: Fang et al., BIBM 2020, §IV-B (database = training set, queries = test
    set, Faiss indexing, mHR / mAP / mRR over the top-k returned list).

    Args:
        topk: Cut-offs k of the metrics.
        binarize: Rank sign codes by Hamming distance (paper) or raw outputs by cosine
            distance (authors' notebooks).
        convention: ``"standard"`` metric definitions or the authors' ``"authors"`` ones.
        other_ranking: Also evaluate the other ranking (real-valued cosine when
            ``binarize``, Hamming otherwise).
        tie_aware: Also report the Hamming ranking's expected metrics under uniformly
            random tie-breaking (``val/tie_aware/mAP@10``), beside the deterministic ones.
    """

    def __init__(
        self,
        topk: Sequence[int] = (5, 10, 15, 20),
        binarize: bool = True,
        convention: str = "standard",
        other_ranking: bool = False,
        tie_aware: bool = True,
    ) -> None:
        self.topk = list(topk)
        self.binarize = binarize
        self.convention = convention
        self.other_ranking = other_ranking
        self.tie_aware = tie_aware
        self.buffers: dict[int, CodeBuffer] = {}
        self.started_at = 0.0
        self.test_codes: EvaluatedCodes | None = None

    def _reset(self) -> None:
        self.buffers = {QUERY_LOADER: CodeBuffer(), DATABASE_LOADER: CodeBuffer()}
        self.started_at = time.perf_counter()

    def _collect(self, trainer: pl.Trainer, outputs: Any, dataloader_idx: int) -> None:
        if trainer.sanity_checking:
            return
        self.buffers[dataloader_idx].append(
            outputs["outputs"], outputs["labels"], outputs["indices"]
        )

    def _evaluate(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        loaders = trainer.val_dataloaders if stage == "val" else trainer.test_dataloaders
        if loaders is None:
            raise RuntimeError(f"the {stage} stage has no dataloaders to evaluate")
        sizes = [len(loader.dataset) for loader in loaders]
        queries, query_labels = self.buffers[QUERY_LOADER].gather(pl_module, sizes[QUERY_LOADER])
        database, database_labels = self.buffers[DATABASE_LOADER].gather(
            pl_module, sizes[DATABASE_LOADER]
        )
        encode_s = time.perf_counter() - self.started_at
        evaluated = None
        if trainer.is_global_zero:
            # Lightning assigns Trainer.datamodule at runtime but does not declare it.
            datamodule = trainer.datamodule  # type: ignore[attr-defined]
            if not isinstance(datamodule, RetrievalDataModule):
                order = np.arange(len(database))
            elif stage == "val":
                order = datamodule.val_database_order
            else:
                order = datamodule.database_order
            result = evaluate_retrieval(
                queries,
                query_labels,
                database[order],
                database_labels[order],
                topk=self.topk,
                binarize=self.binarize,
                convention=self.convention,
                grading=getattr(datamodule, "grading", False),
                class_names=datamodule.splits.class_names if datamodule is not None else None,
                other_ranking=self.other_ranking,
                tie_aware=self.tie_aware,
            )
            evaluated = (result, code_statistics(database))
            if stage == "test":
                self.test_codes = EvaluatedCodes(
                    queries, query_labels, database[order], database_labels[order], order
                )
        evaluated = trainer.strategy.broadcast(evaluated, src=0)
        if evaluated is None:
            raise RuntimeError("global rank 0 broadcast no retrieval result")
        result, statistics = evaluated
        if stage == "test" and self.binarize:
            self._warn_on_collapse(statistics, database.shape[1], database_labels)
        logged = with_prefix(
            {**result.metrics, **statistics.as_dict(), "encode_s": encode_s, **result.timings},
            stage,
        )
        pl_module.log_dict(logged, sync_dist=False, rank_zero_only=False)
        self.buffers = {}

    @staticmethod
    def _warn_on_collapse(statistics: CodeStatistics, bits: int, labels: np.ndarray) -> None:
        classes = labels.shape[1] if labels.ndim == 2 else len(np.unique(labels))
        warning = statistics.collapse_warning(bits, classes)
        if warning is not None:
            rank_zero_warn(warning)

    def on_validation_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Start collecting codes."""
        self._reset()

    def on_test_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Start collecting codes."""
        self._reset()

    def on_validation_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        outputs: Any,
        batch: Tensor,
        batch_idx: int,
        dataloader_idx: int = 0,
    ) -> None:
        """Store the batch's codes."""
        self._collect(trainer, outputs, dataloader_idx)

    def on_test_batch_end(
        self,
        trainer: pl.Trainer,
        pl_module: pl.LightningModule,
        outputs: Any,
        batch: Tensor,
        batch_idx: int,
        dataloader_idx: int = 0,
    ) -> None:
        """Store the batch's codes."""
        self._collect(trainer, outputs, dataloader_idx)

    def on_validation_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Rank the validation queries against the database and log the metrics."""
        if not trainer.sanity_checking:
            self._evaluate(trainer, pl_module, "val")

    def on_test_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        """Rank the test queries against the database and log the metrics."""
        self._evaluate(trainer, pl_module, "test")
