"""Supplier-side search: idle suppliers canvass buyers (spec §3 phase 9, issue 8).

Buyers search only when a supplier fails (``abm.market.sourcing``), so once a temporary shock
has driven a supplier's customers to rivals, nothing brings them back: the rivals run above
their normal output and serve them, the idle supplier has no customers, and it exits as
customerless although its market still exists (the embargoed suppliers of issue 8). Real
suppliers look for customers (search and marketing costs to reach buyers: Arkolakis 2010;
two-sided search between sellers and buyers: Eaton, Jinkins, Tybout & Xu 2022), and buyers
move business from stretched suppliers to ones with spare capacity.

Rule: every ``sourcing.canvass_ticks`` ticks, each live supplier whose order book from regular
customers (the expected per-tick volume of its links, ``share x input coefficient x buyer's
forecast``) is below ``sourcing.canvass_below`` of its normal output wins one link of its
market (buyers of its product in the chain's tier above) from the supplier there that runs
furthest above its normal output, provided that supplier stays at or above its normal output
after losing the link. Only excess load moves, so no supplier is pushed below normal and in
a steady state (nobody idle, nobody overloaded) nothing happens. The moved link is rewired in
place as in a buyer's search (backlog cancelled, shares re-split by supplier size).
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import SourcingConfig
from abm.core.state import FirmState, LinkState
from abm.market.sourcing import SupplierMarket, cancel_backlog, resplit_shares

BLOCKED_MEMORY = 13  # ticks (a quarter) buyers remember that a supplier's goods were blocked


def expected_volume(firms: FirmState, links: LinkState) -> np.ndarray:
    """Per link: the buyer's expected per-tick use of the input from this supplier."""
    return (links.share * firms.input_coef[links.buyer, links.slot]
            * firms.forecast[links.buyer] * links.active)


class Canvassing:
    """Supplier-side search (module docstring), with what buyers remember of blocked
    deliveries: a supplier whose shipments the engine blocked (an embargo) within the last
    ``BLOCKED_MEMORY`` ticks is not signed by new buyers, and a buyer whose newly won
    supplier turns out blocked starts a search at once (its fill rate is set to 0).

    Args:
        n: number of firm rows.
        cfg: sourcing parameters.
    """

    def __init__(self, n: int, cfg: SourcingConfig) -> None:
        self.cfg = cfg
        self.last_blocked = np.full(n, -BLOCKED_MEMORY - 1, dtype=np.int64)
        self.won: np.ndarray = np.empty(0, dtype=np.int64)

    def step(self, firms: FirmState, links: LinkState, market: SupplierMarket,
             tick: int) -> np.ndarray:
        """Let idle suppliers win links from overloaded ones; returns the rewired rows.

        Deterministic (no random draws), so it does not shift any random stream.
        """
        none = np.empty(0, dtype=np.int64)
        if self.cfg.canvass_ticks == 0:
            return none
        blocked = links.active & (links.flow_availability < 1.0)
        self.last_blocked[links.supplier[blocked]] = tick
        if len(self.won):  # the buyer sees the deliveries blocked and looks elsewhere
            self.won = self.won[self.won < links.n]
            links.fill_rate[self.won[blocked[self.won]]] = 0.0
        if tick % self.cfg.canvass_ticks:
            return none
        self.won = self._canvass(firms, links, market, tick)
        return self.won

    def _canvass(self, firms: FirmState, links: LinkState, market: SupplierMarket,
                 tick: int) -> np.ndarray:
        cfg, none = self.cfg, np.empty(0, dtype=np.int64)
        volume = expected_volume(firms, links)
        live = links.active & firms.alive[links.supplier] & firms.alive[links.buyer]
        booked = np.bincount(links.supplier, weights=volume * live, minlength=firms.n)
        booked += firms.final_demand
        idle = np.flatnonzero(firms.alive & (firms.availability >= cfg.min_availability)
                              & (booked < cfg.canvass_below * firms.normal_output)
                              & (tick - self.last_blocked > BLOCKED_MEMORY))
        if not len(idle):
            return none
        # A link may move only if its supplier's order book stays at or above its normal
        # output without it. Measured on the same order book as idleness (not on the slow
        # long-run demand), so a rival that loses links never turns idle and canvasses back.
        excess = booked - firms.normal_output
        movable = np.flatnonzero(live & (excess[links.supplier] >= volume) & (volume > 0))
        if not len(movable):
            return none
        link_group = market.group_of_need(firms, links.buyer[movable], links.slot[movable])
        idle_group = market.group_of_firm(idle)
        slot_key = links.slot_key(firms.n_slots)
        current = np.sort(slot_key[links.active] * firms.n + links.supplier[links.active])
        taken, winners = [], []
        # Few groups have idle suppliers at a time: a loop over those groups is cheap.
        for g in sorted(set(idle_group.tolist()) & set(link_group.tolist())):
            rows = movable[link_group == g]
            # Most overloaded supplier first; a stable order keeps the rule reproducible.
            rows = rows[np.argsort(-excess[links.supplier[rows]], kind="stable")]
            for seller in idle[idle_group == g].tolist():
                # Not a slot the seller already supplies; the rival keeps >= normal output.
                pair = slot_key[rows] * firms.n + seller
                where = np.minimum(np.searchsorted(current, pair), len(current) - 1)
                ok = rows[(current[where] != pair)
                          & (excess[links.supplier[rows]] >= volume[rows])]
                if len(ok):
                    taken.append(int(ok[0]))
                    winners.append(seller)
                    excess[links.supplier[ok[0]]] -= volume[ok[0]]
                    rows = rows[rows != ok[0]]
        if not taken:
            return none
        rows, new = np.asarray(taken, dtype=np.int64), np.asarray(winners, dtype=np.int64)
        cancel_backlog(firms, links, rows)
        market.connect(firms, links, rows, new, tick)
        resplit_shares(firms, links, links.buyer[rows], links.slot[rows])
        return rows
