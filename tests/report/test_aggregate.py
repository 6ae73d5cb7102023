import math

import pytest

from ash_lightning.report.aggregate import GroupKey, group_records
from ash_lightning.report.collect import collect_runs
from ash_lightning.report.stats import Stats

from .fake_results import OTHER_CONVENTION_VALUE, FakeSweep

SAMPLE_STD = math.sqrt(0.0021)  # seed offsets 0.00, 0.03, 0.09 around their mean 0.04


def test_stats_are_mean_and_sample_std() -> None:
    stats = Stats.of([0.00, 0.03, 0.09])

    assert (stats.mean, stats.n) == (pytest.approx(0.04), 3)
    assert stats.std == pytest.approx(SAMPLE_STD)
    assert not stats.too_few_seeds


def test_a_single_seed_has_no_std_and_too_few_seeds() -> None:
    stats = Stats.of([0.5])

    assert math.isnan(stats.std)
    assert stats.too_few_seeds


def test_conventions_form_separate_groups(fake_sweep: FakeSweep) -> None:
    groups = {group.key: group for group in group_records(collect_runs([fake_sweep.root]).records)}

    standard = groups[GroupKey("synthetic_asoct", "standard", "hamming")]
    authors = groups[GroupKey("synthetic_asoct", "authors", "hamming")]
    cell = standard.stats("ash_u", 12, 0.5, "mAP@10")
    assert (cell.mean, cell.std, cell.n) == (pytest.approx(0.60), pytest.approx(SAMPLE_STD), 3)
    assert authors.stats("ash_u", 12, 0.5, "mAP@10") == Stats(OTHER_CONVENTION_VALUE, math.nan, 1)
    assert authors.runs == 1


def test_random_codes_count_each_seed_once(fake_sweep: FakeSweep) -> None:
    (standard, _) = sorted(
        group_records(collect_runs([fake_sweep.root]).records), key=lambda g: g.runs, reverse=True
    )

    random_map = standard.random_codes[12]["mAP@10"]
    assert (random_map.mean, random_map.std, random_map.n) == (
        pytest.approx(0.17),
        pytest.approx(0.01),
        3,
    )


def test_methods_in_display_order_with_unknown_names_last(fake_sweep: FakeSweep) -> None:
    (standard, _) = sorted(
        group_records(collect_runs([fake_sweep.root]).records), key=lambda g: g.runs, reverse=True
    )

    assert standard.methods() == ["dpsh", "dsh_a", "drh", "ash_u"]
    assert standard.chosen_r("ash_u", 0.5) == 0.5
    assert standard.chosen_r("dpsh", 0.7) == 0.5
