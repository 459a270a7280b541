"""Invariants of the engine: stationarity, conservation of goods, the cash identity."""

from __future__ import annotations

import numpy as np
import pytest

from abm.config.compose import compose_config
from abm.model import EcosystemModel

NO_NOISE = ("market.demand_noise_common=0", "market.demand_noise_idiosyncratic=0")
# Firm behaviour (learning, investment) moves the economy on purpose; the engine alone must not.
ENGINE_ONLY = "behaviour.enabled=false"


def test_noise_free_run_without_shocks_is_exactly_stationary() -> None:
    # Platform membership reviews move the economy on purpose: membership fixed here. Members'
    # faster sea links (overseas warehouses) move input stocks once, within the first sea lead
    # time, to a new constant level (+2.9% at 400 firms): nominal links here.
    model = EcosystemModel(config=compose_config(["scenario=none", "ticks=120", ENGINE_ONLY,
                                                  "platforms.review_ticks=0",
                                                  "platforms.member_sea_lead_factor=1",
                                                  *NO_NOISE]))
    model.run()
    series = model.timeseries()
    for column in ("performance", "production", "value_added", "orders_tier0",
                   "inventory_inputs", "inventory_finished", "in_transit", "cash_total"):
        values = series[column].to_numpy()
        assert np.allclose(values, values[0], rtol=1e-9), column
    assert series["performance"].iloc[0] == pytest.approx(1.0)
    assert series[["exits", "links_rewired", "searches_started"]].to_numpy().sum() == 0


def test_noisy_run_without_shocks_stays_in_a_stationary_state() -> None:
    model = EcosystemModel(config=compose_config(["scenario=none", "ticks=260", ENGINE_ONLY]))
    model.run()
    series = model.timeseries()
    first, second = series.iloc[26:143], series.iloc[143:]
    for column in ("production", "inventory_inputs", "cash_total", "firms_alive"):
        assert second[column].mean() == pytest.approx(first[column].mean(), rel=0.03), column
    assert series["performance"].mean() > 0.99
    assert series["exits"].sum() == 0


def _stock(model: EcosystemModel) -> float:
    firms = model.firms
    return float(firms.finished_goods.sum() + firms.input_inventory.sum()
                 + model.pipeline.in_transit())


@pytest.mark.parametrize("scenario", ["regional_disaster", "pandemic", "key_input_embargo"])
def test_goods_are_conserved_and_never_negative(scenario: str) -> None:
    config = compose_config([f"scenario={scenario}", "network.n_firms=600", "ticks=130",
                             f"scenario.shocks.{scenario}.onset=40"])
    model = EcosystemModel(config=config)
    firms, links = model.firms, model.links
    for _ in range(config.ticks):
        before = _stock(model)
        finished_before = firms.finished_goods.copy()
        # Production uses the capacity of the tick's start (it is adjusted in phase 10), the
        # availability the scenario set in phase 2, and the firms alive before phase 11.
        capacity, alive = firms.capacity.copy(), firms.alive.copy()
        model.step()
        usable = capacity * firms.availability * alive
        row = model.timeseries().iloc[-1]
        consumed = float((firms.input_coef * firms.produced[:, None]).sum())
        # Stock change = made - used as input - sold to final customers - written off.
        expected = before + firms.produced.sum() - consumed - firms.final_sales.sum()
        assert _stock(model) == pytest.approx(expected - row["written_off"], rel=1e-9, abs=1e-6)
        assert np.all(firms.produced <= usable * (1 + 1e-12) + 1e-9)
        assert np.all(firms.shipped <= finished_before + firms.produced + 1e-9)
        for name, values in (("finished_goods", firms.finished_goods),
                             ("input_inventory", firms.input_inventory),
                             ("on_order", firms.on_order), ("backlog", links.backlog),
                             ("in_transit", model.pipeline.links)):
            assert values.min() >= 0.0, name


def test_cash_identity_holds_every_tick() -> None:
    # No entry: entrants bring new capital, which the identity below does not include.
    config = compose_config(["network.n_firms=600", "ticks=140", "finance.entry_rate=0",
                             "scenario.shocks.regional_disaster.onset=40",
                             "scenario.shocks.regional_disaster.duration=12"])
    model = EcosystemModel(config=config)
    for _ in range(config.ticks):
        cash_before = model.firms.cash.sum()
        model.step()
        ledger = model.last_ledger
        assert ledger is not None
        outflows = (ledger.labour + ledger.fixed + ledger.holding + ledger.platform_fees
                    + ledger.interest + ledger.payouts + sum(ledger.other.values()))
        # Payments between firms cancel: the economy's cash changes by final revenue - costs.
        assert model.firms.cash.sum() - cash_before == pytest.approx(
            ledger.final_revenue - outflows, rel=1e-9, abs=1e-6)
