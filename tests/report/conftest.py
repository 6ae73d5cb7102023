"""Fixtures: a fake sweep folder of results.json files with known metric values."""

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from ash_lightning.report import ReportPaths, build_report

from .fake_results import FakeSweep, make_fake_sweep


@pytest.fixture
def fake_sweep(tmp_path: Path) -> FakeSweep:
    return make_fake_sweep(tmp_path / "sweep")


@dataclass(frozen=True)
class BuiltReport:
    sweep: FakeSweep
    paths: ReportPaths
    log: str
    markdown: str


@pytest.fixture(scope="module")
def built_report(tmp_path_factory: pytest.TempPathFactory) -> BuiltReport:
    """The report of the fake sweep, built once per test module."""
    sweep = make_fake_sweep(tmp_path_factory.mktemp("report") / "sweep")
    log = io.StringIO()
    paths = build_report([sweep.root], sweep.root / "out", log=log)
    return BuiltReport(sweep, paths, log.getvalue(), paths.markdown.read_text())
