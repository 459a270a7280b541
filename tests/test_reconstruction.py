"""Endogenous recovery (issue 9): rebuilding destroyed capacity takes money and time.

Directions are averaged over 8 seeds on the same seeds at a small size; the exogenous mode
must stay bit-identical to the engine before the change (reference digests).
"""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from reference_runs import DIGESTS, cases, digest

from abm.config.compose import compose_config
from abm.config.schema import ReconstructionConfig
from abm.model import EcosystemModel
from abm.shocks.reconstruction import Reconstruction

SEEDS = range(1, 9)
ENDOGENOUS = ("scenario=regional_disaster", "network.n_firms=300", "ticks=120",
              "scenario.shocks.regional_disaster.onset=40", "scenario.recovery_mode=endogenous")


def _firm_recovery(*overrides: str) -> float:
    base = compose_config([*ENDOGENOUS, *overrides])
    values = []
    for seed in SEEDS:
        model = EcosystemModel(config=replace(base, seed=seed))
        model.run()
        values.append(model.firm_outcomes()["firm_recovery_mean"])
    return float(np.mean(values))


def test_more_credit_shortens_firm_recovery() -> None:
    """A larger reconstruction loan lets damaged firms rebuild sooner."""
    assert (_firm_recovery("scenario.reconstruction.loan_weeks=16")
            < _firm_recovery("scenario.reconstruction.loan_weeks=2"))


def test_digital_maturity_speeds_rebuilding() -> None:
    """With rebuilding pace rising with maturity, firms recover sooner than when maturity
    plays no part in rebuilding (same firms, same maturity)."""
    assert (_firm_recovery("scenario.reconstruction.digital_speedup=2")
            < _firm_recovery("scenario.reconstruction.digital_speedup=0"))


def test_exogenous_mode_is_bit_identical_to_the_reference() -> None:
    """Naming the default mode explicitly changes nothing (digests of the engine before)."""
    stored = json.loads(DIGESTS.read_text())
    for name in ("regional_disaster-seed1", "compound-seed2"):
        assert digest([*cases()[name], "scenario.recovery_mode=exogenous"]) == stored[name]


def test_endogenous_mode_leaves_shocks_that_destroy_no_capacity_alone() -> None:
    """Pandemic outages destroy no capacity: endogenous mode gives the same bits."""
    stored = json.loads(DIGESTS.read_text())
    name = "pandemic-seed1"
    assert digest([*cases()[name], "scenario.recovery_mode=endogenous"]) == stored[name]


def _firms(n: int, cash: float) -> SimpleNamespace:
    return SimpleNamespace(alive=np.ones(n, dtype=bool), price=np.ones(n),
                           normal_output=np.full(n, 10.0), cash=np.full(n, cash),
                           platform=np.full(n, -1))


def test_rebuilding_is_paid_for_and_bounded_by_the_loan() -> None:
    """Damage never goes below 0, nothing is rebuilt before the site reopens, spending equals
    what was rebuilt at its unit cost, and the loan drawn stays within its limit."""
    cfg = ReconstructionConfig(cost_weeks=26.0, insured_share=0.5, loan_weeks=2.0,
                               platform_loan_weeks=0.0)
    rebuilt = Reconstruction(3, cfg)
    hit = np.array([True, True, False])
    rebuilt.destroy(hit, 0.8, until=5, recovery_ticks=8)
    firms = _firms(3, cash=0.0)
    unit_cost = cfg.cost_weeks * 10.0 * (1 - cfg.insured_share)
    before = rebuilt.damage.copy()
    rebuilt.rebuild(4, firms, None, None)
    assert (rebuilt.damage == before).all() and not rebuilt.spending.any()
    for tick in range(5, 60):
        before = rebuilt.damage.copy()
        rebuilt.rebuild(tick, firms, None, None)
        assert rebuilt.spending == pytest.approx((before - rebuilt.damage) * unit_cost)
        assert (rebuilt.damage >= 0).all()
        assert (rebuilt.drawn <= rebuilt.loan_limit + 1e-9).all()
    # Without cash the loan (2 weeks of revenue = 20) rebuilds 20 / 130 of capacity at most.
    assert rebuilt.damage[0] == pytest.approx(0.8 - 20.0 / unit_cost)
    assert rebuilt.damage[2] == 0.0


def test_subsidy_share_lets_the_same_money_rebuild_more() -> None:
    """A policy paying half the cost (InvestmentLevers cost share ``rebuild``) doubles what
    the firm's own money rebuilds."""
    cfg = ReconstructionConfig(loan_weeks=2.0, platform_loan_weeks=0.0)
    plain, subsidised = Reconstruction(1, cfg), Reconstruction(1, cfg)
    for rebuilt, share in ((plain, None), (subsidised, np.array([0.5]))):
        rebuilt.destroy(np.array([True]), 0.9, until=0, recovery_ticks=1)
        rebuilt.rebuild(0, _firms(1, cash=0.0), None, share)
    assert 0.9 - subsidised.damage[0] == pytest.approx(2 * (0.9 - plain.damage[0]))
