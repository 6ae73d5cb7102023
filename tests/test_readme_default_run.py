"""The README's default-run table is what `python -m ash_lightning` prints on CPU, exactly."""

from pathlib import Path

import pytest
from ash_process import run_ash

README = Path(__file__).parents[1] / "README.md"


def _table_block(text: str) -> list[str]:
    """The retrieval table rows and the selection line of a printed run."""
    lines = text.splitlines()
    rows = [line for line in lines if line.startswith(("| ash_u", "| random codes"))]
    return rows + [line for line in lines if line.startswith("selected on validation:")]


@pytest.mark.slow
def test_the_default_run_prints_the_readme_table(tmp_path):
    result = run_ash(
        "trainer.enable_progress_bar=false",
        f"hydra.run.dir={tmp_path / 'run'}",
        cwd=tmp_path,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    printed = _table_block(result.stdout)
    lines = README.read_text().split("**Default run**", 1)[1].splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("selected on validation:"))
    readme_section = "\n".join(lines[: end + 1])
    assert len(printed) == 21
    assert printed == _table_block(readme_section)
