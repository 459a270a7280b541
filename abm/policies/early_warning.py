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
observation. An alerted buyer

* re-sources early (``response`` ``resource`` or ``both``): it starts a search at once on its
  live links to suppliers observed below ``down_level`` of their capacity (a supplier no
  search would pick: the default is ``sourcing.min_availability``), instead of waiting for the
  link's fill-rate average to fall below ``sourcing.switch_threshold``; and
* builds stock (``response`` ``stock`` or ``both``): its safety stock is at least
  ``market.safety_stock_weeks + extra_safety_weeks`` weeks of use.

The system costs ``cost_per_tick`` every tick from the regulator's budget; a tick it cannot
pay in full it does not run (no snapshot, no alerts), so a zero budget makes it a no-op
(unless ``cost_per_tick`` is 0: a free system always runs).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from abm.config.fields import param
from abm.core.levers import OrderLevers, SourcingLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.core.rules import live_links
from abm.core.state import ROUTE_SEA
from abm.policies import Budget, Instrument

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
            meaning="observed availability below which alerted buyers re-source at once",
            source="C (= sourcing.min_availability: a supplier no search would pick)")
        extra_safety_weeks: float = param(2.0, low=0.0, high=52.0, unit="weeks",
            meaning="safety stock added for alerted buyers (on market.safety_stock_weeks)",
            source="assumption (doubles the default buffer)")
        cost_per_tick: float = param(200.0, low=0.0, unit="currency/tick",
            meaning="operating cost of the monitoring system, from the regulator's budget",
            source="assumption (about 0.2% of the default economy's weekly value added)")

    params_type = Params

    def __init__(self, world: World, params: Params, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self._history: deque[_Snapshot] = deque(maxlen=params.detection_delay + 1)
        self._running = False  # paid for this tick
        self._firm_until = np.full(world.firms.n, -1)  # alerted (buyer) up to this tick
        self._down = np.zeros(world.links.n, dtype=bool)  # alerted links to down suppliers
        self.alerts = 0  # buyer-alerts raised over the run (a buyer counts once per episode)

    def begin_tick(self, world: World, tick: int) -> None:
        """Pay for this tick's operation (the system does not run a tick it cannot pay)."""
        cost = self.params.cost_per_tick
        # Checked first so that a tick the budget cannot pay in full is not paid in part.
        self._running = cost <= self.budget.left
        if self._running and cost > 0:
            self.budget.request(self.name, cost)

    def order(self, world: World, levers: OrderLevers) -> OrderLevers:
        """Observe, raise alerts from the delayed observation, and ask alerted buyers for
        stock."""
        if not self._running:
            return levers
        firms, links, tick = world.firms, world.links, world.tick
        self._history.append(_Snapshot(firms.availability.copy(), links.flow_availability.copy(),
                                       world.extra_sea_lead > 0))
        if len(self._history) == self._history.maxlen:
            self._alert(world, self._history[0], tick)
        alerted = self._firm_until >= tick
        if not alerted.any() or self.params.response == "resource":
            return levers
        base = world.config.market.safety_stock_weeks
        floor = np.where(alerted, base + self.params.extra_safety_weeks, 0.0)[:, None]
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

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Alerted buyers search at once on links to suppliers observed down."""
        if not self._running or self.params.response == "stock":
            return levers
        n = world.links.n
        on = np.zeros(n, dtype=bool)
        on[:len(self._down)] = self._down[:n]
        if not on.any():
            return levers
        floor = np.where(on, SEARCH_NOW, 0.0)
        if levers.min_threshold is not None:
            floor = np.maximum(floor, levers.min_threshold)
        return replace(levers, min_threshold=floor)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """A re-sourced link has a new supplier: the alert was about the old one."""
        self._down[rewired[rewired < len(self._down)]] = False

    def after_entry_exit(self, world: World, tick: int) -> None:
        """An entrant in a row does not inherit the row's alert."""
        fresh = world.firms.entered_at == tick
        self._firm_until[fresh & world.firms.alive] = -1

    def outcomes(self) -> dict[str, float]:
        """Alerts raised over the run."""
        return {"early_warning_alerts": float(self.alerts)}
