from ash_lightning.report.methods import (
    base_method,
    display_name,
    is_ash,
    is_attention_variant,
    ordered_methods,
)
from ash_lightning.report.plot_styles import ASH_COLOR, BASELINE_COLORS, method_style


def test_unknown_methods_follow_the_known_ones() -> None:
    assert ordered_methods(["mirror", "ash_l", "ath", "lsh", "dsh_a"]) == [
        "lsh",
        "dsh_a",
        "ash_l",
        "ath",
        "mirror",
    ]


def test_names_and_kinds() -> None:
    assert display_name("dpsh_a") == "DPSH-A"
    assert is_ash("ash_u") and is_ash("ash_l") and not is_ash("dash")
    assert is_attention_variant("dsh_a") and not is_attention_variant("dsh")
    assert base_method("dsh_a") == "dsh"


def test_styles_follow_the_paper() -> None:
    assert method_style("ash_l", 0, 0).color == ASH_COLOR
    dotted = method_style("dpsh_a", 1, 0)
    assert (dotted.color, dotted.linestyle) == (BASELINE_COLORS["dpsh"], ":")
    assert method_style("dpsh", 2, 0).linestyle == "-"
    assert method_style("ath", 3, 0).color not in {ASH_COLOR, *BASELINE_COLORS.values()}
