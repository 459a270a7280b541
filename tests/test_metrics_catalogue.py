"""The metrics catalogue: every emitted series and summary key is declared, in range, and the
ODD tables are generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from invariant_support import check_catalogue

from abm.api import simulate
from abm.metrics.catalogue import CATALOGUE, SERIES, SUMMARY, markdown_table, render_docs
from abm.metrics.recorder import Recorder

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
SCENARIOS = ("none", "regional_disaster", "pandemic", "key_input_embargo",
             "export_demand_drop", "logistics_chokepoint", "compound")


def test_odd_metrics_tables_are_generated_from_the_catalogue() -> None:
    text = ODD.read_text()
    assert render_docs(text) == text, "stale: run `python -m abm.metrics.odd docs/ODD.md`"
    for kind in (SERIES, SUMMARY):
        assert markdown_table(kind) in text


def test_every_entry_is_documented() -> None:
    for metric in CATALOGUE.values():
        assert metric.unit and metric.meaning and metric.lo <= metric.hi, metric.name


def test_recorder_refuses_an_uncatalogued_series() -> None:
    recorder = Recorder(4)
    recorder.record(1, {"performance": 1.0})
    with pytest.raises(KeyError, match="not in the metrics catalogue"):
        recorder.record(2, {"performance": 1.0, "made_up_metric": 3.0})


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_default_scenario_emits_only_catalogued_values_in_range(scenario: str) -> None:
    # Default parameters on a smaller network, long enough for the shocks (onset 104) to pass.
    result = simulate([f"scenario={scenario}", "network.n_firms=400", "ticks=200", "seed=3"])
    check_catalogue(result.timeseries.to_dict("list"), SERIES)
    if result.twin_timeseries is not None:
        check_catalogue(result.twin_timeseries.to_dict("list"), SERIES)
    check_catalogue({k: [v] for k, v in result.summary.items()}, SUMMARY)
    assert set(result.timeseries.columns) <= {name for kind, name in CATALOGUE if kind == SERIES}
