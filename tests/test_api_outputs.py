"""The Python API and the files a run writes."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from abm import simulate
from abm.outputs import write_result

CONTRACT = ("resistance", "recovery_time", "resilience_loss", "risk_resistance",
            "relationship_stability", "digital_agility", "bullwhip_ratio", "supplier_hhi",
            "sme_survival_rate", "sme_mean_margin")


def test_simulate_returns_the_metrics_contract_and_a_step_series() -> None:
    result = simulate(["scenario=regional_disaster", "seed=3", "network.n_firms=500",
                       "ticks=130", "scenario.shocks.regional_disaster.onset=50"])
    for key in CONTRACT:
        assert key in result.summary
    series = result.timeseries
    assert series["step"].tolist() == list(range(1, 131))
    assert {"performance", "value_added"} <= set(series.columns)
    assert result.twin_timeseries is not None
    assert result.provenance["seed"] == 3
    assert "mesa" in result.provenance["packages"]  # type: ignore[operator]


def test_written_run_carries_config_seed_versions_and_commit(tmp_path: Path) -> None:
    result = simulate(["seed=4", "network.n_firms=300", "ticks=60",
                       "scenario.shocks.regional_disaster.onset=20"])
    summary_path = write_result(result, tmp_path / "run")
    names = {p.name for p in (tmp_path / "run").iterdir()}
    assert names == {"summary.json", "timeseries.parquet", "twin_timeseries.parquet",
                     "firm_recovery.parquet",
                     "config.yaml", "provenance.json", "performance.png"}
    summary = json.loads(summary_path.read_text())
    assert summary["seed"] == 4 and summary["scenario"] == "regional_disaster"
    assert set(CONTRACT) <= set(summary["metrics"])
    meta = pq.read_schema(tmp_path / "run" / "timeseries.parquet").metadata
    config = json.loads(meta[b"ecosim.config"])
    assert config["seed"] == 4 and config["network"]["n_firms"] == 300
    provenance = json.loads(meta[b"ecosim.provenance"])
    assert {"git", "packages", "wall_seconds"} <= set(provenance)
    assert "n_firms: 300" in (tmp_path / "run" / "config.yaml").read_text()
