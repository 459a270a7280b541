"""The behaviour mechanisms as processes: each owns its state, declares its random streams and
answers the per-tick hooks it needs.

Each is registered by name (``behaviour.esg``, ``behaviour.trust``, ...) and gets a World
bound to its own streams, so a mechanism can only draw from what it declared. The
``behaviour`` process (:mod:`abm.behaviour.layer`) builds them in a fixed order, folds each
hook through them in that order, and orders their decisions in the period step
(:mod:`abm.behaviour.period`); the quantities several of them share (the period's accounts
and spending, :mod:`abm.behaviour.accounts`) are their own small objects.

A mechanism that is switched off keeps its state (emissions and the reports read it) but
never changes it, and leaves its levers as the engine would have them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from abm.behaviour import digital, esg, innovation, trust
from abm.behaviour.accounts import PeriodAccounts, Spending
from abm.behaviour.common import EPS, LinkView, at_least, divide_where
from abm.behaviour.finance import base_terms, credit_terms
from abm.behaviour.linkindex import leader_rows
from abm.behaviour.upgrading import NOT_PENDING, init_upgrading
from abm.config.schema import EsgConfig
from abm.core.levers import (
    AccountLevers,
    ForecastLevers,
    MatchLevers,
    OrderLevers,
    RationingLevers,
    SolvencyLevers,
    SourcingLevers,
)
from abm.core.process import Process, World
from abm.core.registry import PROCESSES
from abm.core.rules import demand_seen
from abm.core.state import FirmState

MARGIN_MEMORY = 0.5  # weight of the newest period in the smoothed margin and disruption


class Mechanism(Process):
    """A behaviour mechanism: its switch, its parameters and its view of the world.

    Args:
        world: the world bound to this mechanism's streams.
        on: whether the mechanism acts (``behaviour.<name>.enabled``).
    """

    key: ClassVar[str] = ""  # the mechanism's config section under ``behaviour``

    def __init__(self, world: World, on: bool) -> None:
        self.world, self.on = world, on
        self.cfg = getattr(world.config.behaviour, self.key)


@PROCESSES.register("behaviour.esg")
class EsgProcess(Mechanism):
    """ESG signals (:mod:`abm.behaviour.esg`): true ESG, ratings, the buyers' ESG preference
    on the supplier market and in switching, and emissions."""

    name, key, streams = "behaviour.esg", "esg", ("esg",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        firms, links = world.firms, world.links
        self.rng = world.stream("esg")
        self.state = esg.init_esg(firms, self.cfg, self.rng,
                                  world.config.network.chain_leader_size)
        if on:
            esg.update_ratings(self.state, firms.alive, 0, self.cfg, self.rng)
            self.state.reputation = self.state.rating.copy()
        else:
            self.state.rating = np.full(firms.n, esg.NEUTRAL_RATING)
            self.state.reputation = np.full(firms.n, esg.NEUTRAL_RATING)
        self.attraction: np.ndarray | None = None  # supplier-market levers, per review
        self.screen: tuple[np.ndarray, np.ndarray] | None = None
        self.keep = np.ones(links.n)  # per link: ESG preference in the switching decision
        self.keep_threshold = np.full(links.n, world.config.sourcing.switch_threshold)
        self.requirement_gap = np.zeros(firms.n)  # customers' unmet ESG requirement
        self.emission_rate = np.zeros(firms.n)  # set by the behaviour process (needs tech)
        self.route_emission = np.asarray(self.cfg.emission_route_factor)[links.route]

    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """ESG widens the pool a firm is screened into and makes it a likelier pick."""
        if self.attraction is None and self.screen is None:
            return levers
        return replace(levers, attraction=self.attraction, screen=self.screen)

    def review(self, firms: FirmState, tick: int, view: LinkView, review_cfg: EsgConfig,
               spending: Spending, revenue: np.ndarray, period: int, margin: np.ndarray,
               tier_order: tuple[np.ndarray, np.ndarray, np.ndarray],
               trust_process: TrustProcess | None, *,
               fine_weeks: np.ndarray | None = None, esg_cost: np.ndarray | None = None
               ) -> int:
        """Quarterly: ratings, audits and fines (booked on the shared ``spending``; trust cut
        where ``trust_process`` is given), payoffs and imitation of strategies, and the
        buyers' ESG preference on the market. ``review_cfg`` has the per-period rates
        compounded over the review; ``margin`` is the investment mechanism's smoothed margin.
        Policy (:class:`~abm.core.levers.InvestmentLevers`): ``fine_weeks`` per firm replaces
        ``esg.fine_weeks``; ``esg_cost`` (per unit of revenue: carbon cost, green-credit
        discount) counts in the strategy payoff like fines.

        Returns:
            The number of greenwashers detected.
        """
        state, cfg, links = self.state, self.cfg, self.world.links
        esg.update_ratings(state, firms.alive, tick, review_cfg, self.rng)
        detected = esg.audit(state, firms, tick, review_cfg, self.rng)
        weeks = cfg.fine_weeks if fine_weeks is None else fine_weeks[detected]
        spending.fine(detected, weeks * revenue[detected] / period)
        if trust_process is not None:
            trust.cut_trust(trust_process.state.trust, links, detected, state.sensitivity,
                            cfg.trust_penalty)
        fines = divide_where(spending.fines_due, revenue, revenue > 0)
        if esg_cost is not None:
            fines = fines + esg_cost
        state.payoff = esg.payoffs(state, firms.tier, firms.alive, margin, spending.last_esg,
                                   fines, cfg, tier_order)
        esg.imitate(state, firms.tier, tier_order, firms.alive, review_cfg, self.rng)
        # ESG widens the pool a firm is screened into and makes it a likelier pick.
        self.attraction = np.exp(cfg.preference_weight * (state.rating - esg.NEUTRAL_RATING))
        self.screen = (state.requirement, state.rating)
        # A better-than-average rating buys patience (a lower switch threshold); a worse one
        # adds no impatience: raising thresholds above the engine's made buyers abandon
        # suppliers in chains after a shock. ESG acts as a buffer, as seed 000 describes.
        mean_rating = float(state.rating[firms.alive].mean())
        supplier_rating = state.rating[links.supplier]
        self.keep = np.exp(-cfg.preference_weight * state.sensitivity[links.buyer]
                           * at_least(supplier_rating - mean_rating, 0.0))
        self.keep_threshold = self.world.config.sourcing.switch_threshold * self.keep
        shortfall = at_least(state.requirement[links.buyer] - supplier_rating, 0.0)
        self.requirement_gap = view.mean_over_customers(links, shortfall)
        return len(detected)

    def publish(self, name: str) -> np.ndarray | None:
        """``esg_rating`` (what buyers and banks see), ``esg_verified`` (the rating rests on
        a valid audit) and ``emission_rate`` (emissions per unit of output)."""
        if name == "esg_rating":
            return self.state.rating
        if name == "esg_verified":
            return self.state.verified_until >= self.world.tick
        if name == "emission_rate":
            return self.emission_rate
        return None

    def update_emissions(self, firms: FirmState, log_tech: np.ndarray) -> None:
        """Emissions per unit of output follow true ESG, value added and technology."""
        self.emission_rate = esg.emission_rate(self.state, firms, log_tech, self.cfg)

    def relink(self, rows: np.ndarray) -> None:
        """Links (re)connected to a supplier: their route's emissions."""
        self.route_emission[rows] = np.asarray(self.cfg.emission_route_factor)[
            self.world.links.route[rows]]

    def grow_links(self, n_new: int) -> None:
        """Per-link arrays for ``n_new`` appended links (neutral until relinked)."""
        self.keep = np.concatenate([self.keep, np.ones(n_new)])
        self.keep_threshold = np.concatenate([
            self.keep_threshold, np.full(n_new, self.world.config.sourcing.switch_threshold)])

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants draw their ESG; a rating starts neutral."""
        esg.reset_entrants(self.state, entrants, self.cfg, self.rng)
        if self.on:
            self.state.rating[entrants] = esg.NEUTRAL_RATING


@PROCESSES.register("behaviour.trust")
class TrustProcess(Mechanism):
    """Per-link trust (:mod:`abm.behaviour.trust`): updated from fulfilment, forgiving during
    recognised shocks; it sets switch thresholds and, with priority rationing, who is
    served first."""

    name, key = "behaviour.trust", "trust"

    def __init__(self, world: World, on: bool, esg_process: EsgProcess) -> None:
        super().__init__(world, on)
        self.esg = esg_process
        rated = esg_process.state
        self.state = trust.init_trust(world.links, world.firms.n, rated.rating,
                                      rated.reputation, self.cfg, on)
        self.shock_memory = np.zeros(world.firms.n)  # recognised disruption of each supplier
        self.forgive: np.ndarray | None = None  # this tick's per-link forgiveness
        # The largest ESG keep threshold and the array it was taken from (see ``source``).
        self._keep_max: tuple[np.ndarray | None, float] = (None, 0.0)

    def ration(self, world: World, levers: RationingLevers) -> RationingLevers:
        """With priority rationing, trusted customers are served first too."""
        if not self.on or levers.priority is None:
            return levers
        return replace(levers, priority=levers.priority
                       | (self.state.trust >= self.cfg.priority_threshold))

    def signals(self, world: World, tick: int, production: Any) -> None:
        """Trust from this tick's fulfilment."""
        if not self.on:
            return
        self.forgive = trust.forgiveness(world.firms, world.links, self.esg.state.reputation,
                                         self.shock_memory, world.extra_sea_lead > 0, self.cfg)
        trust.update_trust(self.state.trust, production.fill, self.forgive, self.cfg)

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Per-link fill-rate levels below which buyers start looking for a new supplier."""
        keep_threshold = self.esg.keep_threshold
        if not self.on:
            return replace(levers, threshold=keep_threshold.copy())
        base = world.config.sourcing.switch_threshold
        links, cfg = world.links, self.cfg
        # Thresholds only matter where a fill rate is below the highest one any link could
        # have, or trust is below the distrust level; elsewhere a zero gives the same (no)
        # search, so computing the rule on those links alone is exact and much cheaper.
        if self._keep_max[0] is not keep_threshold:  # new per review (and new links)
            self._keep_max = (keep_threshold, float(keep_threshold.max(initial=-np.inf)))
        highest = min(1.0, max(self._keep_max[1], base) * (1.0 + 0.5 * cfg.switch_sensitivity))
        near = np.flatnonzero((links.fill_rate < highest)
                              | (self.state.trust < cfg.distrust_threshold))
        threshold = np.zeros(links.n)
        if len(near):
            forgive = None if self.forgive is None else self.forgive[near]
            threshold[near] = trust.switch_threshold(self.state.trust[near],
                                                     keep_threshold[near], cfg, forgive)
        return replace(levers, threshold=threshold)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """The old supplier of a switched link lost a customer."""
        np.add.at(self.state.lost_customers, self.state.supplier[rewired], 1.0)

    def relink(self, rows: np.ndarray) -> None:
        """Links (re)connected to a supplier start from its prior trust."""
        supplier = self.world.links.supplier[rows]
        self.state.supplier[rows] = supplier
        rated = self.esg.state
        self.state.trust[rows] = (trust.prior(rated.rating[supplier], rated.reputation[supplier],
                                              self.cfg) if self.on else trust.NEUTRAL_TRUST)


@PROCESSES.register("behaviour.finance")
class FinanceProcess(Mechanism):
    """Resource empowerment (:mod:`abm.behaviour.finance`): interest rates and credit lines,
    set at reviews."""

    name, key = "behaviour.finance", "finance"

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        self.state = base_terms(world.firms, world.config.finance)
        self.state.line = world.base_credit_line  # the engine's, until reviews set their own

    def review(self, firms: FirmState, view: LinkView, rating: np.ndarray, trust: np.ndarray,
               relative_size: np.ndarray) -> None:
        """Quarterly: credit terms from ESG rating, trust of chain leaders and size."""
        config = self.world.config
        self.state = credit_terms(firms, self.world.links, view.live, rating, trust,
                                  relative_size, config.finance, self.cfg)

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Each firm's interest rate on overdraft."""
        return replace(levers, interest_rate=self.state.rate)

    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """The credit line each firm has."""
        return replace(levers, credit_line=self.state.line)

    def publish(self, name: str) -> np.ndarray | None:
        """``interest_rate``: per tick, on drawn credit."""
        return self.state.rate if name == "interest_rate" else None


