"""Resource re-dispatch (spec §4; seed 004: an industrial resource-dispatch platform that,
after a supply-chain disruption, helps manufacturers find substitute suppliers quickly; one
firm's re-dispatch kept ~80% of delayed orders within two weeks).

A public platform serves the buyers whose supplier is *down*: live links whose supplier has
exited or runs below ``down_level`` of its capacity (the supplier's current availability,
which its buyers report). The buyers decide themselves whether to replace a supplier (the
engine's rule: the link's fill-rate average falls below the switch threshold, or the supplier
exits); the platform makes the replacement fast and steers it to spare capacity:

* a served buyer's search takes at most ``search_ticks`` ticks, and
* while any buyer is served, every candidate's weight in the supplier draw is multiplied by
  its spare-capacity share to the power ``spare_exponent`` (on top of the market's own
  weighting by spare capacity), so re-matches go to idle capacity.

Each re-match of a served link costs ``cost_per_rematch`` from the regulator's budget. The
platform serves only as many down links (in link order) as the year's remaining budget could
pay a re-match for, so a zero budget makes it a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from abm.config.fields import param
from abm.core.levers import MatchLevers, SourcingLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Budget, Instrument

NO_CAP = np.iinfo(np.int64).max


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
        self.served_links = 0  # link-ticks served over the run
        self.rematches = 0

    def source(self, world: World, levers: SourcingLevers) -> SourcingLevers:
        """Serve the buyers of down suppliers (within the budget): fast searches."""
        firms, links = world.firms, world.links
        down = links.active & firms.alive[links.buyer] & (
            ~firms.alive[links.supplier]
            | (firms.availability[links.supplier] < self.params.down_level))
        served = np.flatnonzero(down)
        cost = self.params.cost_per_rematch
        if cost > 0:  # only what the budget could still pay a re-match for
            served = served[:int(self.budget.left // cost)]
        self._served = np.zeros(links.n, dtype=bool)
        self._served[served] = True
        if not len(served):
            return levers
        self.served_links += len(served)
        fast = np.zeros(firms.n, dtype=bool)
        fast[links.buyer[served]] = True
        cap = np.where(fast, self.params.search_ticks, NO_CAP)
        if levers.max_search_ticks is not None:
            cap = np.minimum(cap, levers.max_search_ticks)
        return replace(levers, max_search_ticks=cap)

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
        if not len(done):
            return
        self.rematches += len(done)
        if self.params.cost_per_rematch > 0:
            self.budget.request(self.name, self.params.cost_per_rematch * len(done))

    def outcomes(self) -> dict[str, float]:
        """Links served (per tick) and links re-matched over the run."""
        return {"resource_dispatch_served": float(self.served_links),
                "resource_dispatch_rematches": float(self.rematches)}
