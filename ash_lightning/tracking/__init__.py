"""Experiment tracking: one logged run per Hydra job, with its config, summary and figures.

``build_loggers`` makes the configured Lightning loggers (CSV, TensorBoard, W&B); the deep
fit trains with them, and ``report_to_trackers`` gives every tracker the run's resolved
config, final metrics and test-stage figures, then finishes its run, so that the jobs of a
multirun never share one.
"""
