"""The period step (phase 10): monthly decisions and quarterly reviews.

Every ``behaviour.period`` ticks (a month):

1. the period's situation: margins and recent input disruptions;
2. the investment budget and its split (R&D, digital, ESG, buffers), booked as spending;
3. ESG spending turns into true ESG or disclosure gaps;
4. R&D succeeds or not; digital investment enters its implementation lag;
5. upgrades in progress take their next phase-in step or switch (the new recipe applies from
   the next tick's ordering, their new prices from the next review).

The step plans on a draft of the engine state (:class:`~abm.behaviour.draft.PlanDraft`):
prices, order shares, capacity plans, segment switches and stocking orders go back to the
engine as :class:`~abm.core.levers.PlanLevers`, which the engine applies.

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
from abm.behaviour.draft import PlanDraft
from abm.behaviour.finance import investment_credit
from abm.behaviour.metrics import period_series
from abm.core.levers import PlanLevers
from abm.core.state import FirmState

if TYPE_CHECKING:
    from abm.behaviour.layer import BehaviourLayer



def per_review[R: (float, np.ndarray)](rate: R, periods: int) -> R:
    """A per-period probability compounded over a review's periods."""
    return 1.0 - (1.0 - rate) ** periods


def run_period(layer: BehaviourLayer, tick: int, levers: PlanLevers) -> PlanLevers:
    """Take the period's decisions for all firms (see the module docstring).

    Args:
        layer: the behaviour process.
        tick: the current tick.
        levers: the plans of the processes folded before this one.

    Returns:
        ``levers`` with this period's plans.
    """
    model, cfg, on = layer.world, layer.cfg, layer.on
    draft = PlanDraft(model.firms, levers)
    firms, links = draft.firms, model.links
    view = LinkView.of(firms, links)
    review = (tick // cfg.period) % cfg.review_periods == 0
    layer.accounts.close_period(firms)  # the period's revenue and operating profit
    layer.investing.observe(layer.accounts, view)
    if review or layer.innovation.leader_links is None:
        layer.innovation.count_leader_links(view, layer.trust.state.trust)
    leader_links = layer.innovation.leader_links
    stats = {"esg_detections": 0.0, "tech_gain_own": 0.0, "tech_gain_partner": 0.0,
             "upgrades": 0.0}
    if review:
        _review_signals(layer, firms, tick, view, stats)
    intensity = _invest(layer, firms, view, leader_links)
    if on["esg"]:
        esg.apply_spending(layer.esg.state, intensity["esg"], cfg.esg)
        layer.spending.last_esg = intensity["esg"]
    if on["innovation"]:
        spill = (replace(cfg.innovation, spillover_rate=per_review(
                     cfg.innovation.spillover_rate, cfg.review_periods),
                     joint_rate=per_review(cfg.innovation.joint_rate, cfg.review_periods))
                 if review else replace(cfg.innovation, spillovers=False))
        own, partner = innovation.innovate(
            layer.innovation.state, firms, links, view, layer.trust.state.trust, leader_links,
            intensity["rd"], spill, layer.innovation.rng)
        stats["tech_gain_own"], stats["tech_gain_partner"] = float(own.sum()), float(
            partner.sum())
    if on["digital"]:
        digital.invest(layer.digital.state, intensity["digital"], cfg.digital)
        digital.draw_planning_error(layer.digital.state, layer.digital.rng)
        layer.digital.refresh_search_ticks()
    switched = np.empty(0, dtype=np.int64)
    if on["upgrading"]:
        switched, view = _upgrade(layer, draft, tick, review, view)
    stats["upgrades"] = float(len(switched))
    if review:
        _review_prices_and_shares(layer, draft, view)
    digital.refresh(layer.digital.state, firms, draft.links(model.links), view.live, cfg.digital)
    layer.esg.update_emissions(firms, layer.innovation.state.log_tech)
    layer.record.period_stats = stats
    if review or not layer.record.period_cache:
        layer.record.period_cache = period_series(layer)
    layer.investing.buffers_changed()  # derived per-tick inputs are stale now
    layer.innovation.technology_changed()
    return draft.levers(levers)


def _review_signals(layer: BehaviourLayer, firms: FirmState, tick: int, view: LinkView,
                    stats: dict[str, float]) -> None:
    """Quarterly: ESG ratings, audits, detection and imitation; credit terms."""
    cfg, on = layer.cfg, layer.on
    revenue = layer.accounts.revenue
    if on["esg"]:
        periods = cfg.review_periods
        policy = layer.world.investment_levers  # audits and fines a disclosure mandate sets
        audit_rate = cfg.esg.audit_rate if policy.audit_rate is None else policy.audit_rate
        second_party = (None if policy.member_audit_rate is None
                        else per_review(policy.member_audit_rate, periods))
        review_cfg = replace(
            cfg.esg, audit_rate=per_review(audit_rate, periods),
            revision_rate=per_review(cfg.esg.revision_rate, periods),
            reputation_learning=per_review(cfg.esg.reputation_learning, periods))
        detected = layer.esg.review(
            firms, tick, view, review_cfg, layer.spending, revenue, cfg.period,
            layer.investing.margin, layer.tier_order, layer.trust if on["trust"] else None,
            fine_weeks=policy.fine_weeks, esg_cost=policy.esg_cost, second_party=second_party)
        stats["esg_detections"] = float(detected)
    if on["finance"]:
        layer.finance.review(firms, view, layer.esg.state.rating, layer.trust.state.trust,
                             layer.relative_size)


def _review_prices_and_shares(layer: BehaviourLayer, draft: PlanDraft, view: LinkView
                              ) -> None:
    """Cost-plus repricing (technology, segment switches) and the order-share update, on
    the draft."""
    model, cfg, on = layer.world, layer.cfg, layer.on
    firms, links = draft.firms, draft.links(model.links)
    if on["innovation"] or on["upgrading"]:
        tech = layer.innovation.state
        unit_va = tech.base_value_added * np.exp(
            cfg.innovation.value_elasticity * (tech.log_tech - tech.log_tech_ref))
        innovation.reprice(firms, links, unit_va, view.live)
    if on["trust"] or on["esg"] or on["innovation"]:
        draft.share = trust.reallocate_shares(
            firms, links, layer.trust.state, _preference(layer), cfg.trust.share_adjustment,
            model.config.market.capacity_slack, _link_coef(layer), view.live)


def _invest(layer: BehaviourLayer, firms: FirmState, view: LinkView,
            leader_links: np.ndarray) -> dict[str, np.ndarray]:
    """Budgets and their split; books spending for the coming period.

    Returns:
        Spending intensity (per unit of period revenue) of R&D, digital and ESG per firm.
    """
    cfg, on = layer.cfg, layer.on
    revenue = layer.accounts.revenue
    credit = (investment_credit(firms, layer.finance.state, cfg.finance) if on["finance"]
              else np.zeros(firms.n))
    situation = investment.Situation(
        profit=layer.accounts.profit, revenue=revenue, credit=credit,
        margin=layer.investing.margin,
        disruption=layer.investing.disruption, requirement_gap=layer.esg.requirement_gap,
        leader_customer=leader_links > 0,
        maturity=layer.digital.state.maturity,
        spends_on_esg=layer.esg.state.strategy != esg.NONE,
        esg_return=layer.world.investment_levers.esg_return)
    active = {"rd": on["innovation"], "digital": on["digital"], "esg": on["esg"],
              "buffer": on["investment"]}
    budget = investment.budget(situation, cfg.investment) * firms.alive
    shares = investment.split(situation, active, cfg.investment)
    # Share of the ESG budget spent, by strategy: a table lookup, not a select by a scattered
    # mask (which branches on every firm).
    by_strategy = np.ones(3)
    by_strategy[esg.GREENWASH] = cfg.esg.greenwash_cost_share
    esg_share = by_strategy.take(layer.esg.state.strategy)
    planned = {"rd": budget * shares[0], "digital": budget * shares[1],
               "esg": budget * shares[2] * esg_share}
    # Policy: where the state pays a share s of a use, the firm's own money buys 1 / (1 - s)
    # as much of it (the instrument refunds s of the gross spending booked below).
    for use, paid in layer.world.investment_levers.cost_share.items():
        if use in planned:
            planned[use] = planned[use] / (1.0 - paid)
    layer.spending.plan(planned, cfg.period)
    if on["investment"]:
        target = investment.buffer_target(shares, cfg.investment)
        buffers = layer.investing.extra_safety
        buffers += cfg.investment.buffer_adjustment * (target - buffers)
    selling = revenue > EPS
    return {use: divide_where(spent, revenue, selling)
            for use, spent in layer.spending.by_use.items()}


def _upgrade(layer: BehaviourLayer, draft: PlanDraft, tick: int, review: bool,
             view: LinkView) -> tuple[np.ndarray, LinkView]:
    """Phase in and switch stocked upgrades; at a review also start new ones.

    Returns:
        The firms that switched segment, and the link view with any links added.
    """
    model, cfg = layer.world, layer.cfg
    firms, finance = draft.firms, model.config.finance
    state = layer.upgrading.state
    if not review and not ((state.pending_slot >= 0).any() or (state.ramp_slot >= 0).any()):
        return np.empty(0, dtype=np.int64), view  # nothing in progress, no decisions due
    links = model.links
    n_links = links.n
    weekly_revenue = layer.accounts.revenue / cfg.period
    cost = cfg.upgrading.cost_weeks * weekly_revenue
    funds = firms.cash + layer.finance.state.line
    candidates = np.flatnonzero(
        firms.alive & ~firms.technology_intensive & (state.pending_slot < 0)
        & (layer.innovation.state.log_tech >= np.log(cfg.upgrading.threshold)) & (funds >= cost)
        & (weekly_revenue > 0)) if review else np.empty(0, dtype=np.int64)
    at_once: np.ndarray = np.empty(0, dtype=np.int64)
    if len(candidates):
        at_once, started, orders = upgrading.begin(
            model, firms, state, candidates, tick, cfg.upgrading, layer.upgrading.rng,
            view.live)
        if orders is not None:
            draft.stocking.append(orders)
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
    upgrading.switch(state, plan, done, layer.innovation.state.base_value_added,
                     finance.value_added_share_labour, finance.value_added_share_technology,
                     cfg.upgrading.ramp_periods, tick)
    layer.innovation.state.log_tech_ref[done] = layer.innovation.state.log_tech[done]
    # Phase-in steps and switches change recipes: refresh the digital layer's link cache.
    digital.recipes_changed(layer.digital.state, plan, model.links, np.union1d(ramping, done))
    if not np.array_equal(firms.input_coef[touched], plan.input_coef[touched]):
        layer.upgrading.stage(plan.input_coef)
    return done, view


def _link_coef(layer: BehaviourLayer) -> np.ndarray:
    """The buyer's input coefficient on each link (the digital layer keeps it current)."""
    links = layer.world.links
    cached = layer.digital.state.link_coef
    if len(cached) != links.n:
        layer.digital.state.link_coef = link_coefficients(layer.world.firms, links)
    return layer.digital.state.link_coef


def _preference(layer: BehaviourLayer) -> np.ndarray:
    """A buyer's preference ``u`` for each link's supplier: trust, ESG rating and quality."""
    cfg, on, links = layer.cfg, layer.on, layer.world.links
    preference = np.zeros(links.n)
    if on["trust"]:
        preference += cfg.trust.share_weight * np.log(at_least(layer.trust.state.trust, 0.01))
    if on["esg"]:
        preference += (cfg.esg.preference_weight * layer.esg.state.sensitivity[links.buyer]
                       * (layer.esg.state.rating[links.supplier] - esg.NEUTRAL_RATING))
    if on["innovation"]:
        preference += cfg.trust.quality_weight * layer.innovation.state.log_tech[links.supplier]
    return preference
