"""Firm behaviour as one process: its state and the levers it hands the engine each tick.

The engine calls the hooks of :class:`~abm.core.process.Process` at fixed points of a tick
(spec §3); this process answers them as follows:

========================  =====  ==========================================================
hook                      phase  what it does
========================  =====  ==========================================================
``forecast``              4      the demand each forecast follows (digital); staged recipes
``order``                 4      planned forecast, per-firm safety stock, early visibility
``ration``                5      with priority rationing, trusted customers are served first
``account``               7      interest rates, unit labour cost, spending, fines
``signals``               8      trust from fulfilment, period accumulators
``source``                9      per-link switch thresholds (trust), search ticks (digital)
``match``                 9, 11  supplier attraction and screening (ESG)
``after_sourcing``        9      priors for new links, customers lost by each supplier
``invest``                10     every ``behaviour.period`` ticks: see ``abm.behaviour.period``
``solvency``              11     credit lines for the exit rule (finance)
``after_entry_exit``      11     entrants get fresh behaviour state
``tick_metrics``          12     per-tick series
========================  =====  ==========================================================

A mechanism that is switched off leaves its levers neutral, so with every mechanism off the
engine computes exactly what it computes without the process;
``tests/test_behaviour_switches.py`` checks this bit for bit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from abm.behaviour import digital, esg, innovation, trust
from abm.behaviour.accounts import PeriodAccounts, Spending
from abm.behaviour.common import Buffers, append_rows, group_order, link_coefficients
from abm.behaviour.finance import base_terms
from abm.behaviour.linkindex import rows_of_buyers
from abm.behaviour.metrics import steady_ratios, summary_scalars, tick_series
from abm.behaviour.period import run_period
from abm.behaviour.upgrading import NOT_PENDING, init_upgrading
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
from abm.core.rules import demand_seen, live_links

MECHANISMS = ("esg", "trust", "finance", "innovation", "digital", "upgrading", "investment")


@PROCESSES.register("behaviour")
class BehaviourLayer(Process):
    """Firm behaviour on top of the engine (docs/odd_firm_behaviour.md).

    Args:
        world: the model as plug-ins see it.
        onset: first tick of the scenario's shocks (None without), from which outcome
            metrics measure.
    """

    name = "behaviour"
    streams = ("esg", "innovation", "digital", "upgrading")

    def __init__(self, world: World, onset: int | None = None) -> None:
        cfg = world.config.behaviour
        self.world, self.cfg = world, cfg
        self.on = {name: cfg.enabled and getattr(cfg, name).enabled for name in MECHANISMS}
        firms, links = world.firms, world.links
        self.shock_memory = np.zeros(firms.n)  # recognised disruption of each supplier
        self.rng = {name: world.stream(name) for name in self.streams}
        n = firms.n
        # State exists for every mechanism (emissions and the reports read it); a mechanism
        # that is off just never changes it.
        self.esg = esg.init_esg(firms, cfg.esg, self.rng["esg"],
                                world.config.network.chain_leader_size)
        if self.on["esg"]:
            esg.update_ratings(self.esg, firms.alive, 0, cfg.esg, self.rng["esg"])
            self.esg.reputation = self.esg.rating.copy()
        else:
            self.esg.rating = np.full(n, esg.NEUTRAL_RATING)
            self.esg.reputation = np.full(n, esg.NEUTRAL_RATING)
        self.trust = trust.init_trust(links, n, self.esg.rating, self.esg.reputation, cfg.trust,
                                      self.on["trust"])
        self.tech = innovation.init_innovation(firms, cfg.innovation, cfg.upgrading.threshold,
                                               self.rng["innovation"])
        self.digital = digital.init_digital(firms, links, cfg.digital, self.rng["digital"])
        if self.on["digital"]:
            digital.draw_planning_error(self.digital, self.rng["digital"])
        self.search_ticks = np.full(n, world.config.sourcing.search_ticks)
        if self.on["digital"]:
            self.search_ticks[:] = digital.search_ticks(
                self.digital, firms, world.config.sourcing.search_ticks, cfg.digital)
        self.attraction: np.ndarray | None = None  # supplier-market levers (ESG), per review
        self.screen: tuple[np.ndarray, np.ndarray] | None = None
        self.upgrade = init_upgrading(n)
        self.credit = base_terms(firms, world.config.finance)
        self.credit.line = world.base_credit_line  # the engine's, until finance sets its own
        self.extra_safety = np.zeros(n)
        self.staged_recipe: np.ndarray | None = None  # input coefficients from the next tick
        self.safety: np.ndarray | None = None  # (N, 1) safety stock in ticks, cached
        self.labour: np.ndarray | None = None  # unit labour cost factor, cached
        self.spending = Spending.start(n)
        self.accounts = PeriodAccounts.start(firms)
        steady_revenue = firms.price * firms.normal_output
        self.margin = np.divide(world.steady_profit, steady_revenue, out=np.zeros(n),
                                where=steady_revenue > 0)
        self.disruption = np.zeros(n)
        self.requirement_gap = np.zeros(n)  # customers' unmet ESG requirement, per review
        self.leader_links: np.ndarray | None = None  # trusting chain-leader links, per review
        self.emission_rate = esg.emission_rate(self.esg, firms, self.tech.log_tech, cfg.esg)
        self.last_ratios = steady_ratios(self)  # emission intensity, tech share of value added
        self.route_emission = np.asarray(cfg.esg.emission_route_factor)[links.route]
        self.last_result: Any = None  # this tick's ProductionResult
        self.forgive: np.ndarray | None = None  # this tick's per-link forgiveness (shocks)
        self.esg_keep = np.ones(links.n)  # per link: ESG preference in the switching decision
        self.keep_threshold = np.full(links.n, world.config.sourcing.switch_threshold)
        self.period_stats: dict[str, float] = {}  # events of the latest period step
        self.period_cache: dict[str, float] = {}  # state statistics as of that step
        self.onset_tick = onset if onset is not None else 1
        self.onset_supplier: np.ndarray | None = None  # per link at onset, -1 if not live
        self.esg_at_onset = np.zeros(n)
        self.hook_calls = 0  # lets tests see that the hooks ran
        self.tier_order = group_order(firms.tier)  # tiers never change: sort once
        self.relative_size = firms.size / float(np.median(firms.size))  # sizes never change
        self._technology_rows = np.flatnonzero(firms.technology_intensive)
        # The largest ``keep_threshold`` and the array it was taken from (see search_inputs).
        self._keep_max: tuple[np.ndarray | None, float] = (None, 0.0)
        self._buffers: Buffers = Buffers()  # per-link arrays with room to grow (append_rows)

    def planned_spending(self, world: World) -> np.ndarray | None:
        """Expected investment at the steady state: the engine's starting cash covers it."""
        if not any(self.on[m] for m in ("innovation", "digital", "esg")):
            return None
        return self.cfg.investment.budget_share * np.maximum(world.steady_profit, 0.0)

    # ------------------------------------------------------------------ phase 4
    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """The demand each firm's forecast follows this tick, and recipes changed by
        upgrading in the last period step (they take effect before ordering and production).
        """
        self.hook_calls += 1
        firms = world.firms
        signal = (digital.demand_signal(self.digital, firms, world.links) if self.on["digital"]
                  else demand_seen(firms))
        recipe, self.staged_recipe = self.staged_recipe, None
        return replace(levers, demand_signal=signal,
                       recipe=levers.recipe if recipe is None else recipe)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """The forecast orders are planned on and each firm's safety stock (ticks of use)."""
        firms = world.firms
        forecast = (digital.noisy_forecast(self.digital, firms) if self.on["digital"]
                    else firms.forecast)
        if self.safety is None:  # cached until the period step changes the buffers
            self.safety = (world.config.market.safety_stock_weeks
                           + self.extra_safety)[:, None]
        if self.on["digital"]:
            seen = digital.early_warning(self.digital, firms, world.links, self.cfg.digital)
        else:
            seen = np.ones(world.links.n)
        return replace(levers, forecast=forecast, safety_weeks=self.safety, link_weight=seen)

    # ------------------------------------------------------------------ phase 5
    def ration(self, world: World, levers: RationingLevers) -> RationingLevers:
        """With priority rationing (``market.rationing=priority``, spec §3 phase 5), trusted
        customers (``trust >= trust.priority_threshold``) are served first along with the
        engine's strategic ones; proportional rationing stays proportional."""
        if not self.on["trust"] or levers.priority is None:
            return levers
        return replace(levers, priority=levers.priority
                       | (self.trust.trust >= self.cfg.trust.priority_threshold))

    # ------------------------------------------------------------------ phase 7
    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Interest rates, credit lines, unit labour cost and behaviour costs."""
        investment, fines = self.spending.due()
        levers = levers.with_cost("investment", investment)
        if fines is not None:
            levers = levers.with_cost("fines", fines)
        if self.labour is None:  # cached until the period step changes technology
            self.labour = (innovation.labour_factor(self.tech, self.cfg.innovation)
                           if self.on["innovation"] else np.ones(world.firms.n))
        return replace(levers, interest_rate=self.credit.rate, labour_factor=self.labour)

    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """The credit line each firm has (resource empowerment sets it at reviews)."""
        return replace(levers, credit_line=self.credit.line)

    # ------------------------------------------------------------------ phase 8
    def signals(self, world: World, tick: int, production: Any) -> None:
        """Trust from this tick's fulfilment; revenue and profit for the period's decisions."""
        firms, links = world.firms, world.links
        result = production
        self.last_result = result
        self.accounts.book(self.spending.booked)
        if self.on["trust"]:
            self.forgive = trust.forgiveness(firms, links, self.esg.reputation,
                                             self.shock_memory,
                                             world.extra_sea_lead > 0,
                                             self.cfg.trust)
            trust.update_trust(self.trust.trust, result.fill, self.forgive, self.cfg.trust)
        if tick == self.onset_tick:
            self._snapshot_onset()

    def first_shock(self, onset: int) -> None:
        """A shock was added to a running model: outcome metrics measure from its onset."""
        self.onset_tick = onset

    def _snapshot_onset(self) -> None:
        """Who supplied whom, and suppliers' true ESG, when the shock starts (tick 1 without)."""
        live = live_links(self.world.firms, self.world.links)
        self.onset_supplier = np.where(live, self.world.links.supplier, -1)
        self.esg_at_onset = self.esg.composite().copy()

    # ------------------------------------------------------------------ phase 9
    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Per-link fill-rate levels below which buyers start looking for a new supplier,
        and each buyer's search time (digital maturity)."""
        base = world.config.sourcing.switch_threshold
        links = world.links
        if not self.on["trust"]:
            return replace(levers, threshold=self.keep_threshold.copy(),
                           search_ticks=self.search_ticks)
        cfg = self.cfg.trust
        # Thresholds only matter where a fill rate is below the highest one any link could
        # have, or trust is below the distrust level; elsewhere a zero gives the same (no)
        # search, so computing the rule on those links alone is exact and much cheaper.
        if self._keep_max[0] is not self.keep_threshold:  # new per review (and new links)
            self._keep_max = (self.keep_threshold,
                              float(self.keep_threshold.max(initial=-np.inf)))
        highest = min(1.0, max(self._keep_max[1], base) * (1.0 + 0.5 * cfg.switch_sensitivity))
        near = np.flatnonzero((links.fill_rate < highest)
                              | (self.trust.trust < cfg.distrust_threshold))
        threshold = np.zeros(links.n)
        if len(near):
            forgive = None if self.forgive is None else self.forgive[near]
            threshold[near] = trust.switch_threshold(self.trust.trust[near],
                                                     self.keep_threshold[near], cfg, forgive)
        return replace(levers, threshold=threshold, search_ticks=self.search_ticks)

    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """ESG widens the pool a firm is screened into and makes it a likelier pick."""
        if self.attraction is None and self.screen is None:
            return levers
        return replace(levers, attraction=self.attraction, screen=self.screen)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """A switched link starts from the new supplier's prior; the old one lost a customer."""
        if not len(rewired):
            return
        np.add.at(self.trust.lost_customers, self.trust.supplier[rewired], 1.0)
        self._new_links(rewired)

    def _new_links(self, rows: np.ndarray) -> None:
        """Links (re)connected to a supplier: its prior trust, its route's emissions."""
        if not len(rows):
            return
        links = self.world.links
        supplier = links.supplier[rows]
        self.trust.supplier[rows] = supplier
        self.trust.trust[rows] = (trust.prior(self.esg.rating[supplier],
                                              self.esg.reputation[supplier], self.cfg.trust)
                                  if self.on["trust"] else trust.NEUTRAL_TRUST)
        self.route_emission[rows] = np.asarray(self.cfg.esg.emission_route_factor)[
            links.route[rows]]

    # ----------------------------------------------------------------- phase 10
    def invest(self, world: World, tick: int) -> None:
        """Every ``behaviour.period`` ticks: signals, credit, investment and learning."""
        if tick % self.cfg.period == 0:
            run_period(self, tick)

    def grow_links(self, rows: np.ndarray) -> None:
        """Extend the per-link arrays after ``World.add_links`` added ``rows``."""
        n_new = len(rows)
        links = self.world.links
        state = self.trust
        # Arrays only ever updated in place grow into spare room (see ``append_rows``).
        state.trust = append_rows(state.trust, np.zeros(n_new), self._buffers)
        state.base_share = append_rows(state.base_share, links.share[rows], self._buffers)
        state.supplier = append_rows(state.supplier, links.supplier[rows], self._buffers)
        self.route_emission = append_rows(self.route_emission, np.zeros(n_new),
                                          self._buffers)
        self.digital.link_coef = append_rows(
            self.digital.link_coef, link_coefficients(self.world.firms, links, rows),
            self._buffers)
        self.esg_keep = np.concatenate([self.esg_keep, np.ones(n_new)])
        self.keep_threshold = np.concatenate([
            self.keep_threshold, np.full(n_new, self.world.config.sourcing.switch_threshold)])
        self._new_links(rows)

    # ----------------------------------------------------------------- phase 11
    def after_entry_exit(self, world: World, tick: int) -> None:
        """Entrants get fresh behaviour state; their new links start from priors."""
        firms, links = self.world.firms, self.world.links
        pending = np.flatnonzero(self.upgrade.pending_slot >= 0)  # a few firms at most
        self.upgrade.pending_slot[pending[~firms.alive[pending]]] = NOT_PENDING
        if not firms.alive.all():  # a firm that left spends nothing more (the engine books none)
            gone = ~firms.alive
            spending = self.spending
            spending.per_tick[gone] = spending.one_off[gone] = spending.fines_due[gone] = 0.0
        entrants = np.flatnonzero(firms.entered_at == tick)
        entrants = entrants[firms.alive[entrants]]
        if not len(entrants):
            return
        cfg = self.cfg
        esg.reset_entrants(self.esg, entrants, cfg.esg, self.rng["esg"])
        if self.on["esg"]:
            self.esg.rating[entrants] = esg.NEUTRAL_RATING
        innovation.reset_entrants(self.tech, firms, entrants, cfg.innovation,
                                  self.rng["innovation"])
        digital.reset_entrants(self.digital, firms, entrants, cfg.digital, self.rng["digital"])
        # The engine restarts an entrant's running totals: so do the period marks.
        for array in (self.extra_safety, self.spending.per_tick, self.margin, self.disruption):
            array[entrants] = 0.0
        self.accounts.reset(entrants)
        self.safety = self.labour = None
        # Entry reconnects the entrants' own input links; every other switch of supplier was
        # seen already (after_sourcing, grow_links): look at the entrants' rows only.
        rows = rows_of_buyers(links, firms, entrants)
        self._new_links(rows[links.supplier[rows] != self.trust.supplier[rows]])

    # ----------------------------------------------------------------- phase 12
    def tick_metrics(self) -> dict[str, float]:
        """This tick's behaviour series (see ``abm.behaviour.metrics``)."""
        return tick_series(self)

    def technology_rows(self) -> np.ndarray:
        """Indices of the technology-intensive firms (kept for the per-tick series)."""
        # Firms only ever join the segment (upgrading), so an unchanged count is an
        # unchanged set: a count is much cheaper than a mask selection every tick.
        if np.count_nonzero(self.world.firms.technology_intensive) != len(
                self._technology_rows):
            self._technology_rows = np.flatnonzero(self.world.firms.technology_intensive)
        return self._technology_rows

    def outcomes(self) -> dict[str, float]:
        """Summary scalars of the behaviour layer (merged into the run's summary)."""
        return summary_scalars(self)

    # ------------------------------------------------------- published state (policy)
    def publish(self, name: str) -> np.ndarray | None:
        """Per-firm state policy instruments may read (``World.observe``).

        ``esg_rating`` (what buyers and banks see), ``esg_verified`` (the rating rests on a
        valid audit), ``emission_rate`` (emissions per unit of output), ``log_technology``,
        ``interest_rate`` (per tick, on drawn credit) and ``spending_<use>`` (this tick's
        spending on ``rd``, ``digital`` or ``esg``, gross of any state share).
        """
        if name.startswith("spending_"):
            spent = self.spending.by_use.get(name.removeprefix("spending_"))
            # per_tick is zeroed for leavers and entrants; their planned uses are void too.
            return None if spent is None else spent / self.cfg.period * (
                self.spending.per_tick > 0)
        published = {"esg_rating": lambda: self.esg.rating,
                     "esg_verified": lambda: self.esg.verified_until >= self.world.tick,
                     "emission_rate": lambda: self.emission_rate,
                     "log_technology": lambda: self.tech.log_tech,
                     "interest_rate": lambda: self.credit.rate}
        return published[name]() if name in published else None
