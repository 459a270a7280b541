"""Run a model tick by tick and check the engine's invariants and the metrics catalogue.

Shared by the catalogue tests and the property-based tests: goods are conserved and never
negative, the economy's cash changes by final revenue minus costs, and every recorded series and
summary value is catalogued and inside its documented range.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.config.schema import SimulationConfig
from abm.metrics import summarise
from abm.metrics.catalogue import CATALOGUE, SERIES, SUMMARY, out_of_range
from abm.model import EcosystemModel


def stock(model: EcosystemModel) -> float:
    """Goods held anywhere: finished goods, input stocks and the logistics pipeline."""
    firms = model.firms
    return float(firms.finished_goods.sum() + firms.input_inventory.sum()
                 + model.pipeline.in_transit())


def step_checked(model: EcosystemModel) -> None:
    """One tick, asserting conservation of goods, non-negative stocks and the cash identity."""
    firms = model.firms
    before, cash_before = stock(model), float(firms.cash.sum())
    model.step()
    written_off = model.recorder.latest("written_off")
    consumed = float((firms.input_coef * firms.produced[:, None]).sum())
    expected = before + firms.produced.sum() - consumed - firms.final_sales.sum() - written_off
    assert stock(model) == pytest.approx(expected, rel=1e-9, abs=1e-6), "goods not conserved"
    for name, values in (("finished_goods", firms.finished_goods),
                         ("input_inventory", firms.input_inventory),
                         ("on_order", firms.on_order), ("backlog", model.links.backlog),
                         ("in_transit", model.pipeline.links)):
        assert values.min(initial=0.0) >= 0.0, f"negative {name}"
    # Entrants bring new capital, which the identity does not include.
    if model.recorder.latest("entries") == 0:
        ledger = model.last_ledger
        assert ledger is not None
        outflows = (ledger.labour + ledger.fixed + ledger.holding + ledger.platform_fees
                    + ledger.interest + ledger.payouts + sum(ledger.other.values()))
        assert float(firms.cash.sum()) - cash_before == pytest.approx(
            ledger.final_revenue - outflows, rel=1e-9, abs=1e-6), "cash identity"


def run_checked(config: SimulationConfig) -> dict[str, float]:
    """Run ``config`` (no twin) with every invariant checked each tick; returns the summary
    after checking every series value and summary key against the catalogue."""
    model = EcosystemModel(config=config)
    for _ in range(config.ticks):
        step_checked(model)
    series = model.timeseries()
    check_catalogue(series.to_dict("list"), SERIES)
    summary = summarise(series, None, model.shock_window, config.metrics, model.firm_outcomes())
    check_catalogue({k: [v] for k, v in summary.items()}, SUMMARY)
    return summary


def check_catalogue(values: dict[str, list[float]], kind: str) -> None:
    """Assert every value of every name is catalogued and inside its range (its extremes and
    any NaN are checked: the range is an interval)."""
    bad: list[str] = []
    for name, column in values.items():
        column = np.asarray(column, dtype=float)
        present = column[~np.isnan(column)]
        probes = [float(present.min()), float(present.max())] if len(present) else []
        if np.isnan(column).any():
            probes.append(float("nan"))
        if (kind, name) not in CATALOGUE:
            bad.append(f"{kind} `{name}` is not catalogued")
        for value in probes:
            bad += out_of_range(kind, {name: value})
    assert not bad, "; ".join(bad[:10])
