"""The period step (phase 10): monthly decisions and quarterly reviews.

Every ``behaviour.period`` ticks (a month):

1. the period's situation: margins and recent input disruptions;
2. the investment budget and its split (R&D, digital, ESG, buffers), booked as spending;
3. ESG spending turns into true ESG or disclosure gaps;
4. R&D succeeds or not; digital investment enters its implementation lag;
5. upgrades in progress take their next phase-in step or switch (the new recipe applies from
   the next tick's ordering, their new prices from the next review).

Every ``behaviour.review_periods`` periods (a quarter by default) a review comes first:
ESG ratings, audits and detection (fines, reputation, trust), strategy imitation, credit
terms, knowledge spill-overs and joint projects, new upgrades, cost-plus repricing and the
order-share update. Ratings, audits, credit lines, supply contracts and prices are revised
less often than budgets; per-period probabilities and rates (``esg.audit_rate``,
``esg.revision_rate``, ``esg.reputation_learning``, ``innovation.spillover_rate``,
``innovation.joint_rate``) are compounded over the periods of a review, so their meaning
does not depend on the review cycle.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from abm.behaviour import digital, esg, innovation, investment, trust, upgrading
from abm.behaviour.common import EPS, LinkView, at_least, divide_where, link_coefficients
from abm.behaviour.finance import credit_terms, investment_credit
from abm.behaviour.linkindex import leader_rows
from abm.behaviour.metrics import period_series

if TYPE_CHECKING:
    from abm.behaviour.layer import BehaviourLayer

MARGIN_MEMORY = 0.5  # weight of the newest period in the smoothed margin and disruption


def per_review(rate: float, periods: int) -> float:
    """A per-period probability compounded over a review's periods."""
    return 1.0 - (1.0 - rate) ** periods


