"""The behaviour layer: firm-behaviour state and the hooks the engine calls each tick.

``EcosystemModel`` owns one layer and calls it at fixed points of a tick (spec §3):

========================  =====  ==========================================================
hook                      phase  what it does
========================  =====  ==========================================================
``demand_signal``         4      the demand each firm's forecast follows (digital)
``order_inputs``          4      planned forecast, per-firm safety stock, early visibility
``rationing_priority``    5      with priority rationing, trusted customers are served first
``account_inputs``        7      per-firm interest rates, unit labour cost, spending and fines
``signals_and_trust``     8      trust from fulfilment, period accumulators
``search_inputs``         9      per-link switch thresholds (trust)
``after_sourcing``        9      priors for new links, customers lost by each supplier
``invest_and_learn``      10     every ``behaviour.period`` ticks: see ``abm.behaviour.period``
``after_entry_exit``      11     entrants get fresh behaviour state
``tick_metrics``          12     per-tick series
========================  =====  ==========================================================

A mechanism that is switched off returns the engine's own (neutral) values from its hooks, so
with every mechanism off the engine computes exactly what it computes without the layer
(:class:`NullBehaviour`); ``tests/test_behaviour_switches.py`` checks this bit for bit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from abm.behaviour import digital, esg, innovation, trust
from abm.behaviour.common import append_rows, group_order, link_coefficients
from abm.behaviour.finance import base_terms
from abm.behaviour.linkindex import rows_of_buyers
from abm.behaviour.metrics import steady_ratios, summary_scalars, tick_series
from abm.behaviour.period import run_period
from abm.behaviour.upgrading import NOT_PENDING, init_upgrading
from abm.market.accounts import steady_cash
from abm.network.spec import ASSEMBLY_TIER

if TYPE_CHECKING:
    from abm.market.production import ProductionResult
    from abm.model import EcosystemModel

MECHANISMS = ("esg", "trust", "finance", "innovation", "digital", "upgrading", "investment")


class NullBehaviour:
    """The engine alone: every hook returns what the engine does without firm behaviour."""

    def first_shock(self, onset: int) -> None:
        """Nothing measures from a shock's onset without firm behaviour."""

    def demand_signal(self) -> np.ndarray | None:
        """No signal: forecasts follow the engine's own demand signal."""
        return None

    def order_inputs(self) -> dict[str, Any]:
        """No extra ordering inputs."""
        return {}

    def rationing_priority(self, priority: np.ndarray | None) -> np.ndarray | None:
        """The engine's priority, unchanged."""
        return priority

    def account_inputs(self) -> dict[str, Any]:
        """No extra accounting inputs."""
        return {}

    def signals_and_trust(self, tick: int, result: ProductionResult) -> None:
        """Nothing to update."""

    def search_inputs(self) -> dict[str, Any]:
        """No extra search inputs."""
        return {}

    def after_sourcing(self, tick: int, rewired: np.ndarray) -> None:
        """Nothing to update."""

    def invest_and_learn(self, tick: int) -> None:
        """Nothing to decide."""

    def after_entry_exit(self, tick: int) -> None:
        """Nothing to reset."""

    def tick_metrics(self) -> dict[str, float]:
        """No extra series."""
        return {}

    def outcomes(self) -> dict[str, float]:
        """No extra summary scalars."""
        return {}


