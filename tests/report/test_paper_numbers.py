from ash_lightning.report.paper_numbers import paper_dataset, table_i_value, table_ii_value


def test_datasets_pair_with_the_paper_ones() -> None:
    assert paper_dataset("synthetic_asoct") == paper_dataset("asoct") == "ASOCT-Cataract"
    assert {paper_dataset(name) for name in ("synthetic_fundus", "fundus_isee", "fundus")} == {
        "Fundus-iSee"
    }
    assert paper_dataset("cifar10") is None


def test_table_i_values() -> None:
    assert table_i_value("synthetic_asoct", 0.7, 48) == 0.8856
    assert table_i_value("fundus", 0.3, 24) == 0.5057
    assert table_i_value("synthetic_asoct", 0.6, 48) is None
    assert table_i_value("cifar10", 0.7, 48) is None


def test_table_ii_values_match_either_ash_name() -> None:
    assert table_ii_value("synthetic_asoct", "ash_u", 10) == 0.7000
    assert table_ii_value("synthetic_asoct", "ash_l", 10) == 0.7000
    assert table_ii_value("fundus_isee", "ash_l", 20) == 0.6233
    assert table_ii_value("synthetic_fundus", "drh", 5) == 0.5716
    assert table_ii_value("synthetic_asoct", "dsh_a", 5) is None
    assert table_ii_value("synthetic_asoct", "lsh", 5) is None
