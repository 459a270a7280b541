"""Goods in transit: a ring buffer of shipments per link, and the two final-market routes.

A shipment dispatched at tick ``t`` with lead time ``L`` (>= 1) lands in row ``(t + L) % H``
and is unloaded in the logistics phase of tick ``t + L``; its goods can be used from tick
``t + L + 1`` on. Because each link owns one column, dispatching is a plain fancy-indexed add
with no collisions.

A forward stock near the export market (platform members' overseas warehouses) bridges part
of a chokepoint's delay: those firms' export sales get their own, shorter lead time
(:meth:`Pipeline.advance_export`). A *tracked* share of the export route (members' sales)
is also recorded on its own, as a record beside the goods, not as more goods
(:meth:`Pipeline.track_export`).
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState, LinkState

MARKET_DOMESTIC, MARKET_EXPORT = 0, 1


class Pipeline:
    """Shipments in transit on every link and on the domestic and export market routes.

    Args:
        horizon: ring length; must exceed the longest lead time that can occur.
        link_flow: steady flow per link, used to fill the pipeline at the start.
        link_lead: nominal lead time per link.
        market_flow: steady deliveries per tick on the (domestic, export) routes.
        market_lead: nominal lead time of the (domestic, export) routes.
    """

    def __init__(self, horizon: int, link_flow: np.ndarray, link_lead: np.ndarray,
                 market_flow: np.ndarray, market_lead: np.ndarray) -> None:
        self.horizon = horizon
        self.links = np.zeros((horizon, len(link_flow)))
        self.market = np.zeros((horizon, 2))
        self.market_due = np.zeros((horizon, 2))
        self.tracked = np.zeros((horizon, 2))  # tracked exports: (delivered, due) per row
        # Shipments made before tick 1 arrive at ticks 1..L: the steady state's pipeline.
        ahead = np.arange(horizon)[:, None]
        self.links[:] = np.where((ahead >= 1) & (ahead <= link_lead[None, :]), link_flow, 0.0)
        full = (ahead >= 1) & (ahead <= market_lead[None, :])
        self.market[:] = np.where(full, market_flow, 0.0)
        self.market_due[:] = self.market
        self._in_transit = float(self.links.sum())

    def dispatch(self, tick: int, shipped: np.ndarray, lead: np.ndarray) -> None:
        """Put each link's shipment on the road for ``lead`` ticks."""
        columns = self.__dict__.get("_columns")
        if columns is None or len(columns) != len(shipped):
            columns = self.__dict__["_columns"] = np.arange(len(shipped))
        # Flat indices into the ring (one per link, so no collisions); take + put is about a
        # third faster than a two-index fancy add at 100k firms.
        # Row (tick + lead) mod horizon: every lead is below the horizon, so one conditional
        # subtraction wraps it (an integer modulo over every link costs ten times as much).
        flat_index = lead.astype(np.intp)
        flat_index += tick % self.horizon
        np.subtract(flat_index, self.horizon, out=flat_index, where=flat_index >= self.horizon)
        flat_index *= len(shipped)
        flat_index += columns
        ring = self.links.reshape(-1)
        ring.put(flat_index, ring.take(flat_index) + shipped)
        self._in_transit += float(shipped.sum())

    def unload(self, tick: int) -> np.ndarray:
        """Shipments arriving at ``tick`` per link (the row is cleared)."""
        row = tick % self.horizon
        arrived = self.links[row].copy()
        self.links[row] = 0.0
        self._in_transit -= float(arrived.sum())
        return arrived

    def ship_to_market(self, tick: int, delivered: np.ndarray, demanded: np.ndarray,
                       lead_now: np.ndarray, lead_nominal: np.ndarray) -> None:
        """Send final sales per route; demand is due after the nominal lead time."""
        cols = np.arange(2)
        self.market[(tick + lead_now) % self.horizon, cols] += delivered
        self.market_due[(tick + lead_nominal) % self.horizon, cols] += demanded

    def advance_export(self, tick: int, units: np.ndarray, lead: np.ndarray, lead_now: int
                       ) -> None:
        """Move export sales (already sent with ``lead_now``) to their own lead times: per
        firm, ``units`` arrive after ``lead`` ticks instead (a forward stock near the market
        bridges part of the route's delay)."""
        moved = units * (lead != lead_now)
        if not moved.any():
            return
        self.market[(tick + lead_now) % self.horizon, MARKET_EXPORT] -= float(moved.sum())
        np.add.at(self.market[:, MARKET_EXPORT], (tick + lead) % self.horizon, moved)

    def track_export(self, tick: int, units: np.ndarray, lead: np.ndarray, demanded: float,
                     lead_nominal: int) -> None:
        """Record the tracked exports of this tick: per firm, ``units`` arrive after ``lead``
        ticks; ``demanded`` falls due after the nominal lead."""
        np.add.at(self.tracked[:, 0], (tick + lead) % self.horizon, units)
        self.tracked[(tick + lead_nominal) % self.horizon, 1] += demanded

    def tracked_arrivals(self, tick: int) -> tuple[float, float]:
        """(delivered, due) of the tracked exports at ``tick`` (the row is cleared)."""
        row = tick % self.horizon
        delivered, due = float(self.tracked[row, 0]), float(self.tracked[row, 1])
        self.tracked[row] = 0.0
        return delivered, due

    def market_arrivals(self, tick: int) -> tuple[float, float]:
        """(delivered, due) to final customers at ``tick``, summed over routes."""
        row = tick % self.horizon
        delivered, due = float(self.market[row].sum()), float(self.market_due[row].sum())
        self.market[row] = 0.0
        self.market_due[row] = 0.0
        return delivered, due

    def in_transit(self) -> float:
        """Goods on the road between firms (kept as a running total)."""
        return max(self._in_transit, 0.0)

    def grow(self, tick: int, horizon: int) -> None:
        """Lengthen the ring (for a longer delay) without moving any shipment's arrival tick.

        Args:
            tick: the last tick processed; its row has been unloaded.
            horizon: the new ring length (at least the current one).
        """
        old = self.horizon
        ahead = tick + np.arange(1, old)
        for name in ("links", "market", "market_due", "tracked"):
            buffer = getattr(self, name)
            grown = np.zeros((horizon, *buffer.shape[1:]))
            grown[ahead % horizon] = buffer[ahead % old]
            setattr(self, name, grown)
        self.horizon = horizon

    def add_links(self, count: int) -> None:
        """Make room for ``count`` new links (appended last, nothing in transit on them)."""
        self.links = np.concatenate([self.links, np.zeros((self.horizon, count))], axis=1)