@PROCESSES.register("behaviour.innovation")
class InnovationProcess(Mechanism):
    """Innovation (:mod:`abm.behaviour.innovation`): technology, knowledge and the unit
    labour cost it saves."""

    name, key, streams = "behaviour.innovation", "innovation", ("innovation",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        self.rng = world.stream("innovation")
        self.state = innovation.init_innovation(
            world.firms, self.cfg, world.config.behaviour.upgrading.threshold, self.rng)
        self.leader_links: np.ndarray | None = None  # trusting chain-leader links, per review
        self._labour: np.ndarray | None = None  # unit labour cost factor, derived

    def count_leader_links(self, view: LinkView, trust: np.ndarray) -> None:
        """Per supplier, live links from chain leaders that trust it (joint projects, R&D
        motive); only the leaders' own links can count (the others would add zeros)."""
        firms, links = self.world.firms, self.world.links
        rows = leader_rows(links, firms)
        self.leader_links = np.bincount(
            links.supplier[rows], minlength=firms.n,
            weights=view.weight[rows] * (trust[rows] >= self.cfg.joint_trust))

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Unit labour cost relative to the segment level (1 when off)."""
        if self._labour is None:  # derived once per change of technology
            self._labour = (innovation.labour_factor(self.state, self.cfg) if self.on
                            else np.ones(world.firms.n))
        return replace(levers, labour_factor=self._labour)

    def publish(self, name: str) -> np.ndarray | None:
        """``log_technology``: each firm's log technology level."""
        return self.state.log_tech if name == "log_technology" else None

    def technology_changed(self) -> None:
        """Technology changed (period step, entrants)."""
        self._labour = None

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants start at their segment's typical technology."""
        innovation.reset_entrants(self.state, self.world.firms, entrants, self.cfg, self.rng)
        self._labour = None


@PROCESSES.register("behaviour.digital")
class DigitalProcess(Mechanism):
    """Digital maturity (:mod:`abm.behaviour.digital`): the demand forecasts follow, planning
    error, early visibility of orders and search times."""

    name, key, streams = "behaviour.digital", "digital", ("digital",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        firms = world.firms
        self.rng = world.stream("digital")
        self.state = digital.init_digital(firms, world.links, self.cfg, self.rng)
        self.search_ticks = np.full(firms.n, world.config.sourcing.search_ticks)
        if on:
            digital.draw_planning_error(self.state, self.rng)
            self.refresh_search_ticks()

    def refresh_search_ticks(self) -> None:
        """Search times follow maturity."""
        self.search_ticks[:] = digital.search_ticks(
            self.state, self.world.firms, self.world.config.sourcing.search_ticks, self.cfg)

    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """The demand each firm's forecast follows (information delay, shared data)."""
        signal = (digital.demand_signal(self.state, world.firms, world.links) if self.on
                  else demand_seen(world.firms))
        return replace(levers, demand_signal=signal)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """The forecast orders are planned on, and early visibility of customers' orders."""
        firms = world.firms
        if not self.on:
            return replace(levers, forecast=firms.forecast, link_weight=np.ones(world.links.n))
        return replace(levers, forecast=digital.noisy_forecast(self.state, firms),
                       link_weight=digital.early_warning(self.state, firms, world.links,
                                                         self.cfg))

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Each buyer's search time."""
        return replace(levers, search_ticks=self.search_ticks)

    def publish(self, name: str) -> np.ndarray | None:
        """``digital_maturity`` (endogenous recovery rebuilds faster with it)."""
        return self.state.maturity if name == "digital_maturity" and self.on else None

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants draw their maturity."""
        digital.reset_entrants(self.state, self.world.firms, entrants, self.cfg, self.rng)


@PROCESSES.register("behaviour.upgrading")
class UpgradingProcess(Mechanism):
    """Structural upgrading (:mod:`abm.behaviour.upgrading`): its status per firm and the
    recipes it stages for the next tick."""

    name, key, streams = "behaviour.upgrading", "upgrading", ("upgrading",)

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        self.rng = world.stream("upgrading")
        self.state = init_upgrading(world.firms.n)
        self.staged_recipe: np.ndarray | None = None  # input coefficients from the next tick

    def stage(self, recipe: np.ndarray) -> None:
        """Input coefficients that take effect from the next tick's ordering."""
        self.staged_recipe = recipe

    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """Recipes changed in the last period step take effect before ordering."""
        recipe, self.staged_recipe = self.staged_recipe, None
        return levers if recipe is None else replace(levers, recipe=recipe)

    def after_entry_exit(self, world: World, tick: int) -> None:
        """A firm that left stops stocking its new input."""
        pending = np.flatnonzero(self.state.pending_slot >= 0)  # a few firms at most
        self.state.pending_slot[pending[~world.firms.alive[pending]]] = NOT_PENDING


@PROCESSES.register("behaviour.investment")
class InvestmentProcess(Mechanism):
    """The investment decision (:mod:`abm.behaviour.investment`): the period's situation
    (smoothed margin and disruption) and the extra safety stock it buys."""

    name, key = "behaviour.investment", "investment"

    def __init__(self, world: World, on: bool) -> None:
        super().__init__(world, on)
        firms = world.firms
        n = firms.n
        steady_revenue = firms.price * firms.normal_output
        self.margin = np.divide(world.steady_profit, steady_revenue, out=np.zeros(n),
                                where=steady_revenue > 0)
        self.disruption = np.zeros(n)
        self.extra_safety = np.zeros(n)
        self._safety: np.ndarray | None = None  # (N, 1) safety stock in ticks, derived

    def observe(self, accounts: PeriodAccounts, view: LinkView) -> None:
        """The period's situation: smoothed margin and input disruption."""
        firms, links = self.world.firms, self.world.links
        margin = divide_where(accounts.profit, accounts.revenue, accounts.revenue > EPS)
        self.margin += MARGIN_MEMORY * (margin - self.margin)
        fill = view.mean_over_suppliers(links, links.fill_rate, empty=1.0)
        now = np.maximum(1.0 - fill, 1.0 - firms.availability)
        self.disruption += MARGIN_MEMORY * (now - self.disruption)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """Each firm's safety stock, in ticks of use."""
        if self._safety is None:  # derived once per change of the buffers
            self._safety = (world.config.market.safety_stock_weeks + self.extra_safety)[:, None]
        return replace(levers, safety_weeks=self._safety)

    def buffers_changed(self) -> None:
        """The extra safety stock changed (period step, entrants)."""
        self._safety = None

    def reset_entrants(self, entrants: np.ndarray) -> None:
        """Entrants start without history or extra buffers."""
        for array in (self.extra_safety, self.margin, self.disruption):
            array[entrants] = 0.0
        self._safety = None