class BehaviourLayer(NullBehaviour):
    """Firm behaviour on top of the engine (docs/odd_firm_behaviour.md).

    Args:
        model: the model, fully built except for the behaviour layer.
    """

    def __init__(self, model: EcosystemModel) -> None:
        cfg = model.config.behaviour
        self.model, self.cfg = model, cfg
        self.on = {name: cfg.enabled and getattr(cfg, name).enabled for name in MECHANISMS}
        firms, links = model.firms, model.links
        self.shock_memory = np.zeros(firms.n)  # recognised disruption of each supplier
        self.rng = {name: model.streams[name] for name in
                    ("esg", "innovation", "digital", "upgrading")}
        n = firms.n
        # State exists for every mechanism (emissions and the reports read it); a mechanism
        # that is off just never changes it.
        self.esg = esg.init_esg(firms, cfg.esg, self.rng["esg"],
                                model.config.network.chain_leader_size)
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
        if self.on["digital"]:
            model.search_ticks[:] = digital.search_ticks(
                self.digital, firms, model.config.sourcing.search_ticks, cfg.digital)
        self.upgrade = init_upgrading(n)
        self.credit = base_terms(firms, model.config.finance)
        self.credit.line = model.credit_line  # the engine's line, until finance sets its own
        self.extra_safety = np.zeros(n)
        self.staged_recipe: np.ndarray | None = None  # input coefficients from the next tick
        self.safety: np.ndarray | None = None  # (N, 1) safety stock in ticks, cached
        self.labour: np.ndarray | None = None  # unit labour cost factor, cached
        self.one_off_due = self.fines_pending = False  # costs waiting for the next accounts
        self.spend_per_tick = np.zeros(n)  # R&D + digital + ESG, booked over the period
        self.spend = {use: np.zeros(n) for use in ("rd", "digital", "esg")}
        self.last_esg_spend = np.zeros(n)  # ESG spending / revenue of the latest period
        self.one_off = np.zeros(n)  # upgrading costs due this tick
        self.fines_due = np.zeros(n)
        self.booked = np.zeros(n)  # behaviour costs booked this tick
        self.booked_total = np.zeros(n)  # ... and since the start (for period profits)
        self.period_revenue = np.zeros(n)
        self.period_profit = np.zeros(n)  # operating profit, before behaviour costs
        # Running totals at the last period step: a period's flows are their differences.
        self.revenue_mark = firms.total_revenue.copy()
        self.profit_mark = firms.total_profit.copy()
        steady_revenue = firms.price * firms.normal_output
        self.margin = np.divide(model.steady_profit, steady_revenue, out=np.zeros(n),
                                where=steady_revenue > 0)
        self.disruption = np.zeros(n)
        self.requirement_gap = np.zeros(n)  # customers' unmet ESG requirement, per review
        self.leader_links: np.ndarray | None = None  # trusting chain-leader links, per review
        self.emission_rate = esg.emission_rate(self.esg, firms, self.tech.log_tech, cfg.esg)
        self.last_ratios = steady_ratios(self)  # emission intensity, tech share of value added
        self.route_emission = np.asarray(cfg.esg.emission_route_factor)[links.route]
        self.last_result: ProductionResult | None = None
        self.forgive: np.ndarray | None = None  # this tick's per-link forgiveness (shocks)
        self.esg_keep = np.ones(links.n)  # per link: ESG preference in the switching decision
        self.keep_threshold = np.full(links.n, model.config.sourcing.switch_threshold)
        self.period_stats: dict[str, float] = {}  # events of the latest period step
        self.period_cache: dict[str, float] = {}  # state statistics as of that step
        onset = model.shock_window.onset
        self.onset_tick = onset if onset is not None else 1
        self.onset_supplier: np.ndarray | None = None  # per link at onset, -1 if not live
        self.esg_at_onset = np.zeros(n)
        self.hook_calls = 0  # lets tests see that the hooks ran
        self.tier_order = group_order(firms.tier)  # tiers never change: sort once
        self.relative_size = firms.size / float(np.median(firms.size))  # sizes never change
        self._technology_rows = np.flatnonzero(firms.technology_intensive)
        # The largest ``keep_threshold`` and the array it was taken from (see search_inputs).
        self._keep_max: tuple[np.ndarray | None, float] = (None, 0.0)
        self._start_cash()

    def _start_cash(self) -> None:
        """Start cash where expected investment is covered, so cash starts near stationary."""
        if not any(self.on[m] for m in ("innovation", "digital", "esg")):
            return
        firms, finance = self.model.firms, self.model.config.finance
        profit = self.model.steady_profit
        expected = self.cfg.investment.budget_share * np.maximum(profit, 0.0)
        firms.cash = steady_cash(firms, profit - expected, finance)

    # ------------------------------------------------------------------ phase 4
    def demand_signal(self) -> np.ndarray | None:
        """The demand each firm's forecast follows this tick."""
        self.hook_calls += 1
        firms = self.model.firms
        if self.on["digital"]:
            return digital.demand_signal(self.digital, firms, self.model.links)
        return np.where(firms.tier == ASSEMBLY_TIER, firms.final_demand, firms.orders_received)

    def order_inputs(self) -> dict[str, Any]:
        """The forecast orders are planned on and each firm's safety stock (ticks of use).

        Recipes changed by upgrading in the last period step take effect here, before
        ordering and production.
        """
        firms = self.model.firms
        if self.staged_recipe is not None:
            firms.input_coef, self.staged_recipe = self.staged_recipe, None
        forecast = (digital.noisy_forecast(self.digital, firms) if self.on["digital"]
                    else firms.forecast)
        if self.safety is None:  # cached until the period step changes the buffers
            self.safety = (self.model.config.market.safety_stock_weeks
                           + self.extra_safety)[:, None]
        if self.on["digital"]:
            seen = digital.early_warning(self.digital, firms, self.model.links, self.cfg.digital)
        else:
            seen = np.ones(self.model.links.n)
        return {"forecast": forecast, "safety_weeks": self.safety, "link_weight": seen}

    # ------------------------------------------------------------------ phase 5
    def rationing_priority(self, priority: np.ndarray | None) -> np.ndarray | None:
        """With priority rationing (``market.rationing=priority``, spec §3 phase 5), trusted
        customers (``trust >= trust.priority_threshold``) are served first along with the
        engine's strategic ones; proportional rationing stays proportional."""
        if not self.on["trust"] or priority is None:
            return priority
        return priority | (self.trust.trust >= self.cfg.trust.priority_threshold)

    # ------------------------------------------------------------------ phase 7
    def account_inputs(self) -> dict[str, Any]:
        """Interest rates, unit labour cost and behaviour costs for this tick's accounts."""
        investment = self.spend_per_tick
        if self.one_off_due:
            investment = investment + self.one_off
            self.one_off = np.zeros_like(self.one_off)
        costs = {"investment": investment}
        self.booked = investment
        if self.fines_pending:
            costs["fines"] = self.fines_due
            self.booked = investment + self.fines_due
            self.fines_due = np.zeros_like(self.fines_due)
        self.one_off_due = self.fines_pending = False
        if self.labour is None:  # cached until the period step changes technology
            self.labour = (innovation.labour_factor(self.tech, self.cfg.innovation)
                           if self.on["innovation"] else np.ones(self.model.firms.n))
        return {"interest_rate": self.credit.rate, "labour_factor": self.labour,
                "other_costs": costs}

    # ------------------------------------------------------------------ phase 8
    def signals_and_trust(self, tick: int, result: ProductionResult) -> None:
        """Trust from this tick's fulfilment; revenue and profit for the period's decisions."""
        firms, links = self.model.firms, self.model.links
        self.last_result = result
        self.booked_total += self.booked
        if self.on["trust"]:
            self.forgive = trust.forgiveness(firms, links, self.esg.reputation,
                                             self.shock_memory,
                                             self.model.effects.extra_sea_lead > 0,
                                             self.cfg.trust)
            trust.update_trust(self.trust.trust, result.fill, self.forgive, self.cfg.trust)
        if tick == self.onset_tick:
            self._snapshot_onset()

    def first_shock(self, onset: int) -> None:
        """A shock was added to a running model: outcome metrics measure from its onset."""
        self.onset_tick = onset

    def _snapshot_onset(self) -> None:
        """Who supplied whom, and suppliers' true ESG, when the shock starts (tick 1 without)."""
        firms, links = self.model.firms, self.model.links
        live = links.active & firms.alive[links.buyer] & firms.alive[links.supplier]
        self.onset_supplier = np.where(live, links.supplier, -1)
        self.esg_at_onset = self.esg.composite().copy()

    # ------------------------------------------------------------------ phase 9
    def search_inputs(self) -> dict[str, Any]:
        """Per-link fill-rate levels below which buyers start looking for a new supplier."""
        base = self.model.config.sourcing.switch_threshold
        links = self.model.links
        if not self.on["trust"]:
            return {"threshold": self.keep_threshold.copy()}
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
        return {"threshold": threshold}

    def after_sourcing(self, tick: int, rewired: np.ndarray) -> None:
        """A switched link starts from the new supplier's prior; the old one lost a customer."""
        if not len(rewired):
            return
        np.add.at(self.trust.lost_customers, self.trust.supplier[rewired], 1.0)
        self._new_links(rewired)

    def _new_links(self, rows: np.ndarray) -> None:
        """Links (re)connected to a supplier: its prior trust, its route's emissions."""
        if not len(rows):
            return
        links = self.model.links
        supplier = links.supplier[rows]
        self.trust.supplier[rows] = supplier
        self.trust.trust[rows] = (trust.prior(self.esg.rating[supplier],
                                              self.esg.reputation[supplier], self.cfg.trust)
                                  if self.on["trust"] else trust.NEUTRAL_TRUST)
        self.route_emission[rows] = np.asarray(self.cfg.esg.emission_route_factor)[
            links.route[rows]]

    # ----------------------------------------------------------------- phase 10
    def invest_and_learn(self, tick: int) -> None:
        """Every ``behaviour.period`` ticks: signals, credit, investment and learning."""
        if tick % self.cfg.period == 0:
            run_period(self, tick)

    def grow_links(self, rows: np.ndarray) -> None:
        """Extend the per-link arrays after ``EcosystemModel.append_links`` added ``rows``."""
        n_new = len(rows)
        links = self.model.links
        state = self.trust
        # Arrays only ever updated in place grow into spare room (see ``append_rows``).
        state.trust = append_rows(state.trust, np.zeros(n_new))
        state.base_share = append_rows(state.base_share, links.share[rows])
        state.supplier = append_rows(state.supplier, links.supplier[rows])
        self.route_emission = append_rows(self.route_emission, np.zeros(n_new))
        self.digital.link_coef = append_rows(
            self.digital.link_coef, link_coefficients(self.model.firms, links, rows))
        self.esg_keep = np.concatenate([self.esg_keep, np.ones(n_new)])
        self.keep_threshold = np.concatenate([
            self.keep_threshold, np.full(n_new, self.model.config.sourcing.switch_threshold)])
        self._new_links(rows)

    # ----------------------------------------------------------------- phase 11
    def after_entry_exit(self, tick: int) -> None:
        """Entrants get fresh behaviour state; their new links start from priors."""
        firms, links = self.model.firms, self.model.links
        pending = np.flatnonzero(self.upgrade.pending_slot >= 0)  # a few firms at most
        self.upgrade.pending_slot[pending[~firms.alive[pending]]] = NOT_PENDING
        if not firms.alive.all():  # a firm that left spends nothing more (the engine books none)
            gone = ~firms.alive
            self.spend_per_tick[gone] = self.one_off[gone] = self.fines_due[gone] = 0.0
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
        for array in (self.extra_safety, self.spend_per_tick, self.period_revenue,
                      self.period_profit, self.margin, self.disruption, self.revenue_mark,
                      self.profit_mark, self.booked_total):
            array[entrants] = 0.0
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
        if np.count_nonzero(self.model.firms.technology_intensive) != len(
                self._technology_rows):
            self._technology_rows = np.flatnonzero(self.model.firms.technology_intensive)
        return self._technology_rows

    def outcomes(self) -> dict[str, float]:
        """Summary scalars of the behaviour layer (merged into the run's summary)."""
        return summary_scalars(self)
