"""Resource re-dispatch (spec §4; seed 004: an industrial resource-dispatch platform that,
after a supply-chain disruption, helps manufacturers find substitute suppliers quickly; one
firm's re-dispatch kept ~80% of delayed orders within two weeks).

A public platform serves the buyers whose supplier is *down*: it has exited, or it runs below
``down_level`` of its capacity (its current availability, which its buyers report). The
platform re-matches *delayed orders*: a live link to a down supplier whose deliveries fall
short this tick (fill below ``sourcing.switch_threshold``) is re-matched at once, without
waiting for the buyer to give up on its supplier (the link's slow fill-rate average below the
switch threshold), as far as spare capacity allows: the platform sees the idle plant of every
supplier and starts re-matches in link-row order while the links' expected volume fits in the
idle plant of the down supplier's product group (``abm.policies.spare_capacity``), net of the
re-matches under way. Buyers that search on their own (their supplier exited, or its
fill-rate average fell below the switch threshold) are served too. For every served buyer

* the search takes at most ``search_ticks`` ticks, and
* while any buyer is served, every candidate's weight in the supplier draw is multiplied by
  its spare-capacity share to the power ``spare_exponent`` (on top of the market's own
  weighting by spare capacity), so re-matches go to idle capacity.

A re-matched buyer goes back to its original supplier once that can deliver again
(relationship memory, ``sourcing.relationship_memory``): the re-match is a stop-gap.

Each re-match of a served link costs ``cost_per_rematch`` from the regulator's budget. The
platform serves only as many links (in link order) as the year's remaining budget could pay a
re-match for, so a zero budget makes it a no-op.

Why delayed orders (issue 10, session 14): the first version only shortened searches buyers
had started themselves. In the default regional disaster (six weeks down, eight to recover)
no buyer ever starts one, as the suppliers' stocks keep the fill-rate averages above the
threshold, so the platform had nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from abm.config.fields import param
from abm.core.levers import MatchLevers, SourcingLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Budget, Instrument
from abm.policies.spare_capacity import fitting_links, room

NO_CAP = np.iinfo(np.int64).max
#: A switch threshold above any fill rate (fill rates are at most 1): the search starts now.
SEARCH_NOW = 2.0


def _fit(values: np.ndarray, n: int, fill: Any) -> np.ndarray:
    """``values`` cut or padded (with ``fill``) to ``n`` rows: link rows may be added."""
    out = np.full(n, fill, dtype=np.asarray(values).dtype)
    out[:min(n, len(values))] = values[:n]
    return out


@INSTRUMENTS.register("resource_dispatch")
class ResourceDispatch(Instrument):
    """A public re-dispatch platform for buyers whose suppliers are down (see the module
    docstring)."""

    name = "resource_dispatch"

    @dataclass
    class Params:
        """Parameters of the re-dispatch platform."""

        down_level: float = param(0.5, low=0.0, high=1.0, unit="share",
            meaning="availability below which a supplier counts as down",
            source="C (= sourcing.min_availability: a supplier no search would pick)")
        search_ticks: int = param(2, low=1, high=52, unit="ticks",
            meaning="longest search for a buyer the platform serves",
            source="seed 004 (re-dispatch kept ~80% of delayed orders within two weeks)")
        spare_exponent: float = param(1.0, low=0.0, high=10.0, unit="–",
            meaning="extra weight of a candidate's spare-capacity share in the platform's "
                    "matching (0: the market's own weighting)",
            source="assumption")
        cost_per_rematch: float = param(50.0, low=0.0, unit="currency/link",
            meaning="cost of re-matching one link to a down supplier, from the budget",
            source="assumption")

    params_type = Params

    def __init__(self, world: World, params: Params, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self._served = np.zeros(world.links.n, dtype=bool)  # this tick, per link
        self._matching = np.zeros(world.links.n, dtype=bool)  # re-matches the platform began
        self._fill = np.full(world.links.n, np.nan)  # this tick's fill per link
        self.served_links = 0  # link-ticks served over the run
        self.started = 0  # re-matches the platform began on delayed orders
        self.rematches = 0

    def signals(self, world: World, tick: int, production: Any) -> None:
        """Keep this tick's fill per link (the delayed orders the buyers report)."""
        self._fill = production.fill

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Re-match delayed orders to spare capacity and serve searching buyers (within the
        budget): fast searches."""
        firms, links = world.firms, world.links
        n = links.n
        live = links.active & firms.alive[links.buyer]
        exited = live & ~firms.alive[links.supplier]
        down = live & firms.alive[links.supplier] & (
            firms.availability[links.supplier] < self.params.down_level)
        matching = _fit(self._matching, n, False) & down  # a recovered supplier is kept
        delayed = down & ~matching & (_fit(self._fill, n, np.nan)
                                      < world.config.sourcing.switch_threshold)
        if delayed.any():
            matching[fitting_links(firms, links, np.flatnonzero(delayed),
                                   room(world, matching))] = True
        # Every buyer of a down supplier is served: a search it starts this tick (its supplier
        # exited, or the fill-rate average fell below its threshold) is capped at once.
        served = np.flatnonzero(exited | down)
        cost = self.params.cost_per_rematch
        if cost > 0:  # only what the budget could still pay a re-match for
            served = served[:int(self.budget.left // cost)]
        self._served = np.zeros(n, dtype=bool)
        self._served[served] = True
        self.started += int((self._served & matching & ~_fit(self._matching, n, False)).sum())
        self._matching = matching & self._served
        if not len(served):
            return levers
        self.served_links += len(served)
        fast = np.zeros(firms.n, dtype=bool)
        fast[links.buyer[served]] = True
        cap = np.where(fast, self.params.search_ticks, NO_CAP)
        if levers.max_search_ticks is not None:
            cap = np.minimum(cap, levers.max_search_ticks)
        levers = replace(levers, max_search_ticks=cap)
        if not self._matching.any():
            return levers
        floor = np.where(self._matching, SEARCH_NOW, 0.0)
        if levers.min_threshold is not None:
            floor = np.maximum(floor, levers.min_threshold)
        return replace(levers, min_threshold=floor)

    def match(self, world: World, levers: MatchLevers) -> MatchLevers:
        """While buyers are served, candidates with spare capacity are likelier picks."""
        if not self._served.any() or self.params.spare_exponent == 0:
            return levers
        firms = world.firms
        usable = firms.capacity * firms.availability
        spare = np.divide(np.maximum(usable - firms.long_run_demand, 0.0), usable,
                          out=np.zeros(firms.n), where=usable > 0)
        boost = spare ** self.params.spare_exponent
        if levers.boost is not None:
            boost = boost * levers.boost
        return replace(levers, boost=boost)

    def after_sourcing(self, world: World, tick: int, rewired: np.ndarray) -> None:
        """Pay for the served links that were re-matched."""
        done = rewired[rewired < len(self._served)]
        done = done[self._served[done]]
        self._served[:] = False  # the platform's matching ends with the tick's searches
        self._matching[done[done < len(self._matching)]] = False
        if not len(done):
            return
        self.rematches += len(done)
        if self.params.cost_per_rematch > 0:
            self.budget.request(self.name, self.params.cost_per_rematch * len(done))

    def outcomes(self) -> dict[str, float]:
        """Links served (per tick), re-matches begun on delayed orders, and links re-matched
        over the run."""
        return {"resource_dispatch_served": float(self.served_links),
                "resource_dispatch_started": float(self.started),
                "resource_dispatch_rematches": float(self.rematches)}
