"""Supplier replacement and matching (spec §3 phase 9).

A buyer watches each supplier's fill rate (a moving average of what it shipped over what fell
due, see ``abm.market.production``). When it falls below ``switch_threshold``, or the supplier
exits, the buyer starts a search that takes ``search_ticks`` (per buyer, from the sourcing
levers); a search is dropped if the old supplier recovers first. When the search ends the buyer
draws a new supplier of the same product in its chain's tier below, with weight proportional to
the candidate's idle plant in units (region-biased), screening out exited firms and firms
running below ``min_availability``: buyers find the suppliers that can serve them, first those
that lost their customers, and switching does not pile everyone onto a few overloaded
suppliers. The relationship is rewired in place (same link row), the old backlog is cancelled,
the slot's order shares are re-split over its suppliers by normal output, and the time from
failure to replacement is recorded (digital agility).

A process may narrow the search to a *visible pool* (``MatchLevers.visibility``, set by the
acting platforms: past contacts, same-region firms, the buyer's platform, chance
discoveries). The pool only masks the candidates; their weights stay the idle-plant weights
above. A buyer that sees no qualifying candidate keeps searching and retries next tick, so a
narrow pool makes re-sourcing slower.
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import NetworkConfig, SourcingConfig
from abm.core.levers import VisibilityRule
from abm.core.state import NOT_SEARCHING, FirmState, LinkState, route_of
from abm.network.generator import draw_suppliers
from abm.network.spec import normalise_shares


class SupplierMarket:
    """Where buyers look for replacement suppliers: candidates grouped by chain, tier, product.

    Args:
        firms: firm state (group membership is fixed per firm row).
        network: network parameters (regional bias).
        overseas: per region, True if reached by sea.
        lead_by_route: lead time of the local, domestic and sea routes.
        capacity_slack: plant above normal output (``market.capacity_slack``).
    """

    def __init__(self, firms: FirmState, network: NetworkConfig, overseas: np.ndarray,
                 lead_by_route: np.ndarray, capacity_slack: float) -> None:
        self.network = network
        self.capacity_slack = capacity_slack
        self.overseas = overseas
        self.lead_by_route = lead_by_route
        n_products = int(firms.product.max()) + 1
        n_tiers = int(firms.tier.max()) + 1
        self._group = (firms.chain * n_tiers + firms.tier) * n_products + firms.product
        self._n_tiers, self._n_products = n_tiers, n_products
        order = np.argsort(self._group, kind="stable")
        bounds = np.searchsorted(self._group[order], np.arange(self._group.max() + 2))
        self._members = [order[bounds[g]: bounds[g + 1]] for g in range(len(bounds) - 1)]
        # Set by firm behaviour (ESG signals): a per-firm multiplier on a candidate's weight,
        # and (buyer requirement, supplier score) for screening; None = not used.
        self.attraction: np.ndarray | None = None
        self.screen: tuple[np.ndarray, np.ndarray] | None = None
        # Set by the platforms: which candidates each buyer sees (None: all of them).
        self.visibility: VisibilityRule | None = None

    def spare_units(self, firms: FirmState) -> np.ndarray:
        """Idle plant of each firm in units per tick: plant (normal output plus the capacity
        slack, available this tick) minus long-run demand.

        Measured on the plant the firm pays fixed cost for, not on its current staffed
        capacity (which shrinks with demand), so a supplier that lost its customers is the
        most attractive candidate and is found by searching buyers (issue 8).
        """
        plant = firms.normal_output * (1.0 + self.capacity_slack) * firms.availability
        return np.maximum(plant - firms.long_run_demand, 0.0)

    def group_of_firm(self, firm: np.ndarray) -> np.ndarray:
        """Group (chain, tier, product) of each given firm row."""
        return self._group[firm]

    def group_of_need(self, firms: FirmState, buyer: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """Candidate group (chain, tier below, product) for a buyer's input slot."""
        tier_below = firms.chain[buyer] * self._n_tiers + firms.tier[buyer] - 1
        return tier_below * self._n_products + slot

    def draw(self, firms: FirmState, buyer: np.ndarray, slot: np.ndarray, min_availability: float,
             rng: np.random.Generator) -> np.ndarray:
        """One candidate supplier per (buyer, slot), or -1 where no candidate qualifies."""
        picks = np.full(len(buyer), -1)
        groups = self.group_of_need(firms, buyer, slot)
        eligible = firms.alive & (firms.availability >= min_availability)
        weight = eligible * self.spare_units(firms)
        if self.attraction is not None:
            weight = weight * self.attraction
        # Few searches end per tick: plain Python sets beat np.unique's overhead here.
        for g in sorted(set(groups.tolist())):
            rows = np.flatnonzero(groups == g)
            members = self._members[g] if g < len(self._members) else np.empty(0, dtype=int)
            members = members[weight[members] > 0]
            if not len(members):
                continue
            if self.visibility is None:
                picks[rows] = self._draw_screened(rng, buyer[rows], members, weight, firms)
            else:
                seen = self.visibility(buyer[rows], members, rng)
                picks[rows] = self._draw_visible(rng, buyer[rows], members, weight, firms, seen)
        return picks

    def _draw_visible(self, rng: np.random.Generator, buyers: np.ndarray, members: np.ndarray,
                      weight: np.ndarray, firms: FirmState, seen: np.ndarray) -> np.ndarray:
        """Draw among the candidates each buyer sees (``seen``: buyers x members), by the
        same idle-plant weight, regional bias and screen as :meth:`_draw_screened`; -1 for a
        buyer that sees no candidate. The screen is waived when no seen candidate passes."""
        local = np.where(firms.region[members][None, :] == firms.region[buyers][:, None],
                         self.network.regional_bias, 1.0)
        w = weight[members][None, :] * local * seen
        if self.screen is not None:
            requirement, score = self.screen
            passing = score[members][None, :] >= requirement[buyers][:, None]
            screened = w * passing
            w = np.where((screened > 0).any(axis=1)[:, None], screened, w)
        cumulative = np.cumsum(w, axis=1)
        total = cumulative[:, -1]
        draw = rng.random(len(buyers)) * total
        index = np.minimum((cumulative <= draw[:, None]).sum(axis=1), len(members) - 1)
        return np.where(total > 0, members[index], -1)

    def _draw_screened(self, rng: np.random.Generator, buyers: np.ndarray, members: np.ndarray,
                       weight: np.ndarray, firms: FirmState) -> np.ndarray:
        """Draw among candidates that pass each buyer's screen (all of them without one, or
        when none passes)."""
        if self.screen is None:
            return draw_suppliers(rng, buyers, members, weight, firms.region,
                                  self.network.regional_bias, 1)[1]
        requirement, score = self.screen
        # Sorted by score (best first), the candidates passing a buyer's requirement are a
        # prefix, so one cumulative weight per region serves every buyer's own screen.
        ranked = members[np.argsort(-score[members], kind="stable")]
        passing = np.searchsorted(-score[ranked], -requirement[buyers], side="right")
        passing[passing == 0] = len(ranked)  # nobody passes: the screen is waived
        chosen = np.empty(len(buyers), dtype=np.int64)
        buyer_region = firms.region[buyers]
        for region in sorted(set(buyer_region.tolist())):
            rows = np.flatnonzero(buyer_region == region)
            local = np.where(firms.region[ranked] == region, self.network.regional_bias, 1.0)
            cumulative = np.cumsum(weight[ranked] * local)
            limit = passing[rows] - 1
            draw = rng.random(len(rows)) * cumulative[limit]
            index = np.minimum(np.searchsorted(cumulative, draw, side="right"), limit)
            chosen[rows] = ranked[index]
        return chosen

    def connect(self, firms: FirmState, links: LinkState, rows: np.ndarray,
                supplier: np.ndarray, tick: int) -> None:
        """Point link rows at new suppliers and reset their relationship state."""
        links.supplier[rows] = supplier
        links.route[rows] = route_of(firms.region[links.buyer[rows]], firms.region[supplier],
                                     self.overseas)
        links.lead_time[rows] = self.lead_by_route[links.route[rows]]
        links.backlog[rows] = 0.0
        links.fill_rate[rows] = 1.0
        links.search_timer[rows] = NOT_SEARCHING
        links.failed_at[rows] = -1
        links.created_at[rows] = tick


