"""Firm-level recovery (issue 9): definition on hand-made output paths, invariants on runs,
and its direction (a longer or deeper shock lengthens it) averaged over seeds."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from abm.api import run_config
from abm.config.compose import compose_config
from abm.metrics.firm_recovery import FirmRecovery
from abm.model import EcosystemModel
from abm.outputs import write_result

SEEDS = range(1, 9)
SMALL = ("network.n_firms=300", "ticks=120", "scenario.shocks.regional_disaster.onset=40")
KEYS = ("firms_hit", "firm_recovery_mean", "firm_recovery_median", "firm_recovery_censored")


def _firms(produced: np.ndarray) -> SimpleNamespace:
    n = len(produced)
    return SimpleNamespace(produced=produced, alive=np.ones(n, dtype=bool),
                           entered_at=np.zeros(n, dtype=np.int64), normal_output=np.ones(n),
                           long_run_demand=np.ones(n), availability=np.ones(n),
                           unit_value_added=np.ones(n))


def test_definition_on_hand_made_paths() -> None:
    """Firm 0 dips at the hit and regains at tick 15 (5 ticks after the hit); firm 1 never
    regains (censored at the horizon); firm 2 is hit but its output never dips (0 ticks);
    firm 3 is never hit (not counted); firm 4 leaves after its dip (censored)."""
    tracker = FirmRecovery(5, onset=10, baseline_window=4, smoothing=1, level=0.95)
    horizon = 30
    for tick in range(horizon):
        out = np.full(5, 10.0)
        if tick >= 10:
            out[1] = 2.0
            if tick < 15:
                out[0] = 2.0
        firms = _firms(out)
        if tick >= 10:
            out[4] = 0.0
            firms.alive[4] = tick < 12
        hit = np.array([True, True, True, False, True]) if tick in (10, 11) else None
        tracker.observe(tick, firms, hit if tick >= 10 else None)
    summary = tracker.summary()
    assert summary["firms_hit"] == 4
    identity = SimpleNamespace(tier=np.zeros(5, int), region=np.zeros(5, int),
                               chain=np.zeros(5, int), chain_leader=np.zeros(5, bool))
    table = tracker.table(identity, np.array(list("abcde")))
    ticks = dict(zip(table["firm"], table["recovery_ticks"], strict=True))
    assert ticks == {0: 5.0, 1: horizon - 10, 2: 0.0, 4: horizon - 10}
    assert table.set_index("firm")["censored"].to_dict() == {0: False, 1: True, 2: False,
                                                             4: True}
    assert summary["firm_recovery_censored"] == pytest.approx(0.5)
    assert summary["firm_recovery_median"] == pytest.approx((5 + 20) / 2)


def test_no_hit_is_zero_not_nan() -> None:
    """Without shocks, and with a shock of magnitude 0 (it touches nobody), the keys are 0
    (finite, never NaN)."""
    model = EcosystemModel(config=compose_config(["scenario=none", *SMALL[:2]]), seed=1)
    model.run()
    assert {k: model.firm_outcomes()[k] for k in KEYS} == dict.fromkeys(KEYS, 0.0)
    nobody = compose_config(["scenario=regional_disaster", *SMALL,
                             "scenario.shocks.regional_disaster.magnitude=0.0"])
    model = EcosystemModel(config=nobody, seed=1)
    model.run()
    assert {k: model.firm_outcomes()[k] for k in KEYS} == dict.fromkeys(KEYS, 0.0)


@pytest.mark.parametrize("scenario", ["regional_disaster", "pandemic", "key_input_embargo"])
def test_invariants_and_table(scenario: str, tmp_path) -> None:
    """Censored share in [0, 1], recovery ticks within the horizon, the table agrees with the
    summary and is written with the run's outputs."""
    config = compose_config([f"scenario={scenario}", "network.n_firms=300", "ticks=150",
                             f"scenario.shocks.{scenario}.onset=40", "seed=2"])
    result = run_config(config)
    summary, table = result.summary, result.firm_recovery
    assert table is not None and summary["firms_hit"] == len(table) > 0
    assert 0.0 <= summary["firm_recovery_censored"] <= 1.0
    assert 0.0 <= summary["firm_recovery_median"] <= config.ticks
    assert (table["recovery_ticks"] >= 0).all()
    # Ticks are numbered 1..ticks: a firm censored at the horizon counts ticks + 1 - hit.
    assert (table["recovery_ticks"] <= config.ticks + 1 - table["first_hit"]).all()
    assert summary["firm_recovery_mean"] == pytest.approx(table["recovery_ticks"].mean())
    assert summary["firm_recovery_censored"] == pytest.approx(table["censored"].mean())
    assert (table["first_hit"] >= 40).all() and (table["pre_output"] > 0).all()
    write_result(result, tmp_path, plot=False)
    assert len(pd.read_parquet(tmp_path / "firm_recovery.parquet")) == len(table)


def _mean_firm_recovery(*overrides: str) -> float:
    base = compose_config(["scenario=regional_disaster", *SMALL, *overrides])
    values = []
    for seed in SEEDS:
        model = EcosystemModel(config=replace(base, seed=seed))
        model.run()
        values.append(model.firm_outcomes()["firm_recovery_mean"])
    return float(np.mean(values))


@pytest.mark.parametrize(("mild", "severe"), [
    ("scenario.shocks.regional_disaster.duration=3",
     "scenario.shocks.regional_disaster.duration=15"),
    ("scenario.shocks.regional_disaster.magnitude=0.3",
     "scenario.shocks.regional_disaster.magnitude=0.9"),
])
def test_longer_or_deeper_shock_lengthens_firm_recovery(mild: str, severe: str) -> None:
    """Averaged over 8 seeds (the same seeds in both arms)."""
    assert _mean_firm_recovery(severe) > _mean_firm_recovery(mild)
