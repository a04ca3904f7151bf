"""out/ holds the committed outputs for seeds/: this fails when they are stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanup.process import Options, process
from tests.conftest import ROOT

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_committed_outputs_are_current(seed: Path, tmp_path: Path) -> None:
    result = process(seed, Options(out_dir=tmp_path))
    for fresh in result.outputs:
        committed = ROOT / "out" / fresh.name
        assert committed.exists(), f"out/{fresh.name} is missing: run `make out`"
        # the report names its input by the path given, and by its path from the output folder:
        # compare with the committed run's (`cleanup run seeds --out out`)
        fresh_text = fresh.read_text(encoding="utf-8")
        if fresh.name.endswith(".report.json"):
            rel = json.loads(fresh_text)["input"]["relative_to_outputs"]
            assert (tmp_path / rel).resolve() == seed.resolve()
            fresh_text = fresh_text.replace(json.dumps(rel), json.dumps(f"../seeds/{seed.name}"))
        fresh_text = fresh_text.replace(str(seed), f"seeds/{seed.name}")
        assert committed.read_text(encoding="utf-8") == fresh_text, f"out/{fresh.name} is stale: run `make out`"
