"""Chain-leader programmes (issue 9) and the ``chain_leader_system`` instrument (issue 10).

Directions are averaged over ``SEEDS`` and, against the baseline, paired on the same seeds
(common random numbers); invariants hold in every run. The effect sizes are findings, not
targets.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from abm.config.compose import compose_config
from abm.core.calendar import TICKS_PER_YEAR
from abm.model import EcosystemModel
from abm.programmes.designation import designation_score, top_per_chain, tree_depth

BASE = ("network.n_firms=300", "scenario=none", "ticks=130")
SEEDS = range(8)
PROGRAMME = ("programmes.chain_leaders.enabled=true",)
INSTRUMENT = ("policy=chain_leader_system", "policy.budget_per_year=1e9")


@functools.cache
def run(extra: tuple[str, ...], seed: int) -> EcosystemModel:
    """A finished run of ``BASE`` plus ``extra`` (cached: the tests share runs)."""
    model = EcosystemModel(config=compose_config([*BASE, *extra]), seed=seed)
    model.run()
    return model


def sme_log_tech(model: EcosystemModel) -> np.ndarray:
    return model.behaviour.publish("log_technology")


def test_designation_picks_top_scores_per_chain_and_trees_are_nested() -> None:
    model = EcosystemModel(config=compose_config(list(BASE)), seed=3)
    world, firms = model.world, model.firms
    score = designation_score(world, (1.0, 1.0, 1.0))
    assemblers = firms.alive & (firms.tier == firms.tier.max())
    chosen = top_per_chain(score, firms.chain, assemblers, 3)
    for c in np.unique(firms.chain):
        in_chain = (firms.chain == c) & assemblers
        assert chosen[in_chain].sum() == 3
        assert score[chosen & in_chain].min() >= score[~chosen & in_chain].max()
    depth = tree_depth(world, chosen)
    links = model.links
    # A depth-d firm supplies some firm at depth d-1 (or a designated firm for d = 1).
    for d in (1, 2, 3):
        buyers = links.buyer[depth[links.supplier] == d]
        assert (depth[buyers] == d - 1).any() if d > 1 else chosen[buyers].any()
    # The size-heavy default score picks the network's big assemblers.
    assert firms.chain_leader[chosen].mean() > 0.5


def test_programme_off_changes_nothing() -> None:
    """Switched off, the programme's parameters do not matter and nothing is built."""
    plain = run((), 0)
    tweaked = run(("programmes.chain_leaders.pace=5", "programmes.chain_leaders.backup_size=7"),
                  0)
    assert plain.programmes == [] and tweaked.programmes == []
    pd.testing.assert_frame_equal(plain.timeseries(), tweaked.timeseries())


def test_rollout_reaches_tier1_before_tier2_before_tier3() -> None:
    for seed in SEEDS:
        model = run(PROGRAMME, seed)
        out = model.firm_outcomes()
        ticks = [out[f"cl_rollout_tier{d}_tick"] for d in (1, 2, 3)]
        assert np.all(np.isfinite(ticks)) and ticks[0] < ticks[1] < ticks[2], (seed, ticks)
        ts = model.timeseries()
        assert (ts.loc[ts["step"] < ticks[1], "cl_connected_tier2"] == 0).all()
        assert (ts.loc[ts["step"] < ticks[2], "cl_connected_tier3"] == 0).all()
        assert ts["cl_connected_tier1"].iloc[-1] > 0


def test_development_payments_are_conserved() -> None:
    """What the leaders pay equals what their suppliers receive, tick by tick."""
    model = EcosystemModel(config=compose_config([*BASE, "ticks=40", *PROGRAMME]), seed=5)
    paid_by, paid_to = [], []
    for _ in range(40):
        model.step()
        other = model.last_ledger.other
        paid_by.append(other.get("chain_leader_development", 0.0))
        paid_to.append(-other.get("subsidy_chain_leader_development", 0.0))
    assert sum(paid_by) > 0
    np.testing.assert_allclose(paid_by, paid_to, rtol=1e-9, atol=1e-9)


