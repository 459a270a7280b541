"""Early warning, resource re-dispatch and chain building (issue 10): their direction in a
regional disaster, averaged over seeds and paired with the baseline on the same seeds; the
budget caps them in every year; a zero budget makes them no-ops; they compose; and
``cost_effectiveness`` is loss avoided per million spent.

Findings, not targets: a direction that does not hold is reported, never tuned away.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from abm.api import PER_SPENT, simulate
from abm.config.compose import compose_config
from abm.core.calendar import TICKS_PER_YEAR
from abm.model import EcosystemModel
from abm.policies.chain_building import niche_of, thin_niches
from abm.policies.spare_capacity import fitting_links, product_group

SEEDS = range(8)
BUDGET = 100_000.0  # per year; about 1.5% of the small network's yearly value added
# A 300-firm network, the default regional disaster moved to week 52 (a year of history
# before it, a year after it).
SMALL = ["network.n_firms=300", "ticks=104"]
BASE = [*SMALL, "scenario=regional_disaster", "scenario.shocks.regional_disaster.onset=52"]


def _summaries(policy: str, *overrides: str) -> pd.DataFrame:
    """Summaries of the policy runs (each with its paired baseline), one row per seed."""
    return pd.DataFrame([
        simulate([*BASE, f"seed={seed}", f"policy={policy}", f"policy.budget_per_year={BUDGET}",
                  *overrides]).summary for seed in SEEDS])


def _interval(values: pd.Series) -> str:
    """Mean and a normal 95% interval, for failure messages."""
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))
    return f"mean {values.mean():.3f} [{values.mean() - half:.3f}, {values.mean() + half:.3f}]"


# Issue 10 / session 15: on the corrected engine (arrears in the input plan, ODD 7.2; piled
# orders moved back on return, 7.6) the default six-week disaster shows no robust direction:
# early warning -0.044 [-0.165, 0.078], re-dispatch -0.016 [-0.055, 0.023] ticks of loss
# avoided over these 8 seeds; at 1,000 firms over 20 seeds median +0.008 / +0.026 with 9 / 6
# runs worse than the baseline (ODD 7.11). A finding, not a tuning target. Strict: the runs
# are deterministic, so a pass means the finding changed and the ODD must say so. Where the
# disaster outlasts the stocks (the tests below) both instruments reduce the loss.
DEFAULT_DISASTER_UNCLEAR = pytest.mark.xfail(
    strict=True, reason="issue 10 finding: no robust direction in the default disaster "
    "(ODD 7.11)")


@DEFAULT_DISASTER_UNCLEAR
def test_early_warning_reduces_resilience_loss() -> None:
    runs = _summaries("early_warning")
    assert (runs["subsidy_spent"] > 0).all()
    assert (runs["early_warning_alerts"] > 0).all()
    avoided = runs["resilience_loss_avoided"]
    assert avoided.mean() > 0, f"resilience loss avoided: {_interval(avoided)}"


# A disaster that outlasts the stocks: region 0 down for half a year from week 26 (a smaller,
# shorter run: the effect is large).
LONG = ["network.n_firms=200", "ticks=78", "scenario=regional_disaster",
        "scenario.shocks.regional_disaster.onset=26",
        "scenario.shocks.regional_disaster.duration=26"]


def _long(*policy: str) -> pd.DataFrame:
    return pd.DataFrame([simulate([*LONG, f"seed={seed}", *policy,
                                   f"policy.budget_per_year={BUDGET}"]).summary
                         for seed in SEEDS])


def test_early_resourcing_reduces_resilience_loss_when_the_disaster_outlasts_stocks() -> None:
    runs = _long("policy=early_warning", "policy.instruments.early_warning.response=resource")
    assert (runs["early_warning_searches"] > 0).all()
    avoided = runs["resilience_loss_avoided"]
    assert avoided.mean() > 0, f"resilience loss avoided: {_interval(avoided)}"


def test_resource_dispatch_reduces_resilience_loss_when_the_disaster_outlasts_stocks() -> None:
    runs = _long("policy=resource_dispatch")
    assert (runs["resource_dispatch_started"] > 0).all()
    avoided = runs["resilience_loss_avoided"]
    assert avoided.mean() > 0, f"resilience loss avoided: {_interval(avoided)}"


def test_alert_searches_fit_in_the_spare_capacity() -> None:
    """The alert sends buyers to search only as far as the other suppliers' idle plant can
    carry them: per product group the cumulated expected volume stays within the room, and
    the first link left out would not have fitted."""
    model = EcosystemModel(config=compose_config([*BASE, "seed=0"]))
    firms, links = model.firms, model.links
    rows = np.flatnonzero(links.active)
    group = product_group(firms)[links.supplier]
    volume = links.share * firms.input_coef[links.buyer, links.slot] * firms.forecast[links.buyer]
    total = np.bincount(group[rows], weights=volume[rows])
    room = 0.3 * total  # room for about a third of each group's links
    chosen = fitting_links(firms, links, rows, room)
    assert 0 < len(chosen) < len(rows)
    taken = np.bincount(group[chosen], weights=volume[chosen], minlength=len(room))
    assert (taken <= room + 1e-9).all()
    left = np.setdiff1d(rows, chosen)
    first_left = left[np.unique(group[left], return_index=True)[1]]  # per group, in row order
    assert (taken[group[first_left]] + volume[first_left] > room[group[first_left]]).all()


def test_early_warning_stock_building_reduces_resilience_loss() -> None:
    runs = _summaries("early_warning", "policy.instruments.early_warning.response=stock")
    assert (runs["early_warning_alerts"] > 0).all()
    avoided = runs["resilience_loss_avoided"]
    assert avoided.mean() > 0, f"resilience loss avoided: {_interval(avoided)}"


@DEFAULT_DISASTER_UNCLEAR
def test_resource_dispatch_reduces_resilience_loss() -> None:
    """In the default disaster buyers never search on their own (stocks keep fill-rate
    averages above the switch threshold): the platform acts on delayed orders. A small effect
    (session 14: -0.011 +- 0.016 ticks, 5 of 8 seeds better); the long-disaster test below is
    the robust one."""
    runs = _summaries("resource_dispatch")
    assert (runs["resource_dispatch_started"] > 0).all()
    avoided = runs["resilience_loss_avoided"]
    assert avoided.mean() > 0, f"resilience loss avoided: {_interval(avoided)}"


# Chain building needs exits: the embargo empties rows across niches (the regional disaster
# leaves every niche above thin_share=0.5 of its rows). A niche missing more than a tenth of
# its firms counts as thin here, so that promoted rows exist on every seed. Since the
# going-concern exit test (issue 8) embargoed suppliers survive, so these tests use the
# patience-only exit rule (finance.max_debt_years=0) to have exits to fill and re-match.
THIN = ["scenario=key_input_embargo", "scenario.shocks.key_input_embargo.onset=52",
        "finance.max_debt_years=0"]
THIN_SHARE = 0.9


def _thin_entries(seed: int, *policy: str) -> tuple[int, int]:
    """(entrants into vacant rows of thin niches, all entrants) over one run."""
    config = compose_config([*SMALL, *THIN, f"seed={seed}", *policy,
                             f"policy.budget_per_year={BUDGET}"])
    model = EcosystemModel(config=config)
    niche = niche_of(model.firms)
    thin_rows, total = 0, 0
    for _ in range(config.ticks):
        thin, _ = thin_niches(model.firms, model.links, niche, THIN_SHARE, backlog_weeks=4.0)
        vacant_thin = ~model.firms.alive & thin[niche]
        model.step()
        entered = model.firms.alive & (model.firms.entered_at == model.steps)
        thin_rows += int((entered & vacant_thin).sum())
        total += int(entered.sum())
    return thin_rows, total


def test_chain_building_raises_entries_into_thin_niches() -> None:
    policy = np.array([_thin_entries(
        s, "policy=chain_building", f"policy.instruments.chain_building.thin_share={THIN_SHARE}")
        for s in SEEDS])
    baseline = np.array([_thin_entries(s) for s in SEEDS])
    assert policy[:, 0].sum() > baseline[:, 0].sum(), (policy.tolist(), baseline.tolist())


def test_resource_dispatch_replaces_failed_suppliers_faster() -> None:
    """Where buyers do search (the embargo makes suppliers exit), the platform's re-matches are
    faster than the market's: mean ticks from failure to replacement fall."""
    def agility(*policy: str) -> np.ndarray:
        return np.array([simulate([*SMALL, *THIN, f"seed={s}", *policy, "twin=false",
                                   f"policy.budget_per_year={BUDGET}"]).summary[
            "digital_agility"] for s in SEEDS])

    dispatched = agility("policy=resource_dispatch", "metrics.policy_baseline=false")
    baseline = agility()
    assert np.nanmean(dispatched - baseline) < 0, (dispatched.tolist(), baseline.tolist())


