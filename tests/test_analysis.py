"""Analysis: paired effects with bootstrap CIs, verdicts, scenario discovery, the sweep report."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.discovery import discover
from analysis.effects import bootstrap_mean_ci, paired_effects, verdict


def synthetic(n_seeds: int = 30, effect: float = 0.5) -> pd.DataFrame:
    """Two levels on the same seeds; seed luck (s.d. 5) dwarfs the effect."""
    rng = np.random.default_rng(1)
    luck = rng.normal(0, 5, n_seeds)
    rows = []
    for scenario in ("a", "b"):
        for level, shift in (("baseline", 0.0), ("subsidy", effect)):
            for seed in range(n_seeds):
                rows.append({"scenario": scenario, "policy": level, "seed": seed,
                             "loss": 10 + luck[seed] + shift + rng.normal(0, 0.2)})
    return pd.DataFrame(rows)


def test_pairing_on_seeds_recovers_a_small_effect() -> None:
    table = synthetic()
    effects = paired_effects(table, "policy", "baseline", ["loss"], ["policy", "scenario"],
                             by=["scenario"])
    assert list(effects["level"]) == ["subsidy", "subsidy"]
    assert (effects["n_seeds"] == 30).all()
    assert ((effects["ci_low"] < 0.5) & (effects["ci_high"] > 0.5)).all()
    assert (effects["ci_low"] > 0).all()  # unpaired, the seed luck would swamp it
    unpaired_sd = table.groupby("policy")["loss"].std().max()
    assert unpaired_sd > 10 * (effects["ci_high"] - effects["ci_low"]).max()


def test_bootstrap_and_verdicts() -> None:
    assert np.isnan(bootstrap_mean_ci(np.array([1.0]))[0])
    assert bootstrap_mean_ci(np.array([2.0, 2.0, 2.0])) == (2.0, 2.0)
    low, high = bootstrap_mean_ci(np.arange(20.0))
    assert low < 9.5 < high
    assert bootstrap_mean_ci(np.arange(20.0)) == (low, high)  # reproducible
    assert verdict(1.0, 0.2, 1.5, "+") == "supported"
    assert verdict(1.0, 0.2, 1.5, "-") == "not supported"
    assert verdict(0.1, -0.2, 0.5, "+") == "inconclusive"


def test_discovery_finds_the_failure_box() -> None:
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"x": rng.uniform(0, 1, 400), "y": rng.uniform(0, 1, 400),
                          "mode": rng.choice(["m", "n"], 400)})
    table["loss"] = np.where((table["x"] > 0.6) & (table["mode"] == "m"), 5.0, 1.0)
    table["loss"] += rng.normal(0, 0.1, 400)
    boxes, description = discover(table, ["x", "y", "mode"],
                                  {"metric": "loss", "fail_above": 3.0})
    assert description == "loss > 3.0"
    best = boxes.iloc[0]
    assert "x > 0.6" in best["box"] or re.search(r"x > 0\.[56]\d*", best["box"])
    assert "mode == m" in best["box"] or "mode != n" in best["box"]
    assert best["density"] > 0.9 and best["coverage"] > 0.8
    assert abs(boxes["coverage"].sum() - 1.0) < 1e-9


def test_report_of_a_tiny_sweep(tmp_path: Path) -> None:
    from test_sweep import tiny_runs

    from analysis.report import write_report
    from experiments.sweep import ExecutorConfig, SweepStore, run_sweep

    run_sweep(tmp_path, tiny_runs(2), {"name": "t", "config": {"analysis": {
        "factor": "market.safety_stock_weeks", "reference": 2.0,
        "metrics": ["resilience_loss", "resistance"],
        "discovery": {"metric": "resilience_loss", "fail_above_quantile": 0.5}}}},
        ExecutorConfig("serial"), progress=False)
    page = write_report(tmp_path)
    text = page.read_text()
    images = re.findall(r"<img src='([^']+)'", text)
    assert {"resilience_curves.png", "effect_heatmap.png", "cost_vs_resilience.png",
            "trajectories.png", "firm_recovery.png"} <= set(images)
    # The store keeps one firm-recovery row per firm hit directly in every run.
    store = SweepStore(tmp_path)
    hits = store.summaries().set_index("run_id")["firms_hit"].astype(int)
    per_run = store.firm_recovery().groupby("run_id").size()
    assert hits.min() > 0 and per_run.reindex(hits.index, fill_value=0).equals(hits)
    assert all((page.parent / name).stat().st_size > 10_000 for name in images)
    assert text.count("<figcaption>") == len(images)
    assert "spent nothing" in text  # zero budget is said, not plotted as a finding
    effects = pd.read_csv(page.parent / "effects.csv")
    assert set(effects["metric"]) == {"resilience_loss", "resistance"}
    assert (effects["n_seeds"] == 2).all() and (effects["level"] == 0.5).all()


def test_sensitivity_ranks_the_parameter_that_matters() -> None:
    from analysis.sensitivity import sweep_sensitivity
    from experiments.sweep.design import design_points

    ranges = {"strong": {"low": 0.0, "high": 1.0}, "weak": {"low": 0.0, "high": 1.0},
              "none": {"low": 0.0, "high": 1.0}}
    for kind, n, column in (("morris", 20, "mu_star"), ("sobol", 64, "ST")):
        design = {"kind": kind, "parameters": ranges, "n": n}
        points = design_points(design)
        rows = [{"point": i, "seed": s, "loss": 5 * p["strong"] + 0.5 * p["weak"] + 0.01 * s}
                for i, p in enumerate(points) for s in range(2)]
        ranking = sweep_sensitivity(pd.DataFrame(rows), design, ["loss"])["loss"]
        assert list(ranking["parameter"]) == ["strong", "weak", "none"], kind
        assert ranking[column].iloc[2] < 0.05 * ranking[column].iloc[0]
