"""Replication suite: the registry is complete and a re-run reproduces the stored reference."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments.replication.hypotheses import ARMS, HYPOTHESES
from experiments.replication.suite import COLUMNS, compare, reference_path, run_suite
from experiments.sweep import ExecutorConfig

STYLIZED = {"bullwhip_upstream", "loss_convex_duration", "loss_convex_damage",
            "inventories_reduce_losses", "concentration_loses_more", "indirect_exceed_direct",
            "single_failure_heavy_tail"}


def test_registry_is_well_formed() -> None:
    ids = [h.id for h in HYPOTHESES]
    assert len(ids) == len(set(ids)) and set(ids) >= STYLIZED
    for hyp in HYPOTHESES:
        assert hyp.direction in "+-" and hyp.source and hyp.claim
        # exactly one of: a contrast, a tail test, waiting for something
        assert bool(hyp.needs) + bool(hyp.terms) + bool(hyp.tail) == 1, hyp.id
        assert all(arm in ARMS for _, arm, _ in hyp.terms), hyp.id


def test_rerun_reproduces_reference_exactly(tmp_path: Path) -> None:
    reference = pd.read_csv(reference_path("ci"))
    assert reference["commit"].str.fullmatch(r"[0-9a-f]{40}").all()
    only = ["inventories_reduce_losses", "buffers_cost", "indirect_exceed_direct"]
    table = run_suite("ci", tmp_path, only, ExecutorConfig("joblib", 2), progress=False)
    assert list(table.columns) == COLUMNS and set(table["hypothesis"]) == set(only)
    rows = table.set_index("hypothesis")
    assert set(rows["verdict"]) <= {"supported", "not supported", "inconclusive"}
    assert (rows["seeds"] == 5).all()
    table.to_csv(tmp_path / "t.csv", index=False, float_format="%.17g")  # the CSV round trip
    assert compare(pd.read_csv(tmp_path / "t.csv"), reference) == []
    changed = table.assign(effect=table["effect"] + 1e-12)
    assert compare(changed, reference)  # the check can fail


@pytest.mark.slow
def test_whole_ci_suite_reproduces_reference(tmp_path: Path) -> None:
    table = run_suite("ci", tmp_path, None, ExecutorConfig("joblib", 2), progress=False)
    table.to_csv(tmp_path / "t.csv", index=False, float_format="%.17g")
    assert compare(pd.read_csv(tmp_path / "t.csv"), pd.read_csv(reference_path("ci"))) == []
