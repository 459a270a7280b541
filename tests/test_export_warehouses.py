"""Overseas warehouses as forward buffers for members' exports (issue 9, ODD 7.13).

A chokepoint lengthens the export route by ``E`` ticks; a member whose forward stock covers
``C`` weeks delivers after ``nominal + max(0, E - C)`` ticks. Directions over the same 8 seeds
(common random numbers) on a small economy, the pipeline rule on hand-made numbers, and the
goods balance of the final-market routes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from abm.config.compose import compose_config
from abm.config.schema import SimulationConfig
from abm.market.logistics import MARKET_EXPORT, Pipeline, ship_exports
from abm.metrics.resilience import summarise
from abm.model import EcosystemModel

SEEDS = range(8)
BASE = ("network.n_firms=100", "twin=false", "output.plot=false", "output.progress=false",
        "ticks=45", "platforms.membership_rate=0.3", "platforms.review_ticks=0",
        "scenario=logistics_chokepoint", "scenario.shocks.logistics_chokepoint.onset=15")


def _run(config: SimulationConfig, seed: int, weeks: float
         ) -> tuple[EcosystemModel, dict[str, float], float]:
    """Run one seed with ``warehouse_weeks``; return the model, its summary and the goods on
    the final-market routes at the start."""
    config = replace(config, seed=seed,
                     platforms=replace(config.platforms, warehouse_weeks=weeks))
    model = EcosystemModel(config=config)
    at_start = float(model.pipeline.market.sum())
    model.run()
    summary = summarise(model.timeseries(), None, model.shock_window, config.metrics,
                        model.firm_outcomes())
    return model, summary, at_start


def test_warehouses_cut_members_export_losses_in_a_chokepoint() -> None:
    """Members lose on-time export deliveries in a chokepoint without warehouses; with 4 weeks
    of forward stock (the scenario adds 2 ticks) they lose less on every seed, and the
    economy's resilience loss is not higher on average. Final goods are conserved on the
    market routes: what was on the way at the start plus every final sale equals what
    reached customers plus what is still on the way."""
    config = compose_config(list(BASE))
    member_gain, system_gain = [], []
    for seed in SEEDS:
        runs = {}
        for weeks in (0.0, 4.0):
            model, summary, at_start = _run(config, seed, weeks)
            run = model.timeseries()
            on_the_way = float(model.pipeline.market.sum())
            assert model.pipeline.market[:, MARKET_EXPORT].min() > -1e-9
            np.testing.assert_allclose(at_start + run["final_sales"].sum(),
                                       run["delivered"].sum() + on_the_way, rtol=1e-10)
            runs[weeks] = summary
        without, with_ = runs[0.0], runs[4.0]
        assert without["export_loss_members"] > 0.5  # the chokepoint does hurt members
        assert with_["export_loss_members"] < without["export_loss_members"]
        member_gain.append(without["export_loss_members"] - with_["export_loss_members"])
        system_gain.append(without["resilience_loss"] - with_["resilience_loss"])
    assert np.mean(member_gain) > 0.5
    assert np.mean(system_gain) >= 0.0


def test_cover_shortens_each_firms_export_lead_and_conserves_goods() -> None:
    """Nominal lead 5, a chokepoint adds 2: covers of 0, 1 and 4 weeks give leads 7, 6, 5;
    the route's total is unchanged and the tracked firms' record matches their sales."""
    pipeline = Pipeline(12, np.zeros(1), np.ones(1, dtype=int), np.zeros(2), np.array([1, 5]))
    sales = np.array([1.0, 2.0, 4.0])
    pipeline.ship_to_market(0, np.array([0.0, sales.sum()]), np.array([0.0, 8.0]),
                            np.array([1, 7]), np.array([1, 5]))
    ship_exports(pipeline, 0, sales, np.array([1.0, 3.0, 4.0]), np.array([0.0, 1.0, 4.0]),
                 np.array([False, True, True]), lead_now=7, lead_nominal=5)
    assert pipeline.market[[5, 6, 7], MARKET_EXPORT].tolist() == [4.0, 2.0, 1.0]
    assert pipeline.tracked_arrivals(5) == (4.0, 7.0)  # due: members' demand 3 + 4
    assert pipeline.tracked_arrivals(6) == (2.0, 0.0)
    assert pipeline.tracked_arrivals(7) == (0.0, 0.0)
    assert pipeline.market_arrivals(5) == (4.0, 8.0)


def test_without_a_chokepoint_cover_changes_nothing() -> None:
    """With no extra delay every firm's export lead is the route's, cover or not."""
    pipeline = Pipeline(12, np.zeros(1), np.ones(1, dtype=int), np.zeros(2), np.array([1, 5]))
    pipeline.ship_to_market(0, np.array([0.0, 3.0]), np.array([0.0, 3.0]), np.array([1, 5]),
                            np.array([1, 5]))
    before = pipeline.market.copy()
    ship_exports(pipeline, 0, np.array([1.0, 2.0]), np.array([1.0, 2.0]), np.array([4.0, 4.0]),
                 None, lead_now=5, lead_nominal=5)
    assert np.array_equal(pipeline.market, before)
