"""ESG and trust as processes: true ESG, ratings and emissions; per-link trust."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from abm.behaviour import esg, trust
from abm.behaviour.accounts import Spending
from abm.behaviour.common import LinkView, at_least, divide_where
from abm.behaviour.mechanisms.base import Mechanism
from abm.config.schema import EsgConfig
from abm.core.levers import MatchLevers, RationingLevers, SourcingLevers
from abm.core.process import World
from abm.core.registry import PROCESSES
from abm.core.state import FirmState


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
               fine_weeks: np.ndarray | None = None, esg_cost: np.ndarray | None = None,
               second_party: np.ndarray | None = None) -> int:
        """Quarterly: ratings, audits and fines (booked on the shared ``spending``; trust cut
        where ``trust_process`` is given), payoffs and imitation of strategies, and the
        buyers' ESG preference on the market. ``review_cfg`` has the per-period rates
        compounded over the review; ``margin`` is the investment mechanism's smoothed margin.
        Policy (:class:`~abm.core.levers.InvestmentLevers`): ``fine_weeks`` per firm replaces
        ``esg.fine_weeks``; ``esg_cost`` (per unit of revenue: carbon cost, green-credit
        discount) counts in the strategy payoff like fines. ``second_party`` per firm is
        the probability of a second-party audit over the review (a platform's).

        Returns:
            The number of greenwashers detected.
        """
        state, cfg, links = self.state, self.cfg, self.world.links
        esg.update_ratings(state, firms.alive, tick, review_cfg, self.rng)
        detected = esg.audit(state, firms, tick, review_cfg, self.rng, second_party)
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
        green = self.world.observe("green_requirement_gap")  # green consumers (platforms)
        if green is not None:
            self.requirement_gap = self.requirement_gap + green
        return len(detected)

    def publish(self, name: str) -> np.ndarray | None:
        """``esg_rating`` (what buyers and banks see), ``esg_verified`` (the rating rests on
        a valid audit), ``emission_rate`` (emissions per unit of output) and
        ``abatement_per_spend`` (the share of its emissions a firm's ESG spending of one
        period's revenue cuts: improvers only, :func:`abm.behaviour.esg.abatement_per_spend`)."""
        if name == "esg_rating":
            return self.state.rating
        if name == "esg_verified":
            return self.state.verified_until >= self.world.tick
        if name == "emission_rate":
            return self.emission_rate
        if name == "abatement_per_spend":
            return esg.abatement_per_spend(self.state, self.cfg)
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
