"""Fit a shallow hashing method on the database and evaluate it like the deep ones."""

import time
import warnings

from omegaconf import DictConfig

from ash_lightning.data.retrieval_datamodule import RetrievalDataModule
from ash_lightning.retrieval import evaluate_retrieval
from ash_lightning.retrieval.code_statistics import code_statistics
from ash_lightning.retrieval.evaluated_codes import EvaluatedCodes
from ash_lightning.run.fit_outcome import FitOutcome
from ash_lightning.shallow import ShallowHashingModel


def fit_shallow(
    cfg: DictConfig, datamodule: RetrievalDataModule, model: ShallowHashingModel
) -> FitOutcome:
    """Fit on the database split, encode queries and database, rank through Faiss.

    No Lightning loop: LSH, ITQ and MHF fit in closed form or by their own iterations.
    As for the deep methods, validation ranks the data module's validation database in its
    own seeded order and the test ranks the whole database in ``database_order``; a warning
    says when the database codes collapsed.
    The splits, the ranking and the metrics are those of the deep methods, so both kinds
    are compared on the same database/query protocol.

    Args:
        cfg: The run configuration (``topk``, ``retrieval``, ``metrics.convention``).
        datamodule: Provides the splits.
        model: Features + shallow hasher.

    Returns:
        Validation and test metrics and timings; no test metrics when ``cfg.test`` is false
        (a tuning trial), which leaves the test queries unencoded.
    """
    splits = datamodule.splits
    started = time.perf_counter()
    model.fit(splits.database_images, splits.database_labels)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    encoded = model.encode(splits.database_images)
    order = datamodule.database_order
    database = encoded[order]
    database_labels = splits.database_labels[order]
    val_rows = datamodule.val_database_positions[datamodule.val_database_order]
    database_encode_s = time.perf_counter() - started
    options = {
        "topk": list(cfg.topk),
        "binarize": cfg.retrieval.binarize,
        "convention": cfg.metrics.convention,
        "grading": datamodule.grading,
        "class_names": splits.class_names,
        "other_ranking": cfg.retrieval.other_ranking,
        "tie_aware": cfg.metrics.tie_aware,
    }
    val = evaluate_retrieval(
        model.encode(splits.val_images),
        splits.val_labels,
        encoded[val_rows],
        splits.database_labels[val_rows],
        **options,
    )
    statistics = code_statistics(database)
    warning = statistics.collapse_warning(database.shape[1], len(splits.class_names))
    if warning is not None and cfg.retrieval.binarize:
        warnings.warn(warning, stacklevel=2)
    if not cfg.test:
        return FitOutcome(
            test_metrics={},
            val_metrics=val.metrics,
            timings_s={"fit": fit_s},
            code_statistics={"val": statistics.as_dict()},
        )
    started = time.perf_counter()
    test_queries = model.encode(splits.test_images)
    encode_s = database_encode_s + time.perf_counter() - started
    test = evaluate_retrieval(
        test_queries, splits.test_labels, database, database_labels, **options
    )
    return FitOutcome(
        test_metrics=test.metrics,
        val_metrics=val.metrics,
        timings_s={
            "fit": fit_s,
            "test_encode_s": encode_s,
            **{f"test_{name}": value for name, value in test.timings.items()},
        },
        code_statistics={"test": statistics.as_dict()},
        test_codes=EvaluatedCodes(
            test_queries, splits.test_labels, database, database_labels, order
        ),
    )
