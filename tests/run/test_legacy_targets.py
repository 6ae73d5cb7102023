import json
import re
import shutil
from importlib import import_module
from importlib.resources import files
from pathlib import Path

import pytest
import torch
from hydra.utils import get_class

from ash_lightning.run.legacy_targets import LEGACY_TARGETS, upgrade_targets
from ash_lightning.run.trained_run import load_trained_run

LEGACY_RUN = Path(__file__).parents[1] / "fixtures" / "legacy_main_676d058" / "run"
PUBLIC = re.compile(r"^ash_lightning\.(\w+)\.(\w+)$")


def _packaged_targets() -> set[str]:
    targets = set()
    stack = [files("ash_lightning.conf")]
    while stack:
        entry = stack.pop()
        if entry.is_dir():
            stack.extend(entry.iterdir())
        elif entry.name.endswith(".yaml"):
            targets |= set(re.findall(r"_target_: (ash_lightning\.[\w.]+)", entry.read_text()))
    return targets


def _saved_targets(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["_target_"]} if isinstance(node.get("_target_"), str) else set()
        return found.union(*(_saved_targets(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_saved_targets(item) for item in node))
    return set()


def test_every_packaged_target_is_a_public_name_of_its_package():
    targets = _packaged_targets()
    assert len(targets) > 20
    for target in targets:
        match = PUBLIC.match(target)
        assert match, f"{target} names a private module"
        package, name = match.groups()
        assert name in import_module(f"ash_lightning.{package}").__all__, target


def test_every_legacy_path_maps_to_a_public_name_of_the_same_class():
    for old, new in LEGACY_TARGETS.items():
        assert PUBLIC.match(new), new
        module, _, name = old.rpartition(".")
        try:
            old_class = getattr(import_module(module), name)
        except ModuleNotFoundError:
            old_class = None  # the module moved; the public name is all that is left
        assert old_class is None or old_class is get_class(new), old


def test_the_legacy_fixture_uses_only_paths_the_table_knows():
    saved = json.loads((LEGACY_RUN / "results.json").read_text())["config"]
    private = {t for t in _saved_targets(saved) if t.startswith("ash_lightning.")}
    private = {t for t in private if not PUBLIC.match(t)}
    assert private and private <= set(LEGACY_TARGETS)
    upgraded = _saved_targets(upgrade_targets(saved))
    assert all(PUBLIC.match(t) for t in upgraded if t.startswith("ash_lightning."))


def test_a_run_written_by_main_676d058_still_loads_and_encodes(tmp_path):
    run_dir = shutil.copytree(LEGACY_RUN, tmp_path / "run")
    run = load_trained_run(run_dir)
    assert run.config.model._target_ == "ash_lightning.nn.HashingNetwork"
    assert run.bits == 12 and run.preprocessing["image_size"] == 32
    with torch.no_grad():
        codes = run.net(torch.zeros(2, 1, 32, 32))
    assert codes.shape == (2, 12)


@pytest.mark.parametrize("node", [[], {}, 3, "x", {"_target_": 5}])
def test_upgrade_leaves_other_values_alone(node):
    assert upgrade_targets(node) == node