def cancel_backlog(firms: FirmState, links: LinkState, rows: np.ndarray) -> None:
    """Cancel what the given links still owe: the buyers stop counting it as on order."""
    on_order = firms.on_order.reshape(-1)
    np.subtract.at(on_order, links.slot_key(firms.n_slots)[rows], links.backlog[rows])
    np.maximum(on_order, 0.0, out=on_order)
    links.backlog[rows] = 0.0


def update_fill_rates(links: LinkState, fill: np.ndarray, memory: float) -> None:
    """Blend this tick's fill rate into each link's moving average (links owed nothing keep it)."""
    change = fill - links.fill_rate
    # NaN marks "nothing owed": no news. (Not ``nan_to_num``: its checks for infinities, which
    # a fill rate in [0, 1] cannot produce, cost more than the rest of this phase.)
    np.copyto(change, 0.0, where=np.isnan(change))
    links.fill_rate += memory * change


def start_searches(firms: FirmState, links: LinkState, cfg: SourcingConfig, tick: int,
                   search_ticks: np.ndarray, threshold: np.ndarray | None = None) -> int:
    """Begin searches on links whose supplier failed; returns how many began.

    Args:
        firms: firm state.
        links: link state.
        cfg: sourcing parameters.
        tick: current tick.
        search_ticks: per-firm search duration (a buyer's digital agility).
        threshold: per-link fill-rate level below which the buyer searches (firm behaviour:
            trust, early warning); None = ``cfg.switch_threshold`` for all.
    """
    level = cfg.switch_threshold if threshold is None else threshold
    failing = (links.fill_rate < level) | ~firms.alive[links.supplier]
    searching = links.search_timer != NOT_SEARCHING
    # The old supplier came back before a replacement was found: stay with it.
    links.search_timer[searching & ~failing] = NOT_SEARCHING
    start = failing & links.active & firms.alive[links.buyer] & ~searching
    links.search_timer[start] = search_ticks[links.buyer[start]]
    links.failed_at[start] = tick
    return int(start.sum())


