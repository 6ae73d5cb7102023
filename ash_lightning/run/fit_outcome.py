"""What fitting one method produced, in the same shape for deep and shallow methods."""

from dataclasses import dataclass, field
from typing import Any

from ash_lightning.retrieval.evaluated_codes import EvaluatedCodes


@dataclass(frozen=True)
class FitOutcome:
    """Retrieval metrics and timings of one fitted method.

    Attributes:
        test_metrics: Test-query metrics, keyed like ``"mAP@10"``.
        val_metrics: Validation-query metrics (empty when not evaluated).
        timings_s: Seconds (and the epoch count for deep methods), e.g. ``fit``,
            ``test_encode_s``, ``test_index_build_s``, ``test_search_s``.
        memory_mb: Peak memory in MiB, e.g. ``fit_peak_rss_mb`` (the process's peak
            resident memory by the end of training) and ``fit_peak_cuda_mb`` on a GPU.
        is_global_zero: Whether this process writes the results (false on DDP workers).
        selection: The checkpoint model selection kept (``monitor``, ``mode``, ``score``,
            1-based ``epoch``, ``checkpoint``), or None without selection (shallow methods).
        code_statistics: Usage of the code space by the database codes per stage, e.g.
            ``{"test": {"distinct_codes": 37.0, "bit_balance": 0.4, "constant_bits": 3.0,
            "identical_outputs": 0.0}}``.
        test_codes: The outputs the test ranked (for the trackers' figures), or None when
            untested or on a process other than global rank 0.
        distributed: The effective batch of a deep run: ``per_device``, ``world_size``,
            ``accumulate_grad_batches`` and ``total`` images per optimiser step.
    """

    test_metrics: dict[str, float]
    val_metrics: dict[str, float] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)
    is_global_zero: bool = True
    selection: dict[str, Any] | None = None
    code_statistics: dict[str, dict[str, float]] = field(default_factory=dict)
    test_codes: EvaluatedCodes | None = None
    distributed: dict[str, Any] | None = None
