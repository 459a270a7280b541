"""Spending per instrument, and instruments switched on mid-run (``model.add_instrument``).

Switching on mid-run must leave the ticks before the switch exactly as in the run without
it; after the switch the instrument spends, and the regulator's spending stays within the
yearly budget.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm import simulate
from abm.config.compose import compose_config
from abm.core.calendar import TICKS_PER_YEAR
from abm.core.errors import ConfigError
from abm.core.registry import INSTRUMENTS, load_plugins
from abm.metrics.catalogue import CATALOGUE, INSTRUMENT_NAMES
from abm.model import EcosystemModel

BASE = ["network.n_firms=300", "scenario=regional_disaster", "ticks=160",
        "scenario.shocks.regional_disaster.onset=60", "seed=5", "platforms.acting=false"]
BUDGET = 3000.0  # small enough to bind within a year
SWITCH = 70


def test_every_registered_instrument_has_a_spending_key() -> None:
    load_plugins()
    for name in INSTRUMENTS:
        assert name in INSTRUMENT_NAMES, name
        assert ("summary", f"subsidy_spent_{name}") in CATALOGUE, name


def test_every_instrument_reports_its_spending_and_they_add_up() -> None:
    load_plugins()
    names = sorted(INSTRUMENTS)
    summary = simulate([*BASE, "platforms.acting=true", f"policy=[{','.join(names)}]",
                        "policy.budget_per_year=50000"]).summary
    per = {name: summary[f"subsidy_spent_{name}"] for name in names}
    assert sum(per.values()) == pytest.approx(summary["subsidy_spent"], rel=1e-9)
    assert per["platform_regulation"] == 0.0 and per["carbon_price"] == 0.0  # pay nothing
    assert summary["subsidy_spent"] > 0


def run(switch: dict[str, dict] | None, budget: float = BUDGET) -> tuple[EcosystemModel,
                                                                          pd.DataFrame]:
    """The model run to the end, with ``switch`` instruments added after tick SWITCH."""
    model = EcosystemModel(config=compose_config([*BASE, f"policy.budget_per_year={budget}"]))
    for tick in range(model.config.ticks):
        if switch and tick == SWITCH:
            for name, params in switch.items():
                model.add_instrument(name, params)
        model.step()
    return model, model.timeseries()


def test_switching_on_mid_run_leaves_the_past_alone_and_spends_within_budget() -> None:
    _, plain = run(None)
    model, switched = run({"rd_subsidy": {"share": 0.5},
                           "early_warning": {"cost_per_tick": 400.0}})
    before = switched["step"] <= SWITCH
    pd.testing.assert_frame_equal(switched[before], plain[before], check_exact=True)
    spent = switched.set_index("step")["subsidy_spent"]
    assert spent.loc[:SWITCH].sum() == 0.0
    assert spent.loc[SWITCH + 1:].sum() > 0
    years = (spent.index - 1) // TICKS_PER_YEAR
    assert (spent.groupby(years).sum() <= BUDGET * (1 + 1e-12)).all()
    assert spent.groupby(years).sum().max() == pytest.approx(BUDGET)  # the budget binds
    summary = model.firm_outcomes()
    by_name = summary["subsidy_spent_rd_subsidy"] + summary["subsidy_spent_early_warning"]
    assert by_name == pytest.approx(spent.sum(), rel=1e-9)
    assert [name for _, name, _ in model.instruments_added] == ["rd_subsidy", "early_warning"]
    names = [p.name for p in model.processes]
    assert names[:2] == ["early_warning", "rd_subsidy"]  # the fixed (alphabetical) order


@pytest.mark.parametrize(("name", "params", "must_mention"), [
    ("rd_subsidy", {"share": 2.0}, ["policy.instruments.rd_subsidy.share", "0.9"]),
    ("rd_subsidy", {"shares": 0.2}, ["policy.instruments.rd_subsidy", "share"]),
    ("no_such_policy", {}, ["no_such_policy", "rd_subsidy"]),
    ("platform_regulation", {}, ["policy.instruments.platform_regulation",
                                 "platforms.acting"]),
    ("digital_subsidy", {}, ["already on"]),
])
def test_add_instrument_validates_like_config_input(name: str, params: dict,
                                                    must_mention: list[str]) -> None:
    model = EcosystemModel(config=compose_config([*BASE, "policy=digital_subsidy"]))
    model.step()
    before = [p.name for p in model.processes]
    with pytest.raises(ConfigError) as caught:
        model.add_instrument(name, params)
    for text in must_mention:
        assert text in str(caught.value)
    assert [p.name for p in model.processes] == before  # nothing half-added


def test_an_unfunded_instrument_switched_on_changes_nothing() -> None:
    _, plain = run(None, budget=0.0)
    _, switched = run({"digital_subsidy": {}}, budget=0.0)
    np.testing.assert_array_equal(switched.to_numpy(), plain.to_numpy())
