import pytest

from ash_lightning.retrieval.metric_keys import (
    MetricKey,
    is_metric_key,
    metric_key,
    parse_metric_key,
    under_prefix,
    with_prefix,
)

NAMES = {
    "mAP@10": MetricKey("mAP", 10),
    "NDCG@5": MetricKey("NDCG", 5),
    "mAP@10/grade_3": MetricKey("mAP", 10, class_name="grade_3"),
    "cosine/mAP@10": MetricKey("mAP", 10, ranking="cosine"),
    "test/mHR@20": MetricKey("mHR", 20, stage="test"),
    "val/hamming/mRR@15": MetricKey("mRR", 15, stage="val", ranking="hamming"),
    "test/cosine/mAP@10/grade_3": MetricKey("mAP", 10, "test", "cosine", "grade_3"),
    "tie_aware/NDCG@5": MetricKey("NDCG", 5, ranking="tie_aware"),
    "val/tie_aware/mAP@10/grade_3": MetricKey("mAP", 10, "val", "tie_aware", "grade_3"),
}


@pytest.mark.parametrize(("name", "key"), NAMES.items())
def test_names_parse_and_build_back(name, key):
    assert parse_metric_key(name) == key
    assert str(key) == name
    assert metric_key(key.metric, key.k, key.stage, key.ranking, key.class_name) == name


@pytest.mark.parametrize(
    "name", ["encode_s", "test/search_s", "mAP@", "@10", "mAP@ten", "fold/mAP@10", "mAP@10/"]
)
def test_other_names_are_refused(name):
    assert not is_metric_key(name)
    with pytest.raises(ValueError, match="not a metric name"):
        parse_metric_key(name)


def test_dropping_the_stage_and_ranking():
    key = parse_metric_key("test/cosine/mAP@10/dr")
    assert str(key.without(stage=True)) == "cosine/mAP@10/dr"
    assert str(key.without(stage=True, ranking=True)) == "mAP@10/dr"


def test_prefixing_and_selecting_by_prefix_are_inverse():
    values = {"mAP@10": 0.5, "cosine/mAP@10": 0.6, "search_s": 0.1}
    logged = with_prefix(values, "test")
    assert logged == {"test/mAP@10": 0.5, "test/cosine/mAP@10": 0.6, "test/search_s": 0.1}
    assert under_prefix(logged, "test") == values
    assert under_prefix(values, "cosine") == {"mAP@10": 0.6}
    assert under_prefix(logged, "val") == {}
