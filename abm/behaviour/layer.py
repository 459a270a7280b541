"""Firm behaviour: the ``behaviour`` process that composes the mechanism processes.

Each mechanism is its own process with its own state and streams
(:mod:`abm.behaviour.mechanisms`). This process builds them in a fixed order (ESG, trust,
finance, innovation, digital, upgrading, investment), folds every engine hook through them
in that order, and adds what belongs to no single mechanism: the period's accounts and
spending (:mod:`abm.behaviour.accounts`), the period step that orders their decisions
(:mod:`abm.behaviour.period`), new and reconnected links, entrants, and the outputs
(:mod:`abm.behaviour.metrics`).

========================  =====  ==========================================================
hook                      phase  answered by
========================  =====  ==========================================================
``forecast``              4      digital (demand signal), upgrading (staged recipes)
``order``                 4      digital (planned forecast, early visibility), investment
                                 (safety stock)
``ration``                5      trust (with priority rationing, trusted customers first)
``account``               7      spending and fines (shared), finance (interest rates),
                                 innovation (unit labour cost)
``signals``               8      period accounts (shared), trust (from fulfilment)
``source``                9      trust (switch thresholds), digital (search ticks)
``match``                 9, 11  ESG (supplier attraction and screening)
``after_sourcing``        9      trust (customers lost), priors for reconnected links
``plan``                  10     every ``behaviour.period`` ticks the period step: prices,
                                 shares, capacity, segment and stocking orders as levers
``solvency``              11     finance (credit lines for the exit rule)
``after_entry_exit``      11     upgrading, and fresh state for entrants in every mechanism
``tick_metrics``          12     per-tick series
``publish``               --     spending by use (shared), ESG (rating, verification,
                                 emission rate), innovation (technology), finance (rates)
========================  =====  ==========================================================

A mechanism that is switched off leaves its levers as the engine would have them, so with
every mechanism off the engine computes exactly what it computes without the process;
``tests/test_behaviour_switches.py`` checks this bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from abm.behaviour.accounts import PeriodAccounts, Spending
from abm.behaviour.common import Buffers, append_rows, group_order, link_coefficients
from abm.behaviour.esg import emission_rate
from abm.behaviour.linkindex import rows_of_buyers
from abm.behaviour.mechanisms import (
    DigitalProcess,
    EsgProcess,
    FinanceProcess,
    InnovationProcess,
    InvestmentProcess,
    Mechanism,
    TrustProcess,
    UpgradingProcess,
)
from abm.behaviour.metrics import PeriodRecord, summary_scalars, tick_series
from abm.behaviour.period import run_period
from abm.core.levers import (
    AccountLevers,
    ForecastLevers,
    MatchLevers,
    OrderLevers,
    PlanLevers,
    RationingLevers,
    SolvencyLevers,
    SourcingLevers,
)
from abm.core.process import Process, World
from abm.core.registry import PROCESSES

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
    streams = tuple(s for m in (EsgProcess, TrustProcess, FinanceProcess, InnovationProcess,
                                DigitalProcess, UpgradingProcess, InvestmentProcess)
                    for s in m.streams)

    def __init__(self, world: World, onset: int | None = None) -> None:
        cfg = world.config.behaviour
        self.world, self.cfg = world, cfg
        self.on = {name: cfg.enabled and getattr(cfg, name).enabled for name in MECHANISMS}

        def bound(kind: type[Mechanism]) -> World:
            return world.bound_to(kind.name, kind.streams)

        self.esg = EsgProcess(bound(EsgProcess), self.on["esg"])
        self.trust = TrustProcess(bound(TrustProcess), self.on["trust"], self.esg)
        self.finance = FinanceProcess(bound(FinanceProcess), self.on["finance"])
        self.innovation = InnovationProcess(bound(InnovationProcess), self.on["innovation"])
        self.digital = DigitalProcess(bound(DigitalProcess), self.on["digital"])
        self.upgrading = UpgradingProcess(bound(UpgradingProcess), self.on["upgrading"])
        # Not ``self.investment``: that name is the phase-10 hook of every process.
        self.investing = InvestmentProcess(bound(InvestmentProcess), self.on["investment"])
        self.mechanisms: tuple[Mechanism, ...] = (
            self.esg, self.trust, self.finance, self.innovation, self.digital, self.upgrading,
            self.investing)
        firms = world.firms
        self.spending = Spending.start(firms.n)
        self.accounts = PeriodAccounts.start(firms)
        self.esg.emission_rate = emission_rate(self.esg.state, firms,
                                               self.innovation.state.log_tech, cfg.esg)
        self.record = PeriodRecord.start(self, onset)
        self.last_result: Any = None  # this tick's ProductionResult
        self.hook_calls = 0  # lets tests see that the hooks ran
        self.tier_order = group_order(firms.tier)  # tiers never change: sort once
        self.relative_size = firms.size / float(np.median(firms.size))  # sizes never change
        self._buffers: Buffers = Buffers()  # per-link arrays with room to grow (append_rows)

    def planned_spending(self, world: World) -> np.ndarray | None:
        """Expected investment at the steady state: the engine's starting cash covers it."""
        if not any(self.on[m] for m in ("innovation", "digital", "esg")):
            return None
        return self.cfg.investment.budget_share * np.maximum(world.steady_profit, 0.0)

    # -------------------------------------------------------------- lever folds
    def _fold[L](self, hook: str, levers: L) -> L:
        """Pass ``levers`` through the mechanisms' ``hook`` in their fixed order."""
        for mechanism in self.mechanisms:
            levers = getattr(mechanism, hook)(mechanism.world, levers)
        return levers

    def forecast(self, world: World, levers: ForecastLevers) -> ForecastLevers:
        """Phase 4: demand signal and staged recipes."""
        self.hook_calls += 1
        return self._fold("forecast", levers)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """Phase 4: planned forecast, safety stock, order weights."""
        return self._fold("order", levers)

    def ration(self, world: World, levers: RationingLevers) -> RationingLevers:
        """Phase 5: who is served first."""
        return self._fold("ration", levers)

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Phase 7: spending and fines, then the mechanisms' rates and labour cost."""
        investment, fines = self.spending.due()
        levers = levers.with_cost("investment", investment)
        if fines is not None:
            levers = levers.with_cost("fines", fines)
        return self._fold("account", levers)

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Phase 9: switch thresholds and search times."""
        return self._fold("source", levers)

    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """Phases 9 and 11: supplier attraction and screening."""
        return self._fold("match", levers)

    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """Phase 11: credit lines for the exit rule."""
        return self._fold("solvency", levers)

    # ------------------------------------------------------------------ phase 8
    def signals(self, world: World, tick: int, production: Any) -> None:
        """Revenue and profit for the period's decisions; the mechanisms' signals."""
        self.last_result = production
        self.accounts.book(self.spending.booked)
        for mechanism in self.mechanisms:
            mechanism.signals(mechanism.world, tick, production)
        if tick == self.record.onset_tick:
            self.record.snapshot_onset(self)

    def first_shock(self, onset: int) -> None:
        """A shock was added to a running model: outcome metrics measure from its onset."""
        self.record.onset_tick = onset

    # ------------------------------------------------------------------ phase 9
    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """A switched link starts from the new supplier's prior; the old one lost a customer."""
        if not len(rewired):
            return
        for mechanism in self.mechanisms:
            mechanism.after_sourcing(mechanism.world, tick, rewired)
        self.relink(rewired)

    def relink(self, rows: np.ndarray) -> None:
        """Links (re)connected to a supplier: its prior trust, its route's emissions."""
        if not len(rows):
            return
        self.trust.relink(rows)
        self.esg.relink(rows)

    # ----------------------------------------------------------------- phase 10
    def plan(self, world: World, levers: PlanLevers) -> PlanLevers:
        """Every ``behaviour.period`` ticks: signals, credit, investment and learning; the
        period's prices, order shares, capacity plans, segment switches and stocking orders
        go to the engine as plan levers."""
        tick = world.tick
        if tick % self.cfg.period != 0:
            return levers
        return run_period(self, tick, levers)

    def grow_links(self, rows: np.ndarray) -> None:
        """Extend the per-link arrays after ``World.add_links`` added ``rows``."""
        n_new = len(rows)
        links = self.world.links
        state = self.trust.state
        # Arrays only ever updated in place grow into spare room (see ``append_rows``).
        state.trust = append_rows(state.trust, np.zeros(n_new), self._buffers)
        state.base_share = append_rows(state.base_share, links.share[rows], self._buffers)
        state.supplier = append_rows(state.supplier, links.supplier[rows], self._buffers)
        self.esg.route_emission = append_rows(self.esg.route_emission, np.zeros(n_new),
                                              self._buffers)
        self.digital.state.link_coef = append_rows(
            self.digital.state.link_coef, link_coefficients(self.world.firms, links, rows),
            self._buffers)
        self.esg.grow_links(n_new)
        self.relink(rows)

    # ----------------------------------------------------------------- phase 11
    def after_entry_exit(self, world: World, tick: int) -> None:
        """Entrants get fresh behaviour state; their new links start from priors."""
        firms, links = self.world.firms, self.world.links
        for mechanism in self.mechanisms:
            mechanism.after_entry_exit(mechanism.world, tick)
        if not firms.alive.all():  # a firm that left spends nothing more (the engine books none)
            gone = ~firms.alive
            spending = self.spending
            spending.per_tick[gone] = spending.one_off[gone] = spending.fines_due[gone] = 0.0
        entrants = np.flatnonzero(firms.entered_at == tick)
        entrants = entrants[firms.alive[entrants]]
        if not len(entrants):
            return
        for mechanism in (self.esg, self.innovation, self.digital, self.investing):
            mechanism.reset_entrants(entrants)
        # The engine restarts an entrant's running totals: so do the period marks.
        self.spending.per_tick[entrants] = 0.0
        self.accounts.reset(entrants)
        # Entry reconnects the entrants' own input links; every other switch of supplier was
        # seen already (after_sourcing, grow_links): look at the entrants' rows only.
        rows = rows_of_buyers(links, firms, entrants)
        self.relink(rows[links.supplier[rows] != self.trust.state.supplier[rows]])

    # ----------------------------------------------------------------- phase 12
    def tick_metrics(self) -> dict[str, float]:
        """This tick's behaviour series (see ``abm.behaviour.metrics``)."""
        return tick_series(self)

    def outcomes(self) -> dict[str, float]:
        """Summary scalars of the behaviour layer (merged into the run's summary)."""
        return summary_scalars(self)

    # ------------------------------------------------------- published state (policy)
    def publish(self, name: str) -> np.ndarray | None:
        """Per-firm state policy instruments may read (``World.observe``).

        ``spending_<use>`` (this tick's spending on ``rd``, ``digital`` or ``esg``, gross of
        any state share) is the layer's own; everything else is what a mechanism publishes
        (ESG: ``esg_rating``, ``esg_verified``, ``emission_rate``; innovation:
        ``log_technology``; finance: ``interest_rate``; digital: ``digital_maturity``).
        """
        if name.startswith("spending_"):
            spent = self.spending.by_use.get(name.removeprefix("spending_"))
            # per_tick is zeroed for leavers and entrants; their planned uses are void too.
            return None if spent is None else spent / self.cfg.period * (
                self.spending.per_tick > 0)
        for mechanism in self.mechanisms:
            value = mechanism.publish(name)
            if value is not None:
                return value
        return None