def finish_searches(firms: FirmState, links: LinkState, market: SupplierMarket,
                    cfg: SourcingConfig, tick: int, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Advance searches and rewire those that end with a qualifying supplier.

    Returns:
        The rewired link rows and, for each, the ticks from failure to replacement.
    """
    searching = links.search_timer > 0
    links.search_timer[searching] -= 1
    ready = np.flatnonzero((links.search_timer == 0) & links.active)
    if not len(ready):
        return ready, ready
    new = market.draw(firms, links.buyer[ready], links.slot[ready], cfg.min_availability, rng)
    n_slots = firms.n_slots
    slot_key = links.slot_key(n_slots)
    # A key holds its buyer, so only the searching buyers' own links can be duplicates
    # (checking those alone is exact and avoids sorting every link each tick).
    searching_buyer = np.zeros(firms.n, dtype=bool)
    searching_buyer[links.buyer[ready]] = True
    own = np.flatnonzero(links.active & searching_buyer[links.buyer])
    current = slot_key[own] * firms.n + links.supplier[own]
    duplicate = np.isin(slot_key[ready] * firms.n + new, current)
    ok = (new >= 0) & ~duplicate
    rows, new = ready[ok], new[ok]
    # Within one tick two searches of a slot may land on the same supplier: keep the first.
    _, first = np.unique(slot_key[rows] * firms.n + new, return_index=True)
    rows, new = rows[first], new[first]
    cancel_backlog(firms, links, rows)
    waited = tick - links.failed_at[rows]
    market.connect(firms, links, rows, new, tick)
    resplit_shares(firms, links, links.buyer[rows], links.slot[rows])
    return rows, waited


def resplit_shares(firms: FirmState, links: LinkState, buyer: np.ndarray, slot: np.ndarray
                   ) -> None:
    """Re-split the order shares of the given (buyer, slot)s over their live links by
    supplier size, as the generator split them.

    A rewired link must not inherit its old share: a large buyer whose big supplier failed
    would otherwise keep ordering most of its input from whichever (possibly tiny) firm
    replaced it, which can never fill the order, while large suppliers sit idle (issue 8).
    """
    if not len(buyer):
        return
    slot_key = links.slot_key(firms.n_slots)
    affected = np.zeros(firms.input_inventory.size, dtype=bool)
    affected[buyer.astype(np.int64) * firms.n_slots + slot] = True
    rows = np.flatnonzero(affected[slot_key] & links.active & firms.alive[links.supplier])
    links.share[rows] = normalise_shares(links.buyer[rows], links.slot[rows],
                                         firms.normal_output[links.supplier[rows]], firms.n_slots)