def test_connected_links_have_shorter_order_lead_times() -> None:
    gap = []
    for seed in SEEDS:
        ts = run(PROGRAMME, seed).timeseries().iloc[TICKS_PER_YEAR // 2:]
        gap.append(ts["cl_order_lead_connected"].mean() - ts["cl_order_lead_other"].mean())
    assert np.mean(gap) < 0, gap


def test_connected_suppliers_end_with_higher_technology_than_without_the_programme() -> None:
    """Connected SMEs gain more technology than comparable non-connected SMEs (same tier,
    same run), and than the same firms gain without the programme (same seed)."""
    within, paired = [], []
    for seed in SEEDS:
        model, base = run(PROGRAMME, seed), run((), seed)
        within.append(model.firm_outcomes()["cl_connected_tech_gap"])
        firms = model.firms
        same = (firms.alive & base.firms.alive & (firms.entered_at == 0)
                & (base.firms.entered_at == 0) & ~firms.chain_leader)
        on = model.programmes[0].rollout.connected & same
        paired.append(float((sme_log_tech(model)[on] - sme_log_tech(base)[on]).mean()))
    assert np.mean(within) > 0, within
    assert np.mean(paired) > 0, paired


def test_instrument_raises_sme_technology_and_digital_adoption() -> None:
    tech, digital = [], []
    for seed in SEEDS:
        model, base = run(INSTRUMENT, seed), run((), seed)
        sme = model.firms.alive & ~model.firms.chain_leader
        sme_base = base.firms.alive & ~base.firms.chain_leader
        tech.append(sme_log_tech(model)[sme].mean() - sme_log_tech(base)[sme_base].mean())
        late = slice(-TICKS_PER_YEAR // 2, None)
        digital.append(model.timeseries()["digital_adoption_rate"].iloc[late].mean()
                       - base.timeseries()["digital_adoption_rate"].iloc[late].mean())
    assert np.mean(tech) > 0, tech
    assert np.mean(digital) > 0, digital


@pytest.mark.parametrize("budget", [0.0, 300.0])
def test_instrument_spending_never_exceeds_the_budget(budget: float) -> None:
    model = EcosystemModel(config=compose_config(
        [*BASE, "policy=chain_leader_system", f"policy.budget_per_year={budget}"]), seed=1)
    model.run()
    ts = model.timeseries()
    year = (ts["step"] - 1) // TICKS_PER_YEAR
    assert (ts.groupby(year)["subsidy_spent"].sum() <= budget + 1e-9).all()
    spent = model.firm_outcomes()["subsidy_spent_chain_leader_system"]
    assert spent <= budget * (ts["step"].iloc[-1] // TICKS_PER_YEAR + 1) + 1e-9
    if budget > 0:
        assert spent > 0.9 * budget  # the budget binds: development bills exceed it


def test_zero_budget_makes_the_paid_part_a_no_op() -> None:
    """With no budget the instrument runs as if it paid no subsidy at all."""
    short = [*BASE, "ticks=60", "policy=chain_leader_system"]
    unfunded = EcosystemModel(config=compose_config([*short, "policy.budget_per_year=0"]),
                              seed=2)
    unpaid = EcosystemModel(config=compose_config(
        [*short, "policy.budget_per_year=1e9",
         "policy.instruments.chain_leader_system.subsidy_share=0"]), seed=2)
    unfunded.run()
    unpaid.run()
    assert unfunded.timeseries()["subsidy_spent"].sum() == 0
    pd.testing.assert_frame_equal(unfunded.timeseries(), unpaid.timeseries())


def test_instrument_designates_masters_among_assemblers_and_leading_firms() -> None:
    model = run(INSTRUMENT, 0)
    role = model.programmes[0].role
    firms = model.firms
    for c in np.unique(firms.chain):
        in_chain = (firms.chain == c) & firms.alive
        assert (role[in_chain] == 2).sum() == 3
        assert (role[in_chain] == 1).sum() == 5
    assert (firms.tier[role == 2] == firms.tier.max()).all()


def test_buyers_switch_to_listed_backups_after_a_severe_disaster() -> None:
    """In a long total regional outage, list holders re-source from their backup lists; with
    no lists (``backup_size=0``) no switch is counted."""
    severe = ("network.n_firms=300", "ticks=70", "scenario=regional_disaster",
              "scenario.shocks.regional_disaster.onset=20",
              "scenario.shocks.regional_disaster.duration=26",
              "scenario.shocks.regional_disaster.magnitude=1.0")
    switched = []
    for seed in SEEDS:
        model = EcosystemModel(config=compose_config(
            [*severe, *INSTRUMENT]), seed=seed)
        model.run()
        switched.append(model.firm_outcomes()["cl_backup_switches_total"])
    assert np.mean(switched) > 0, switched
    none = EcosystemModel(config=compose_config(
        [*severe, *INSTRUMENT, "programmes.chain_leaders.backup_size=0"]),
        seed=0)
    none.run()
    assert none.firm_outcomes()["cl_backup_switches_total"] == 0
    assert not none.programmes[0].backups.has_list.any()