def run_period(layer: BehaviourLayer, tick: int) -> None:
    """Take the period's decisions for all firms (see the module docstring)."""
    model, cfg, on = layer.world, layer.cfg, layer.on
    firms, links = model.firms, model.links
    view = LinkView.of(firms, links)
    review = (tick // cfg.period) % cfg.review_periods == 0
    layer.accounts.close_period(firms)  # the period's revenue and operating profit
    _situation(layer, view)
    if review or layer.leader_links is None:
        # Live links to chain leaders that trust the supplier: joint projects, R&D motive.
        # Only the leaders' own links can count (the others would add zeros to the sums).
        rows = leader_rows(links, firms)
        layer.leader_links = np.bincount(
            links.supplier[rows], minlength=firms.n, weights=view.weight[rows] * (
                layer.trust.trust[rows] >= cfg.innovation.joint_trust))
    leader_links = layer.leader_links
    stats = {"esg_detections": 0.0, "tech_gain_own": 0.0, "tech_gain_partner": 0.0,
             "upgrades": 0.0}
    if review:
        _review_signals(layer, tick, view, stats)
    intensity = _invest(layer, view, leader_links)
    if on["esg"]:
        esg.apply_spending(layer.esg, intensity["esg"], cfg.esg)
        layer.spending.last_esg = intensity["esg"]
    if on["innovation"]:
        spill = (replace(cfg.innovation, spillover_rate=per_review(
                     cfg.innovation.spillover_rate, cfg.review_periods),
                     joint_rate=per_review(cfg.innovation.joint_rate, cfg.review_periods))
                 if review else replace(cfg.innovation, spillovers=False))
        own, partner = innovation.innovate(layer.tech, firms, links, view, layer.trust.trust,
                                           leader_links, intensity["rd"], spill,
                                           layer.rng["innovation"])
        stats["tech_gain_own"], stats["tech_gain_partner"] = float(own.sum()), float(
            partner.sum())
    if on["digital"]:
        digital.invest(layer.digital, intensity["digital"], cfg.digital)
        digital.draw_planning_error(layer.digital, layer.rng["digital"])
        layer.search_ticks[:] = digital.search_ticks(
            layer.digital, firms, model.config.sourcing.search_ticks, cfg.digital)
    switched = np.empty(0, dtype=np.int64)
    if on["upgrading"]:
        switched, view = _upgrade(layer, tick, review, view)
    stats["upgrades"] = float(len(switched))
    if review:
        _review_prices_and_shares(layer, view)
    digital.refresh(layer.digital, firms, links, view.live, cfg.digital)
    layer.emission_rate = esg.emission_rate(layer.esg, firms, layer.tech.log_tech, cfg.esg)
    layer.period_stats = stats
    if review or not layer.period_cache:
        layer.period_cache = period_series(layer)
    layer.safety = layer.labour = None  # derived per-tick inputs are stale now


def _review_signals(layer: BehaviourLayer, tick: int, view: LinkView,
                    stats: dict[str, float]) -> None:
    """Quarterly: ESG ratings, audits, detection and imitation; credit terms."""
    model, cfg, on = layer.world, layer.cfg, layer.on
    firms, links = model.firms, model.links
    revenue = layer.accounts.revenue
    if on["esg"]:
        periods = cfg.review_periods
        policy = model.investment_levers  # audits and fines a disclosure mandate sets
        audit_rate = cfg.esg.audit_rate if policy.audit_rate is None else policy.audit_rate
        fine_weeks = cfg.esg.fine_weeks if policy.fine_weeks is None else policy.fine_weeks
        review_cfg = replace(
            cfg.esg, audit_rate=per_review(audit_rate, periods),
            platform_audit_rate=per_review(cfg.esg.platform_audit_rate, periods),
            revision_rate=per_review(cfg.esg.revision_rate, periods),
            reputation_learning=per_review(cfg.esg.reputation_learning, periods))
        esg.update_ratings(layer.esg, firms.alive, tick, review_cfg, layer.rng["esg"])
        detected = esg.audit(layer.esg, firms, tick, review_cfg, layer.rng["esg"])
        stats["esg_detections"] = float(len(detected))
        weeks = np.broadcast_to(fine_weeks, revenue.shape)[detected]
        layer.spending.fine(detected, weeks * revenue[detected] / cfg.period)
        if on["trust"]:
            trust.cut_trust(layer.trust.trust, links, detected, layer.esg.sensitivity,
                            cfg.esg.trust_penalty)
        fines = divide_where(layer.spending.fines_due, revenue, revenue > 0)
        if policy.esg_cost is not None:  # carbon cost, green-credit discount (per revenue)
            fines = fines + policy.esg_cost
        layer.esg.payoff = esg.payoffs(layer.esg, firms.tier, firms.alive, layer.margin,
                                       layer.spending.last_esg, fines, cfg.esg, layer.tier_order)
        esg.imitate(layer.esg, firms.tier, layer.tier_order, firms.alive, review_cfg,
                    layer.rng["esg"])
        # ESG widens the pool a firm is screened into and makes it a likelier pick.
        layer.attraction = np.exp(
            cfg.esg.preference_weight * (layer.esg.rating - esg.NEUTRAL_RATING))
        layer.screen = (layer.esg.requirement, layer.esg.rating)
        # A better-than-average rating buys patience (a lower switch threshold); a worse one
        # adds no impatience: raising thresholds above the engine's made buyers abandon
        # suppliers in chains after a shock. ESG acts as a buffer, as seed 000 describes.
        mean_rating = float(layer.esg.rating[firms.alive].mean())
        supplier_rating = layer.esg.rating[links.supplier]
        layer.esg_keep = np.exp(-cfg.esg.preference_weight * layer.esg.sensitivity[links.buyer]
                                * at_least(supplier_rating - mean_rating, 0.0))
        layer.keep_threshold = model.config.sourcing.switch_threshold * layer.esg_keep
        shortfall = at_least(layer.esg.requirement[links.buyer] - supplier_rating, 0.0)
        layer.requirement_gap = view.mean_over_customers(links, shortfall)
    if on["finance"]:
        layer.credit = credit_terms(firms, links, view.live, layer.esg.rating,
                                    layer.trust.trust, layer.relative_size,
                                    model.config.finance, cfg.finance)


def _review_prices_and_shares(layer: BehaviourLayer, view: LinkView) -> None:
    """Cost-plus repricing (technology, segment switches) and the order-share update."""
    model, cfg, on = layer.world, layer.cfg, layer.on
    firms, links = model.firms, model.links
    if on["innovation"] or on["upgrading"]:
        unit_va = layer.tech.base_value_added * np.exp(
            cfg.innovation.value_elasticity * (layer.tech.log_tech - layer.tech.log_tech_ref))
        innovation.reprice(firms, links, unit_va, view.live)
    if on["trust"] or on["esg"] or on["innovation"]:
        trust.reallocate_shares(firms, links, layer.trust, _preference(layer),
                                cfg.trust.share_adjustment, model.config.market.capacity_slack,
                                _link_coef(layer), view.live)


def _situation(layer: BehaviourLayer, view: LinkView) -> None:
    """Smoothed margin and input disruption of the period."""
    firms, links = layer.world.firms, layer.world.links
    books = layer.accounts
    margin = divide_where(books.profit, books.revenue, books.revenue > EPS)
    layer.margin += MARGIN_MEMORY * (margin - layer.margin)
    fill = view.mean_over_suppliers(links, links.fill_rate, empty=1.0)
    now = np.maximum(1.0 - fill, 1.0 - firms.availability)
    layer.disruption += MARGIN_MEMORY * (now - layer.disruption)


def _invest(layer: BehaviourLayer, view: LinkView, leader_links: np.ndarray
            ) -> dict[str, np.ndarray]:
    """Budgets and their split; books spending for the coming period.

    Returns:
        Spending intensity (per unit of period revenue) of R&D, digital and ESG per firm.
    """
    model, cfg, on = layer.world, layer.cfg, layer.on
    firms = model.firms
    revenue = layer.accounts.revenue
    credit = (investment_credit(firms, layer.credit, cfg.finance) if on["finance"]
              else np.zeros(firms.n))
    situation = investment.Situation(
        profit=layer.accounts.profit, revenue=revenue, credit=credit, margin=layer.margin,
        disruption=layer.disruption, requirement_gap=layer.requirement_gap,
        leader_customer=leader_links > 0,
        maturity=layer.digital.maturity,
        spends_on_esg=layer.esg.strategy != esg.NONE)
    active = {"rd": on["innovation"], "digital": on["digital"], "esg": on["esg"],
              "buffer": on["investment"]}
    budget = investment.budget(situation, cfg.investment) * firms.alive
    shares = investment.split(situation, active, cfg.investment)
    # Share of the ESG budget spent, by strategy: a table lookup, not a select by a scattered
    # mask (which branches on every firm).
    by_strategy = np.ones(3)
    by_strategy[esg.GREENWASH] = cfg.esg.greenwash_cost_share
    esg_share = by_strategy.take(layer.esg.strategy)
    planned = {"rd": budget * shares[0], "digital": budget * shares[1],
               "esg": budget * shares[2] * esg_share}
    # Policy: where the state pays a share s of a use, the firm's own money buys 1 / (1 - s)
    # as much of it (the instrument refunds s of the gross spending booked below).
    for use, paid in model.investment_levers.cost_share.items():
        if use in planned:
            planned[use] = planned[use] / (1.0 - paid)
    layer.spending.plan(planned, cfg.period)
    if on["investment"]:
        target = investment.buffer_target(shares, cfg.investment)
        layer.extra_safety += cfg.investment.buffer_adjustment * (target - layer.extra_safety)
    selling = revenue > EPS
    return {use: divide_where(spent, revenue, selling)
            for use, spent in layer.spending.by_use.items()}


def _upgrade(layer: BehaviourLayer, tick: int, review: bool, view: LinkView
             ) -> tuple[np.ndarray, LinkView]:
    """Phase in and switch stocked upgrades; at a review also start new ones.

    Returns:
        The firms that switched segment, and the link view with any links added.
    """
    model, cfg = layer.world, layer.cfg
    firms, finance = model.firms, model.config.finance
    state = layer.upgrade
    if not review and not ((state.pending_slot >= 0).any() or (state.ramp_slot >= 0).any()):
        return np.empty(0, dtype=np.int64), view  # nothing in progress, no decisions due
    links = model.links
    n_links = links.n
    weekly_revenue = layer.accounts.revenue / cfg.period
    cost = cfg.upgrading.cost_weeks * weekly_revenue
    funds = firms.cash + layer.credit.line
    candidates = np.flatnonzero(
        firms.alive & ~firms.technology_intensive & (state.pending_slot < 0)
        & (layer.tech.log_tech >= np.log(cfg.upgrading.threshold)) & (funds >= cost)
        & (weekly_revenue > 0)) if review else np.empty(0, dtype=np.int64)
    at_once: np.ndarray = np.empty(0, dtype=np.int64)
    if len(candidates):
        at_once, started = upgrading.begin(layer.world, state, candidates, tick, cfg.upgrading,
                                           layer.rng["upgrading"], view.live)
        if model.links.n > n_links:
            layer.grow_links(np.arange(n_links, model.links.n))
            view = view.grown(firms, model.links)
        layer.spending.charge_one_off(np.concatenate([at_once, started]), cost)
    # Recipe changes decided now take effect at the start of the next tick (phase 4, the
    # recipe lever), so that production always uses the recipe its inputs were ordered and
    # counted for. Steps and switches are planned on ``plan``: the firms as they will be,
    # sharing every array with the engine's but the recipes. Only firms phasing an input in
    # or stocking one can change recipe.
    touched = np.flatnonzero((state.ramp_slot >= 0) | (state.pending_slot >= 0))
    plan = copy.copy(firms)
    plan.input_coef = firms.input_coef.copy()
    # Firms phasing in, taken before the step: ``ramp`` clears the ones whose step completes
    # the recipe, and their links' cached coefficients must follow that last step too.
    ramping = np.flatnonzero(state.ramp_slot >= 0)
    # Capacity for phase-in steps is planned with the cached link coefficients, or, when links
    # were added above, with the coefficients as they are after the step.
    upgrading.ramp(state, plan, model.links, cfg.upgrading.ramp_periods,
                   model.config.market.safety_stock_weeks, model.config.market.capacity_slack,
                   _link_coef(layer) if model.links.n == n_links else None, view.live)
    done = np.concatenate([at_once, upgrading.ready(
        state, plan, tick, model.config.market.safety_stock_weeks, cfg.upgrading)])
    done = np.unique(done)
    upgrading.switch(state, plan, done, layer.tech.base_value_added,
                     finance.value_added_share_labour, finance.value_added_share_technology,
                     cfg.upgrading.ramp_periods, tick)
    layer.tech.log_tech_ref[done] = layer.tech.log_tech[done]
    # Phase-in steps and switches change recipes: refresh the digital layer's link cache.
    digital.recipes_changed(layer.digital, plan, model.links, np.union1d(ramping, done))
    if not np.array_equal(firms.input_coef[touched], plan.input_coef[touched]):
        layer.staged_recipe = plan.input_coef
    return done, view


def _link_coef(layer: BehaviourLayer) -> np.ndarray:
    """The buyer's input coefficient on each link (the digital layer keeps it current)."""
    links = layer.world.links
    cached = layer.digital.link_coef
    if len(cached) != links.n:
        layer.digital.link_coef = link_coefficients(layer.world.firms, links)
    return layer.digital.link_coef


def _preference(layer: BehaviourLayer) -> np.ndarray:
    """A buyer's preference ``u`` for each link's supplier: trust, ESG rating and quality."""
    cfg, on, links = layer.cfg, layer.on, layer.world.links
    preference = np.zeros(links.n)
    if on["trust"]:
        preference += cfg.trust.share_weight * np.log(at_least(layer.trust.trust, 0.01))
    if on["esg"]:
        preference += (cfg.esg.preference_weight * layer.esg.sensitivity[links.buyer]
                       * (layer.esg.rating[links.supplier] - esg.NEUTRAL_RATING))
    if on["innovation"]:
        preference += cfg.trust.quality_weight * layer.tech.log_tech[links.supplier]
    return preference
