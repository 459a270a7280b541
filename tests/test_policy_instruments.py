"""A policy instrument is one module and one config file: it acts through a lever, pays from
the regulator's yearly budget (never more), and instruments compose (``policy=[a,b]``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from abm.config.compose import compose_config, config_dir
from abm.config.fields import param
from abm.config.validate import validate_config
from abm.core.errors import ConfigError
from abm.core.levers import AccountLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.model import EcosystemModel
from abm.policies import Instrument

BASE = ["network.n_firms=300", "scenario=none", "ticks=60", "behaviour.enabled=false"]


class CashGrant(Instrument):
    """Test instrument: every alive SME gets ``per_firm`` each tick, as far as the budget goes."""

    name = "cash_grant"

    @dataclass
    class Params:
        per_firm: float = param(1.0, low=0.0, unit="currency/tick", meaning="grant per SME",
                                source="test")

    params_type = Params

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        firms = world.firms
        eligible = (firms.alive & ~firms.chain_leader).astype(float)
        wanted = self.params.per_firm * eligible
        granted = self.budget.request(self.name, float(wanted.sum()))
        share = granted / wanted.sum() if wanted.sum() > 0 else 0.0
        return levers.with_subsidy(self.name, wanted * share)


class Nudge(Instrument):
    """Second test instrument, free of charge: lowers every firm's interest rate to zero."""

    name = "nudge"
    params_type = Instrument.Params

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        return replace(levers, interest_rate=np.zeros(world.firms.n))


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    INSTRUMENTS.register("cash_grant")(CashGrant)
    INSTRUMENTS.register("nudge")(Nudge)
    yield
    INSTRUMENTS.unregister("cash_grant")
    INSTRUMENTS.unregister("nudge")


def _model(budget: float, instruments: dict) -> EcosystemModel:
    config = compose_config(BASE)
    config = validate_config(replace(config, policy=replace(
        config.policy, budget_per_year=budget, instruments=instruments)))
    model = EcosystemModel(config=config)
    model.run()
    return model


def test_instrument_acts_through_a_lever_and_is_paid_from_the_budget() -> None:
    baseline = _model(1e9, {})
    granted = _model(1e9, {"cash_grant": {"per_firm": 2.0}})
    series = granted.timeseries()
    smes = (~granted.firms.chain_leader).sum()
    # Enough budget: every SME gets its grant every tick, and the accounts book it.
    assert series["subsidy_spent"].iloc[0] == pytest.approx(2.0 * smes)
    assert granted.last_ledger.other["subsidy_cash_grant"] == pytest.approx(
        -series["subsidy_spent"].iloc[-1])
    assert granted.regulator.spent_total == pytest.approx(series["subsidy_spent"].sum())
    # The subsidy reaches the firms: SME cash plus pay-outs exceed the baseline's.
    assert (granted.firms.cash.sum() + series["payouts"].sum()
            > baseline.firms.cash.sum() + baseline.timeseries()["payouts"].sum())
    assert baseline.timeseries()["subsidy_spent"].eq(0).all()


def test_spending_never_exceeds_the_yearly_budget() -> None:
    smes = 300  # an upper bound on the SMEs of a 300-firm network
    budget = 10 * smes  # about five weeks of grants a year
    model = _model(budget, {"cash_grant": {"per_firm": 2.0}})
    spent = model.timeseries().set_index("step")["subsidy_spent"]
    first_year = spent.loc[1:52]
    assert first_year.sum() == pytest.approx(budget)  # used up, and not a unit more
    assert (spent.loc[1:52].iloc[10:] == 0).all()  # then nothing until the next year
    assert spent.loc[53] > 0  # a new year's allowance


def test_unknown_instrument_and_bad_parameters_are_refused() -> None:
    config = compose_config(BASE)
    with pytest.raises(ConfigError, match=r"policy\.instruments\.lottery"):
        validate_config(replace(config, policy=replace(config.policy,
                                                        instruments={"lottery": {}})))
    with pytest.raises(ConfigError, match=r"per_firm.*finite"):
        validate_config(replace(config, policy=replace(
            config.policy, instruments={"cash_grant": {"per_firm": float("nan")}})))


def test_policy_files_compose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = tmp_path / "conf"
    shutil.copytree(config_dir(), conf)
    (conf / "policy" / "cash_grant.yaml").write_text(
        "budget_per_year: 500.0\ninstruments:\n  cash_grant: {per_firm: 3.0}\n")
    (conf / "policy" / "nudge.yaml").write_text("instruments:\n  nudge: {}\n")
    monkeypatch.setenv("ECOSIM_CONFIG_DIR", str(conf))
    assert compose_config(["policy=baseline"]).policy.instruments == {}
    one = compose_config(["policy=cash_grant"]).policy
    assert list(one.instruments) == ["cash_grant"] and one.instruments["cash_grant"].per_firm == 3
    both = compose_config(["policy=[cash_grant,nudge]"]).policy
    assert sorted(both.instruments) == ["cash_grant", "nudge"]
    assert both.budget_per_year == 500.0


def test_every_shipped_instrument_runs_in_one_mix_with_acting_platforms() -> None:
    """All shipped instruments at once, with acting platforms, through a shock: every hook of
    every process is called (a process attribute that shadows a hook, e.g. ``sales``, fails
    here), and the yearly budget still holds."""
    shipped = sorted(p.stem for p in config_dir().joinpath("policy").glob("*.yaml")
                     if p.stem != "baseline")
    assert len(shipped) >= 8
    budget = 20_000.0
    config = compose_config([
        f"policy=[{','.join(shipped)}]", f"policy.budget_per_year={budget}",
        "platforms.acting=true", "network.n_firms=250", "ticks=70", "seed=5",
        "scenario.shocks.regional_disaster.onset=20"])
    model = EcosystemModel(config=config)
    model.run()
    spent = model.timeseries()["subsidy_spent"].to_numpy()
    by_year = np.add.reduceat(spent, np.arange(0, len(spent), 52))
    assert (by_year <= budget * (1 + 1e-9)).all()
