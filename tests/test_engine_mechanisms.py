"""Directions of the engine's mechanisms, each averaged over seeds (common random numbers)."""

from __future__ import annotations

import pytest
from sim_support import SMALL, mean_metric

from abm import simulate

DISASTER = "scenario.shocks.regional_disaster"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("key", "small", "large"), [("magnitude", "0.4", "0.8"),
                                                     ("duration", "3", "10")])
def test_larger_or_longer_shock_loses_more(key: str, small: str, large: str) -> None:
    weak = mean_metric([*SMALL, f"{DISASTER}.{key}={small}"], "resilience_loss")
    strong = mean_metric([*SMALL, f"{DISASTER}.{key}={large}"], "resilience_loss")
    assert strong > weak


def test_more_safety_stock_gives_more_resistance() -> None:
    # Input buffers protect against disruption of suppliers, so the disaster hits the tiers
    # below assembly (an assembler's own lost capacity no input stock can replace).
    upstream = [*SMALL, f"{DISASTER}.scope.tiers=[0,1,2]"]
    thin = mean_metric([*upstream, "market.safety_stock_weeks=0.5"], "resistance")
    thick = mean_metric([*upstream, "market.safety_stock_weeks=3"], "resistance")
    assert thick > thin


def test_buffers_cost_money_in_normal_times() -> None:
    calm = ["scenario=none", "network.n_firms=600", "ticks=104"]
    lean = mean_metric([*calm, "market.safety_stock_weeks=0.5"], "sme_mean_margin", range(2))
    buffered = mean_metric([*calm, "market.safety_stock_weeks=6"], "sme_mean_margin", range(2))
    assert buffered < lean


def test_concentrated_sourcing_loses_more_in_a_regional_disaster() -> None:
    single = [*SMALL, "network.suppliers_per_input=1"]
    spread = [*SMALL, "network.suppliers_per_input=3"]
    assert mean_metric(single, "supplier_hhi") > mean_metric(spread, "supplier_hhi")
    assert mean_metric(single, "resilience_loss") > mean_metric(spread, "resilience_loss")


@pytest.mark.parametrize("change", ["market.lead_time_local=3", "market.forecast_noise=0.15"])
def test_bullwhip_grows_upstream_and_with_lead_time_or_forecast_noise(change: str) -> None:
    calm = ["scenario=none", "network.n_firms=800", "ticks=208"]
    seeds = range(3)
    base = [simulate([*calm, f"seed={s}"]).summary for s in seeds]
    for summary in base:
        assert summary["bullwhip_tier2"] > 1.0
        assert summary["bullwhip_tier0"] > summary["bullwhip_tier1"] > summary["bullwhip_tier2"]
    before = sum(s["bullwhip_ratio"] for s in base) / len(base)
    after = mean_metric([*calm, change], "bullwhip_ratio", seeds)
    assert after > before