def test_spending_never_exceeds_the_budget_in_any_year() -> None:
    budget = 3_000.0  # binds: the instruments would spend more
    config = compose_config([*BASE, "seed=1", "policy=[early_warning,resource_dispatch,"
                             "chain_building]", f"policy.budget_per_year={budget}"])
    model = EcosystemModel(config=config)
    model.run()
    spent = model.timeseries().set_index("step")["subsidy_spent"]
    year = (spent.index - 1) // TICKS_PER_YEAR  # tick 0 opens year 0 (the first step is 1)
    by_year = spent.groupby(year).sum()
    assert (by_year <= budget + 1e-9).all(), by_year
    assert by_year.max() == pytest.approx(budget)  # it binds, so the test means something
    assert sum(model.regulator.budget.by_instrument.values()) == pytest.approx(spent.sum())


def test_zero_budget_makes_the_instruments_no_ops() -> None:
    def run(policy: str) -> EcosystemModel:
        config = compose_config([*BASE, "seed=2", f"policy={policy}",
                                 "policy.budget_per_year=0"])
        model = EcosystemModel(config=config)
        model.run()
        return model

    baseline = run("baseline")
    unfunded = run("[early_warning,resource_dispatch,chain_building]")
    pd.testing.assert_frame_equal(unfunded.timeseries(), baseline.timeseries(), check_exact=True)
    for name in ("cash", "capacity", "alive", "input_inventory"):
        np.testing.assert_array_equal(getattr(unfunded.firms, name),
                                      getattr(baseline.firms, name))
    assert unfunded.regulator.spent_total == 0.0


def test_instruments_compose_and_cost_effectiveness_is_loss_avoided_per_million() -> None:
    result = simulate([*BASE, "seed=3", "policy=[early_warning,resource_dispatch]",
                       f"policy.budget_per_year={BUDGET}"])
    summary = result.summary
    assert set(result.config.policy.instruments) == {"early_warning", "resource_dispatch"}
    assert summary["early_warning_alerts"] > 0 and summary["resource_dispatch_served"] > 0
    assert summary["subsidy_spent"] > 0
    assert math.isfinite(summary["cost_effectiveness"])
    assert summary["cost_effectiveness"] == pytest.approx(
        summary["resilience_loss_avoided"] / (summary["subsidy_spent"] / PER_SPENT))
    # The reference is the shocked baseline on the same seed and network.
    config = compose_config([*BASE, "seed=3"])
    baseline = simulate(replace(config, policy=replace(config.policy,
                                                       budget_per_year=BUDGET))).summary
    assert summary["resilience_loss_avoided"] == pytest.approx(
        baseline["resilience_loss"] - summary["resilience_loss"])
    assert baseline["resilience_loss_avoided"] == 0.0
    assert math.isnan(baseline["cost_effectiveness"])  # nothing spent: undefined
