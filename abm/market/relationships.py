"""Relationship memory: buyers return to a former supplier (spec §3 phase 9, issue 8).

A buyer whose supplier fails (fill rate below the switching threshold, e.g. its deliveries are
embargoed or its plant is down) finds a replacement (``abm.market.sourcing``). Without memory
that move is permanent: once the shock is over nothing brings the buyer back, so a supplier cut
off for half a year keeps none of its foreign customers, sits idle with its plant and fixed
cost, and leaves the market although its market still exists (the embargo exits of issue 8).
Real buyer-supplier relationships are sticky: they carry relationship-specific investment
(qualification, specifications, logistics, trust), whose value grows with the relationship's
age, so buyers stay with or go back to established suppliers (Martin, Mejean & Parenti 2023,
relationship stickiness; Monarch & Schmidt-Eisenlohr 2023, the value of relationship
longevity; Monarch 2022, switching costs in US-China trade). A replacement found during a
disruption is a stop-gap.

Rule: when a search rewires a link away from a supplier that is still in the market, the link
remembers that supplier (the original one: a stop-gap that fails in turn does not overwrite
it; a former supplier that fails the buyer again after its return gets no third chance). For
up to ``sourcing.relationship_memory`` ticks the buyer goes back as soon as the former supplier
can serve it again: it is alive, runs at ``min_availability`` or more, its plant (normal output
plus slack) minus the expected volume of its current customers covers the volume the buyer
would order from it once the slot's shares are re-split by size, and it does not already
supply the slot. The link is rewired back in place (the stop-gap's backlog is cancelled, the
shares re-split by supplier size), and the orders the buyer piled on the slot's other
suppliers while away (beyond their new share's volume over lead time and one review) are
cancelled, so the buyer re-orders them under the new shares (issue 10). Whether trade is
still blocked (an embargo) shows once goods flow: a buyer that left because deliveries were
blocked waits a quarter before trying; one buyer tests a supplier whose goods were blocked
within memory (the others follow once the trial passes); if the first tick back finds the
link blocked, the buyer reverts to its stop-gap at once and tries again a quarter later.
Deterministic (no random draws), so it shifts no random stream.
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import SourcingConfig
from abm.core.rules import REVIEW_TICKS
from abm.core.state import NOT_SEARCHING, FirmState, LinkState
from abm.market.canvassing import expected_volume
from abm.market.sourcing import SupplierMarket, cancel_backlog, resplit_shares

RETRY_TICKS = 13  # a quarter: how long a buyer waits after finding its former supplier blocked


def cancel_piled_orders(firms: FirmState, links: LinkState, back: np.ndarray) -> None:
    """On the slots of the ``back`` rows (buyers just back with their former supplier), cancel
    what the slot's other suppliers owe beyond their new share's expected volume over their
    lead time and one review: the orders the buyer piled on them while the former supplier was
    away. The buyer's on-order falls by as much, so its order-up-to rule re-orders it, split
    by the re-split shares (mostly from the supplier it is back with)."""
    slot_key = links.slot_key(firms.n_slots)
    returned = np.zeros(firms.input_inventory.size, dtype=bool)
    returned[slot_key[back]] = True
    others = returned[slot_key] & links.active
    others[back] = False
    rows = np.flatnonzero(others)
    if not len(rows):
        return
    due = expected_volume(firms, links)[rows] * (links.lead_time[rows] + REVIEW_TICKS)
    excess = np.maximum(links.backlog[rows] - due, 0.0)
    links.backlog[rows] -= excess
    on_order = firms.on_order.reshape(-1)
    np.subtract.at(on_order, slot_key[rows], excess)
    np.maximum(on_order, 0.0, out=on_order)


class RelationshipMemory:
    """Per link row: the former supplier a buyer left for a failure, and the return rule
    (module docstring).

    Args:
        n_links: number of link rows at the start (rows appended later are padded in).
        cfg: sourcing parameters (``relationship_memory``, ``min_availability``).
    """

    def __init__(self, n_firms: int, n_links: int, cfg: SourcingConfig) -> None:
        self.cfg = cfg
        self.last_blocked = np.full(n_firms, -RETRY_TICKS - 1, dtype=np.int64)
        self.former = np.full(n_links, -1, dtype=np.int64)
        self.left_at = np.zeros(n_links, dtype=np.int64)
        self.retry_at = np.zeros(n_links, dtype=np.int64)
        self.returned_at = np.full(n_links, -cfg.relationship_memory - 1, dtype=np.int64)
        self.stop_gap = np.full(n_links, -1, dtype=np.int64)  # during the trial tick only
        self.trial: np.ndarray = np.empty(0, dtype=np.int64)

    def _fit(self, n_links: int) -> None:
        """Pad the per-link arrays to the current number of link rows."""
        extra = n_links - len(self.former)
        if extra > 0:
            self.former = np.concatenate([self.former, np.full(extra, -1, dtype=np.int64)])
            self.left_at = np.concatenate([self.left_at, np.zeros(extra, dtype=np.int64)])
            self.retry_at = np.concatenate([self.retry_at, np.zeros(extra, dtype=np.int64)])
            self.returned_at = np.concatenate(
                [self.returned_at, np.full(extra, -self.cfg.relationship_memory - 1)])
            self.stop_gap = np.concatenate([self.stop_gap, np.full(extra, -1, dtype=np.int64)])

    def remember(self, firms: FirmState, links: LinkState, rows: np.ndarray,
                 previous: np.ndarray, tick: int) -> None:
        """Record that the link ``rows`` were rewired by a search away from ``previous``.

        A supplier that has left the market is not remembered; an established supplier
        already remembered is kept when a stop-gap fails in turn.
        """
        if self.cfg.relationship_memory == 0 or not len(rows):
            return
        self._fit(links.n)
        known = self.former[rows]
        keep = (known >= 0) & firms.alive[np.maximum(known, 0)] & (
            tick - self.left_at[rows] <= self.cfg.relationship_memory)
        # A supplier the buyer came back to and that failed it again had its second chance.
        second_chance = tick - self.returned_at[rows] <= self.cfg.relationship_memory
        new = ~keep & firms.alive[previous] & ~second_chance
        self.former[rows[new]] = previous[new]
        self.left_at[rows[new]] = tick
        # Left because deliveries were blocked (the flows of this tick are still the old
        # supplier's): wait a quarter before trying again.
        blocked = links.flow_availability[rows[new]] < 1.0
        self.retry_at[rows[new]] = tick + RETRY_TICKS * blocked

    def step(self, firms: FirmState, links: LinkState, market: SupplierMarket,
             tick: int) -> np.ndarray:
        """Revert blocked trials, then send buyers back to able former suppliers; returns
        the rewired rows."""
        none = np.empty(0, dtype=np.int64)
        if self.cfg.relationship_memory == 0:
            return none
        self._fit(links.n)
        blocked = links.active & (links.flow_availability < 1.0)
        self.last_blocked[links.supplier[blocked]] = tick
        reverted = self._revert_blocked(firms, links, market, tick)
        remembered = np.flatnonzero(self.former[:links.n] >= 0)
        if not len(remembered):
            return reverted
        former = self.former[remembered]
        stale = (~links.active[remembered] | ~firms.alive[former]
                 | (tick - self.left_at[remembered] > self.cfg.relationship_memory))
        self.former[remembered[stale]] = -1
        rows, former = remembered[~stale], former[~stale]
        able = (firms.availability[former] >= self.cfg.min_availability) \
            & (links.search_timer[rows] == NOT_SEARCHING) & (tick >= self.retry_at[rows]) \
            & (tick - self.last_blocked[former] > RETRY_TICKS) \
            & (links.supplier[rows] != former)
        rows, former = rows[able], former[able]
        if not len(rows):
            return reverted
        # Not a slot the former supplier already serves (it may have been re-drawn).
        slot_key = links.slot_key(firms.n_slots)
        current = np.sort(slot_key[links.active] * firms.n + links.supplier[links.active])
        pair = slot_key[rows] * firms.n + former
        where = np.minimum(np.searchsorted(current, pair), len(current) - 1)
        duplicate = current[where] == pair
        self.former[rows[duplicate]] = -1
        rows, former = rows[~duplicate], former[~duplicate]
        # The former supplier takes back only what its plant can serve beside the customers
        # it has now: buyers in row order, each while the cumulated volume fits. A link's
        # volume is what the buyer will order from the former supplier once the slot's shares
        # are re-split by size (not what it orders from the stop-gap, which may be far larger).
        live = links.active & firms.alive[links.supplier]
        normal = firms.normal_output
        slot_size = np.bincount(slot_key[live], weights=normal[links.supplier[live]],
                                minlength=firms.input_inventory.size)
        share = normal[former] / (slot_size[slot_key[rows]] - normal[links.supplier[rows]]
                                  + normal[former])
        buyer = links.buyer[rows]
        volume = share * firms.input_coef[buyer, links.slot[rows]] * firms.forecast[buyer]
        booked = np.bincount(links.supplier, weights=expected_volume(firms, links) * live,
                             minlength=firms.n) + firms.final_demand
        plant = normal * (1.0 + market.capacity_slack) * firms.availability
        order = np.lexsort((rows, former))
        rows, former, volume = rows[order], former[order], volume[order]
        cumulated = np.cumsum(volume)
        start = np.searchsorted(former, former)  # first index of each former supplier
        before = cumulated - volume - np.where(start > 0, cumulated[start - 1], 0.0)
        fits = before + volume <= (plant - booked)[former]
        _, first = np.unique(slot_key[rows] * firms.n + former, return_index=True)
        once = np.zeros(len(rows), dtype=bool)
        once[first] = True
        # A supplier whose goods were blocked within memory is tested by one buyer first
        # (the others follow once that trial passes), so a blockade still in force costs one
        # trial order, not one per buyer.
        tested = tick - self.last_blocked[former] <= self.cfg.relationship_memory
        _, first_of_supplier = np.unique(former, return_index=True)
        lead = np.zeros(len(rows), dtype=bool)
        lead[first_of_supplier] = True
        once &= ~tested | lead
        back, former = rows[fits & once], former[fits & once]
        if not len(back):
            return reverted
        self.stop_gap[back] = links.supplier[back]
        self.former[back] = -1
        self.returned_at[back] = tick
        self._rewire(firms, links, market, back, former, tick)
        cancel_piled_orders(firms, links, back)
        self.trial = back
        return np.concatenate([reverted, back])

    def _revert_blocked(self, firms: FirmState, links: LinkState, market: SupplierMarket,
                        tick: int) -> np.ndarray:
        """A buyer whose first tick back finds the link blocked returns to its stop-gap
        (if still alive) and remembers the former supplier for a retry a quarter later."""
        trial, self.trial = self.trial[self.trial < links.n], np.empty(0, dtype=np.int64)
        stop_gap = self.stop_gap[trial]
        self.stop_gap[trial] = -1
        blocked = (links.flow_availability[trial] < 1.0) & links.active[trial] \
            & (stop_gap >= 0) & firms.alive[np.maximum(stop_gap, 0)]
        rows = trial[blocked]
        if not len(rows):
            return np.empty(0, dtype=np.int64)
        self.returned_at[rows] = -self.cfg.relationship_memory - 1  # blocked: not its fault
        self.former[rows] = links.supplier[rows]
        self.retry_at[rows] = tick + RETRY_TICKS
        self._rewire(firms, links, market, rows, stop_gap[blocked], tick)
        return rows

    @staticmethod
    def _rewire(firms: FirmState, links: LinkState, market: SupplierMarket, rows: np.ndarray,
                supplier: np.ndarray, tick: int) -> None:
        cancel_backlog(firms, links, rows)
        market.connect(firms, links, rows, supplier, tick)
        resplit_shares(firms, links, links.buyer[rows], links.slot[rows])