def receive(pipeline: Pipeline, tick: int, firms: FirmState, links: LinkState) -> float:
    """Unload the shipments arriving at ``tick`` into the buyers' input stocks.

    Goods reaching a firm that has left the market are lost.

    Returns:
        The goods written off because their buyer has left.
    """
    arrived = pipeline.unload(tick)
    written_off = 0.0
    if not firms.alive.all():
        to_exited = ~firms.alive[links.buyer]
        written_off = float(arrived[to_exited].sum())
        arrived[to_exited] = 0.0
    inflow = np.bincount(links.slot_key(firms.n_slots), weights=arrived,
                         minlength=firms.input_inventory.size).reshape(firms.n, -1)
    firms.input_inventory += inflow
    firms.on_order = np.maximum(firms.on_order - inflow, 0.0)
    return written_off


def ship_exports(pipeline: Pipeline, tick: int, sales: np.ndarray, demand: np.ndarray,
                 cover: np.ndarray | None, tracked: np.ndarray | None, lead_now: int,
                 lead_nominal: int) -> None:
    """Give each firm's export sales its own lead when a forward stock bridges part of a
    chokepoint's delay, and record the tracked firms' exports (after
    :meth:`Pipeline.ship_to_market` sent all exports on the route).

    Args:
        pipeline: the logistics pipeline.
        tick: this tick.
        sales: per firm, export units sold this tick.
        demand: per firm, export units demanded this tick (due after the nominal lead).
        cover: per firm, ticks of the route's extra delay its forward stock absorbs (None:
            none); whole ticks count.
        tracked: per firm, True if its exports are recorded on their own (None: none).
        lead_now: this tick's lead time of the export route (chokepoint delay included).
        lead_nominal: the export route's nominal lead time.
    """
    lead = np.full(len(sales), lead_now, dtype=np.intp)
    if cover is not None and lead_now > lead_nominal:
        # The tolerance keeps a full stock of W weeks from counting as W - 1 after rounding.
        bridged = np.floor(cover + 1e-9).astype(np.intp)
        lead = lead_nominal + np.maximum(0, lead_now - lead_nominal - bridged)
        pipeline.advance_export(tick, sales, lead, lead_now)
    if tracked is not None:
        pipeline.track_export(tick, sales[tracked], lead[tracked], float(demand[tracked].sum()),
                              lead_nominal)


def on_time_share(delivered: float, due: float) -> float:
    """Deliveries on schedule as a share of what fell due (1 when nothing fell due): the
    engine's ``performance`` and the members' export performance."""
    # np.minimum keeps a NaN (Python's min(1.0, nan) would read 1.0).
    return float(np.minimum(1.0, delivered / due)) if due > 0 else 1.0
