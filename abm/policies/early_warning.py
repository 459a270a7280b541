"""Early warning (spec §4; seed 004: state supply-chain monitoring and early-warning systems).

The regulator runs a monitoring system that observes the firm and link state the way an
industry-monitoring platform connected to firms' operating data would: each firm's running
availability (share of capacity usable), each link's flow availability (embargoes) and the
extra lead time on sea routes. It sees them ``detection_delay`` ticks late: every tick it keeps
a snapshot (phase 4, after the shocks of the tick are in the state) and acts on the one taken
``detection_delay`` ticks before. It never reads the scenario.

A supplier is *affected* when its observed availability is below ``1 - sensitivity``; a link
is affected when its supplier is, when its own observed flow availability is below
``1 - sensitivity``, or when it runs by sea while sea routes are observed to be delayed. The
buyers of live affected links are *alerted* for ``alert_ticks`` ticks after the last
observation, about the input slots those links serve (the slots *at risk*). An alerted buyer
responds the way a buyer told of a supplier's disruption does (issue 10: "re-source or build
stock early"):

* builds stock (``response`` ``stock`` or ``both``): on its slots at risk its safety stock is
  at least ``market.safety_stock_weeks + extra_safety_weeks`` weeks of use while the alert
  lasts (its other inputs are not at risk and keep their stock);
* re-sources what is actually cut (``response`` ``resource`` or ``both``): on a link to a
  supplier observed below ``down_level`` of its capacity it starts a search as soon as the
  supplier's deliveries fall short (this tick's fill below ``sourcing.switch_threshold``),
  without waiting for the link's slow fill-rate average to get there. A supplier that still
  serves its customers from stock is not left: its stock is the buyer's buffer, and leaving
  costs the relationship's pipeline twice (out and back). The monitoring system also sees
  spare capacity, so the alert sends only as many buyers to search as the other suppliers of
  the same product can carry: links are taken in row order while their expected volume fits
  in the group's idle plant (normal output plus the capacity slack, at current availability,
  minus long-run demand, of the alive suppliers that a search may pick), net of the links
  already searching on an alert. The buyer goes back to its original supplier once it can
  deliver again (relationship memory, ``sourcing.relationship_memory``).

The system costs ``cost_per_tick`` every tick from the regulator's budget; a tick it cannot
pay in full it does not run (no snapshot, no alerts), so a zero budget makes it a no-op
(unless ``cost_per_tick`` is 0: a free system always runs).

Why this response (issue 10, session 14): the first version sent every alerted buyer of a
supplier observed down to search at once. In the default regional disaster that moved nearly
all of region 0's links within a week to suppliers whose slack could not carry them, dropped
the region-0 suppliers' stocks and order books, and brought the links back four to six weeks
later to suppliers that had stopped buying inputs; with the stock floor on every input of
half the firms ending at once, chains fell into a low-throughput state and losses doubled.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from abm.config.fields import param
from abm.core.levers import OrderLevers, SourcingLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.core.rules import live_links
from abm.core.state import ROUTE_SEA
from abm.policies import Budget, Instrument
from abm.policies.spare_capacity import fitting_links, room

#: A switch threshold above any fill rate (fill rates are at most 1): the search starts now.
SEARCH_NOW = 2.0


@dataclass
class _Snapshot:
    """What the monitoring system recorded at one tick."""

    availability: np.ndarray  # per firm
    flow: np.ndarray  # per link (links may be added later: shorter than links.n then)
    sea_delayed: bool


@INSTRUMENTS.register("early_warning")
class EarlyWarning(Instrument):
    """The regulator's monitoring and early-warning system (see the module docstring)."""

    name = "early_warning"

    @dataclass
    class Params:
        """Parameters of the early-warning system."""

        detection_delay: int = param(2, low=0, high=52, unit="ticks",
            meaning="ticks between a disruption in the firm state and the regulator seeing it",
            source="assumption; seed 004 (monitoring on firms' operating data, near real time)")
        sensitivity: float = param(0.1, low=0.0, high=1.0, unit="share",
            meaning="capacity or flow lost before a supplier or link counts as affected",
            source="assumption")
        alert_ticks: int = param(8, low=1, high=104, unit="ticks",
            meaning="ticks an alert lasts after the last observation of the disruption",
            source="assumption")
        response: str = param("both", choices=("both", "resource", "stock"), unit="choice",
            meaning="what alerted buyers do: re-source early, build stock, or both",
            source="issue 10 (alerted buyers re-source or build stock early)")
        down_level: float = param(0.5, low=0.0, high=1.0, unit="share",
            meaning="observed availability below which alerted buyers re-source as soon as "
                    "deliveries fall short",
            source="C (= sourcing.min_availability: a supplier no search would pick)")
        extra_safety_weeks: float = param(2.0, low=0.0, high=52.0, unit="weeks",
            meaning="safety stock added on alerted buyers' inputs at risk (on "
                    "market.safety_stock_weeks)",
            source="assumption (doubles the default buffer)")
        cost_per_tick: float = param(200.0, low=0.0, unit="currency/tick",
            meaning="operating cost of the monitoring system, from the regulator's budget",
            source="assumption (about 0.2% of the default economy's weekly value added)")

    params_type = Params

    def __init__(self, world: World, params: Params, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self._history: deque[_Snapshot] = deque(maxlen=params.detection_delay + 1)
        self._running = False  # paid for this tick
        firms = world.firms
        self._firm_until = np.full(firms.n, -1)  # alerted (buyer) up to this tick
        self._slot_until = np.full((firms.n, firms.n_slots), -1)  # input slots at risk
        self._down = np.zeros(world.links.n, dtype=bool)  # alerted links to down suppliers
        self._searching = np.zeros(world.links.n, dtype=bool)  # searches the alert started
        self._fill = np.full(world.links.n, np.nan)  # this tick's fill per link
        self.alerts = 0  # buyer-alerts raised over the run (a buyer counts once per episode)
        self.searches = 0  # searches the alert started over the run

    def begin_tick(self, world: World, tick: int) -> None:
        """Pay for this tick's operation (the system does not run a tick it cannot pay)."""
        cost = self.params.cost_per_tick
        # Checked first so that a tick the budget cannot pay in full is not paid in part.
        self._running = cost <= self.budget.left
        if self._running and cost > 0:
            self.budget.request(self.name, cost)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """Observe, raise alerts from the delayed observation, and ask alerted buyers for
        stock on their inputs at risk."""
        if not self._running:
            return levers
        firms, links, tick = world.firms, world.links, world.tick
        self._history.append(_Snapshot(firms.availability.copy(), links.flow_availability.copy(),
                                       world.extra_sea_lead > 0))
        if len(self._history) == self._history.maxlen:
            self._alert(world, self._history[0], tick)
        at_risk = self._slot_until >= tick
        if not at_risk.any() or self.params.response == "resource":
            return levers
        base = world.config.market.safety_stock_weeks
        floor = np.where(at_risk, base + self.params.extra_safety_weeks, 0.0)
        if levers.min_safety_weeks is not None:
            floor = np.maximum(floor, levers.min_safety_weeks)
        return replace(levers, min_safety_weeks=floor)

    def _alert(self, world: World, seen: _Snapshot, tick: int) -> None:
        """Alert the buyers of live links that the observation shows as affected."""
        firms, links = world.firms, world.links
        cut = 1.0 - self.params.sensitivity
        n_seen = min(len(seen.flow), links.n)
        affected = np.zeros(links.n, dtype=bool)
        affected[:n_seen] = seen.flow[:n_seen] < cut
        affected |= seen.availability[links.supplier] < cut
        if seen.sea_delayed:
            affected |= links.route == ROUTE_SEA
        affected &= live_links(firms, links)
        # Re-sourcing follows the latest observation only (a recovered supplier is kept).
        self._down = affected & (seen.availability[links.supplier] < self.params.down_level)
        if not affected.any():
            return
        buyers = np.unique(links.buyer[affected])
        self.alerts += int((self._firm_until[buyers] < tick).sum())
        self._firm_until[buyers] = tick + self.params.alert_ticks
        self._slot_until[links.buyer[affected], links.slot[affected]] = (
            tick + self.params.alert_ticks)

    def signals(self, world: World, tick: int, production: Any) -> None:
        """Keep this tick's fill per link (what the buyers just received of what was due)."""
        self._fill = production.fill

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Alerted buyers search at once on links to down suppliers that fall short, as far
        as the other suppliers' spare capacity can carry them."""
        if not self._running or self.params.response == "stock":
            return levers
        firms, links = world.firms, world.links
        n = links.n
        down = np.zeros(n, dtype=bool)
        down[:len(self._down)] = self._down[:n]
        searching = np.zeros(n, dtype=bool)
        searching[:len(self._searching)] = self._searching[:n]
        searching &= down  # a supplier no longer observed down is kept
        fill = np.full(n, np.nan)
        fill[:len(self._fill)] = self._fill[:n]
        short = down & ~searching & (fill < world.config.sourcing.switch_threshold)
        if short.any():
            start = fitting_links(firms, links, np.flatnonzero(short),
                                  room(world, searching))
            searching[start] = True
            self.searches += len(start)
        self._searching = searching
        if not searching.any():
            return levers
        floor = np.where(searching, SEARCH_NOW, 0.0)
        if levers.min_threshold is not None:
            floor = np.maximum(floor, levers.min_threshold)
        return replace(levers, min_threshold=floor)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """A re-sourced link has a new supplier: the alert was about the old one."""
        done = rewired[rewired < len(self._down)]
        self._down[done] = False
        self._searching[done[done < len(self._searching)]] = False

    def after_entry_exit(self, world: World, tick: int) -> None:
        """An entrant in a row does not inherit the row's alert."""
        fresh = world.firms.entered_at == tick
        fresh &= world.firms.alive
        self._firm_until[fresh] = -1
        self._slot_until[fresh] = -1

    def outcomes(self) -> dict[str, float]:
        """Alerts raised and searches started over the run."""
        return {"early_warning_alerts": float(self.alerts),
                "early_warning_searches": float(self.searches)}
