"""Trust building (asymmetric updating, priors, forgiveness, switching), resource empowerment
(credit by rating and size, chain-leader backing) and the investment rule."""

from __future__ import annotations

import numpy as np

from abm.behaviour import investment, trust
from abm.behaviour.finance import credit_terms
from abm.config.compose import compose_config
from abm.config.schema import CreditConfig, FinanceConfig, InvestmentConfig, TrustConfig
from abm.model import EcosystemModel


def test_trust_falls_faster_after_failures_than_it_rises_after_successes() -> None:
    cfg = TrustConfig()
    start = np.full(4, 0.6)
    for gap in (0.1, 0.3, 0.5):
        worse, better = start.copy(), start.copy()
        trust.update_trust(worse, start - gap, None, cfg)
        trust.update_trust(better, np.minimum(start + gap, 1.0), None, cfg)
        assert (start - worse)[0] > (better - start)[0]
    # The same number of failed and perfect deliveries leaves trust lower than it was.
    level = np.array([0.8])
    for fill in [0.2] * 5 + [1.0] * 5:
        trust.update_trust(level, np.array([fill]), None, cfg)
    assert level[0] < 0.8


def test_ticks_with_nothing_owed_leave_trust_unchanged() -> None:
    level = np.array([0.4, 0.7])
    trust.update_trust(level, np.array([np.nan, np.nan]), None, TrustConfig())
    assert np.array_equal(level, [0.4, 0.7])


def test_in_a_shock_trust_drops_faster_than_it_recovers() -> None:
    model = EcosystemModel(config=compose_config([
        "network.n_firms=600", "ticks=150", "seed=2",
        "scenario.shocks.regional_disaster.onset=40"]))
    hit_links, levels = None, []
    for _ in range(model.config.ticks):
        model.step()
        if hit_links is None and model.steps >= 40:
            hit = model.firms.availability < 1.0
            hit_links = np.flatnonzero(hit[model.links.supplier] & model.links.active)
        if hit_links is not None:
            levels.append(model.behaviour.trust.state.trust[hit_links].mean())
    levels = np.asarray(levels)
    trough = int(np.argmin(levels))
    fall = (levels[0] - levels[trough]) / max(trough, 1)
    recovered = levels[trough:]
    # Rise per tick from the trough over as many ticks as the fall took.
    span = min(len(recovered) - 1, max(trough, 1))
    rise = (recovered[span] - recovered[0]) / span
    assert fall > rise > 0


def test_reputable_suppliers_are_forgiven_and_get_a_higher_prior() -> None:
    cfg = TrustConfig()
    prior = trust.prior(np.array([0.2, 0.8]), np.array([0.2, 0.8]), cfg)
    assert prior[1] > prior[0]
    start = np.full(2, 0.8)
    after = start.copy()
    forgive = cfg.forgiveness * np.array([0.2, 0.8])  # a recognised shock at both suppliers
    trust.update_trust(after, np.zeros(2), forgive, cfg)
    assert after[1] > after[0]
    low_trust = trust.switch_threshold(np.array([0.3, 0.9]), 0.3, cfg)
    assert low_trust[0] > low_trust[1]
    assert trust.switch_threshold(np.array([0.1]), 0.3, cfg)[0] > 1.0  # distrust: search now


def test_credit_rises_and_rates_fall_with_rating_and_size() -> None:
    model = EcosystemModel(config=compose_config(["network.n_firms=400", "scenario=none"]))
    firms, links = model.firms, model.links
    live = np.ones(links.n, dtype=bool)
    no_trust = np.zeros(links.n)
    low = credit_terms(firms, links, live, np.full(firms.n, 0.3), no_trust,
                       np.ones(firms.n), FinanceConfig(), CreditConfig())
    high = credit_terms(firms, links, live, np.full(firms.n, 0.7), no_trust,
                        np.ones(firms.n), FinanceConfig(), CreditConfig())
    assert np.all(high.line > low.line) and np.all(high.rate < low.rate)
    small = credit_terms(firms, links, live, np.full(firms.n, 0.5), no_trust,
                         np.full(firms.n, 0.5), FinanceConfig(), CreditConfig())
    large = credit_terms(firms, links, live, np.full(firms.n, 0.5), no_trust,
                         np.full(firms.n, 2.0), FinanceConfig(), CreditConfig())
    assert np.all(large.line > small.line) and np.all(large.rate < small.rate)
    # Chain leaders back trusted suppliers' finance: more credit at a lower rate.
    backed = credit_terms(firms, links, live, np.full(firms.n, 0.5), np.ones(links.n),
                          np.ones(firms.n), FinanceConfig(), CreditConfig())
    suppliers = np.unique(links.supplier[firms.chain_leader[links.buyer]])
    assert backed.backed[suppliers].all()
    assert np.all(backed.line[suppliers] > small.line[suppliers])


def _situation(n: int, **changes: np.ndarray) -> investment.Situation:
    base = {"profit": np.full(n, 10.0), "revenue": np.full(n, 100.0), "credit": np.zeros(n),
            "margin": np.full(n, 0.1), "disruption": np.zeros(n),
            "requirement_gap": np.zeros(n), "leader_customer": np.zeros(n, dtype=bool),
            "maturity": np.full(n, 0.3), "spends_on_esg": np.ones(n, dtype=bool)}
    base.update(changes)
    return investment.Situation(**base)


def test_investment_split_responds_to_disruption_requirements_and_profit() -> None:
    cfg, on = InvestmentConfig(), dict.fromkeys(investment.USES, True)
    calm = investment.split(_situation(2), on, cfg)
    assert np.allclose(sum(calm), 1.0)
    shaken = investment.split(_situation(2, disruption=np.full(2, 0.5)), on, cfg)
    assert shaken[1][0] > calm[1][0] and shaken[3][0] > calm[3][0]  # digital and buffers
    pressed = investment.split(_situation(2, requirement_gap=np.full(2, 0.3)), on, cfg)
    assert pressed[2][0] > calm[2][0]  # ESG when customers' requirements are unmet
    rich = investment.split(_situation(2, margin=np.full(2, 0.3)), on, cfg)
    assert rich[0][0] > calm[0][0]  # R&D when profitable
    no_esg = investment.split(_situation(2, spends_on_esg=np.zeros(2, dtype=bool)), on, cfg)
    assert np.all(no_esg[2] == 0.0) and np.allclose(sum(no_esg), 1.0)


def test_financing_limits_investment() -> None:
    cfg = InvestmentConfig()
    broke = investment.budget(_situation(2, profit=np.zeros(2), credit=np.full(2, 50.0)), cfg)
    assert np.all(broke == 0.0)  # no internal funds: banks do not finance the budget alone
    without = investment.budget(_situation(2), cfg)
    with_credit = investment.budget(_situation(2, credit=np.full(2, 1.0)), cfg)
    assert np.all(with_credit > without)
    capped = investment.budget(_situation(2, profit=np.full(2, 1e6), credit=np.full(2, 1e6)),
                               cfg)
    assert np.allclose(capped, cfg.max_intensity * 100.0)
