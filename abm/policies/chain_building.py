"""Chain building, "fill / extend the chain" (补链/延链; spec §4, seed 001: the chain-leader
system's work to protect, build, fill, extend and strengthen chains, with investment promotion
that lands projects in the chain quickly).

A *niche* is a (chain, tier, product) group of firm rows; a vacant row (its firm exited) is a
place an entrant may take (``abm.market.entry_exit``: each tick with probability
``finance.entry_rate``). Every tick (phase 11) the regulator finds the *thin* niches:

* few live firms: fewer than ``thin_share`` of the niche's rows are alive (a missing niche has
  none), or
* high unserved demand: what the niche's live firms owe their buyers (backlog) exceeds
  ``backlog_weeks`` weeks of their normal output.

It promotes entry into the vacant rows of thin niches: their entry probability becomes
``min(1, entry_boost x finance.entry_rate)``, and each entrant there receives a grant of
``grant_per_entrant`` (paid with its first accounts, as a subsidy). The budget is asked before
promoting: only as many vacant rows are promoted as the year's remaining budget could pay a
grant for (thinnest niches first, then by row), so a promoted entrant is always paid and a zero
budget makes the instrument a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from abm.config.fields import param
from abm.core.levers import AccountLevers, SolvencyLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.core.state import FirmState, LinkState
from abm.policies import Budget, Instrument


def niche_of(firms: FirmState) -> np.ndarray:
    """Niche id per firm row: its (chain, tier, product) group (fixed for a row)."""
    n_tiers = int(firms.tier.max()) + 1
    n_products = int(firms.product.max()) + 1
    return (firms.chain * n_tiers + firms.tier) * n_products + firms.product


def thin_niches(firms: FirmState, links: LinkState, niche: np.ndarray, thin_share: float,
                backlog_weeks: float) -> tuple[np.ndarray, np.ndarray]:
    """Which niches are thin, and each niche's alive share of rows.

    Returns:
        (per niche id: True if thin, per niche id: share of its rows alive).
    """
    n_niches = int(niche.max()) + 1
    rows = np.bincount(niche, minlength=n_niches)
    alive = np.bincount(niche, weights=firms.alive, minlength=n_niches)
    share = np.divide(alive, rows, out=np.ones(n_niches), where=rows > 0)
    owed = np.bincount(niche[links.supplier], weights=links.backlog * links.active,
                       minlength=n_niches)
    normal = np.bincount(niche, weights=firms.normal_output * firms.alive, minlength=n_niches)
    unserved = owed > backlog_weeks * normal
    return (rows > 0) & ((share < thin_share) | unserved), share


@INSTRUMENTS.register("chain_building")
class ChainBuilding(Instrument):
    """Targeted entry into thin niches, with a grant per entrant (see the module docstring)."""

    name = "chain_building"

    @dataclass
    class Params:
        """Parameters of chain building."""

        thin_share: float = param(0.5, low=0.0, high=1.0, unit="share",
            meaning="a niche with fewer alive firms than this share of its rows is thin",
            source="assumption")
        backlog_weeks: float = param(4.0, low=0.0, unit="weeks",
            meaning="a niche owing more than this many weeks of its output is thin",
            source="assumption")
        entry_boost: float = param(5.0, low=1.0, high=1000.0, unit="ratio",
            meaning="entry probability of a promoted vacant row / finance.entry_rate",
            source="assumption (investment promotion, seed 001)")
        grant_per_entrant: float = param(500.0, low=0.0, unit="currency/entrant",
            meaning="grant paid to each entrant into a promoted row",
            source="assumption")

    params_type = Params

    def __init__(self, world: World, params: Params, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self.niche = niche_of(world.firms)
        self._promoted = np.zeros(world.firms.n, dtype=bool)
        self._due = np.zeros(world.firms.n)  # grants to pay with the next accounts
        self.promoted_entries = 0

    def solvency(self, world: World, levers: SolvencyLevers) -> SolvencyLevers:
        """Promote entry into the vacant rows of thin niches, as far as the budget goes."""
        firms = world.firms
        self._promoted[:] = False
        vacant = ~firms.alive
        if not vacant.any():
            return levers
        thin, share = thin_niches(firms, world.links, self.niche, self.params.thin_share,
                                  self.params.backlog_weeks)
        candidates = np.flatnonzero(vacant & thin[self.niche])
        if not len(candidates):
            return levers
        grant = self.params.grant_per_entrant
        if grant > 0:
            affordable = int(self.budget.left // grant)
            order = np.lexsort((candidates, share[self.niche[candidates]]))
            candidates = candidates[order[:affordable]]
        if not len(candidates):
            return levers
        self._promoted[candidates] = True
        base = world.config.finance.entry_rate
        rate = (np.full(firms.n, base) if levers.entry_rate is None
                else levers.entry_rate.copy())
        rate[candidates] = np.maximum(rate[candidates],
                                      min(1.0, self.params.entry_boost * base))
        return replace(levers, entry_rate=rate)

    def after_entry_exit(self, world: World, tick: int) -> None:
        """Entrants into promoted rows are granted their payment (paid with the accounts)."""
        firms = world.firms
        entered = np.flatnonzero(self._promoted & firms.alive & (firms.entered_at == tick))
        self._promoted[:] = False
        if not len(entered):
            return
        self.promoted_entries += len(entered)
        grant = self.params.grant_per_entrant
        if grant > 0:
            granted = self.budget.request(self.name, grant * len(entered))
            self._due[entered] += granted / len(entered)

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Pay the grants due."""
        if not self._due.any():
            return levers
        paid, self._due = self._due, np.zeros(world.firms.n)
        return levers.with_subsidy(self.name, paid)

    def outcomes(self) -> dict[str, float]:
        """Entrants into promoted (thin-niche) rows over the run."""
        return {"chain_building_entries": float(self.promoted_entries)}
