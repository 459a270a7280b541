"""Export logistics: a freight cost per export shipment that a chokepoint raises, and overseas
warehouses that let members ride a chokepoint out (seed 002).

*Freight.* Every export unit pays ``logistics_cost`` of its list price (sea freight to the
export market); while a logistics chokepoint is on (sea routes take longer), each export unit
shipped through it pays ``chokepoint_surcharge`` more (seed 002: a port closure added ~15 days,
the scenario's 2 extra ticks, and ~$800 per container, about 1.2% of a ~$65,000 container of
consumer goods). Both are booked as the named cost ``logistics`` (paid to carriers outside the
model).

*Overseas warehouses.* A platform member keeps a forward stock of ``warehouse_weeks`` weeks of
its steady exports in the platform's warehouse near the export market, paying the platform
``warehouse_fee`` of the stock's list value per week (platform revenue). Customers are served
from that stock and it is replenished by sea. A chokepoint that lengthens the route by ``E``
ticks opens a gap of ``E`` weeks in the replenishment flow, once: the member serves the gap
from its stock (those units reach customers on time and pay no surcharge; later exports were
shipped through the choked route and pay it), so a stock of ``W >= E`` weeks absorbs the delay
in full and ends the chokepoint ``E`` weeks lower; a smaller one absorbs ``W`` of the ``E``
ticks. Timing follows from the same state: the process hands the engine the cover, the weeks
of stock the member held when the chokepoint began (``RationingLevers.export_cover``, phase 5),
and the member's export sales reach customers after ``nominal + max(0, E - cover)`` ticks
(:func:`abm.market.logistics.ship_exports`); non-members' after ``nominal + E``. The stock is
restocked (at normal freight) once the route reopens. The warehouse is modelled by the timing
and cost of export freight, not as extra goods: the quantities sold and shipped are the
engine's, so the goods balance is unchanged.

*Member-specific sea lead times.* A member's shipments on sea links (to or from an overseas
region) leave from the platform's overseas warehouse near the buyer, restocked in bulk, so
they reach the buyer in ``member_sea_lead_factor`` of the route's transit time (chokepoint
delay included: the forward stock rides it out), rounded up and at least one tick
(:func:`member_lead_factor`, the engine's ``RationingLevers.lead_factor``). Non-members' lead
time is the route's alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from abm.core.rules import live_links, scaled_lead
from abm.core.state import ASSEMBLY_TIER, ROUTE_SEA, FirmState, LinkState


class ExportLogistics:
    """Freight costs of exports and members' forward stocks.

    Args:
        firms: firm state at the start (steady exports follow from normal output).
        cfg: the ``PlatformConfig``.
        export_share: share of an assembler's final sales that are exports.
    """

    def __init__(self, firms: FirmState, cfg: Any, export_share: float) -> None:
        self.cfg = cfg
        self.steady_export = np.where(firms.tier == ASSEMBLY_TIER,
                                      firms.normal_output * export_share, 0.0)
        self.stock = self.target(firms)
        self.drawn = np.zeros(firms.n)  # units drawn from the stock in this chokepoint
        self.surcharge_members = 0.0  # chokepoint surcharge paid by members, run total
        self.served_from_stock = 0.0  # export units served from warehouses, run total

    def target(self, firms: FirmState) -> np.ndarray:
        """Per firm, the forward stock it keeps (units; 0 for non-members)."""
        return self.cfg.warehouse_weeks * self.steady_export * (firms.platform >= 0)

    def available(self, firms: FirmState) -> np.ndarray:
        """Per firm, the forward stock it holds now (units; what is left of the stock, at most
        today's target: a firm that left keeps none)."""
        return np.minimum(self.stock, self.target(firms))

    def cover(self, firms: FirmState) -> np.ndarray:
        """Per firm, the weeks of steady exports its stock held when the current chokepoint
        began (before one: now): the ticks of the route's extra delay it absorbs."""
        held = self.available(firms) + self.drawn * (self.target(firms) > 0)
        return np.divide(held, self.steady_export, out=np.zeros(firms.n),
                         where=self.steady_export > 0)

    def step(self, firms: FirmState, export: np.ndarray, extra: int
             ) -> tuple[np.ndarray, np.ndarray]:
        """One tick of export freight.

        Args:
            firms: firm state (prices, membership).
            export: per firm, export units sold this tick.
            extra: ticks a chokepoint adds to sea routes this tick (0: none).

        Returns:
            Per firm, the freight cost (``logistics``) and the warehouse fee due to its
            platform.
        """
        cfg, price = self.cfg, firms.price
        target = self.target(firms)
        self.stock = np.minimum(self.stock, target)  # what is available (see available())
        freight = cfg.logistics_cost * price * export
        if extra > 0:  # serve the replenishment gap (extra weeks of exports) from stock
            self.drawn = self.drawn * (target > 0)
            gap = np.maximum(extra * self.steady_export - self.drawn, 0.0)
            served = np.minimum(np.minimum(export, self.stock), gap)
            self.stock = self.stock - served
            self.drawn = self.drawn + served
            surcharge = cfg.chokepoint_surcharge * price * (export - served)
            member = firms.platform >= 0
            self.surcharge_members += float(surcharge[member].sum())
            self.served_from_stock += float(served.sum())
            freight = freight + surcharge
        else:  # restock through the reopened route at normal freight
            refill = target - self.stock
            freight = freight + cfg.logistics_cost * price * refill
            self.stock = target
            self.drawn = np.zeros(firms.n)
        fee = cfg.warehouse_fee * price * self.stock
        return freight * firms.alive, fee * firms.alive

    def steady_costs(self, firms: FirmState) -> tuple[np.ndarray, np.ndarray]:
        """Per firm, freight and warehouse fee per tick at the steady state."""
        freight = self.cfg.logistics_cost * firms.price * self.steady_export
        return freight, self.cfg.warehouse_fee * firms.price * self.target(firms)


def sea_links(firms: FirmState, links: LinkState) -> tuple[np.ndarray, np.ndarray]:
    """The rows of sea links and, per such row, whether its supplier is a platform member
    (both per-tick rules below look at sea links only, a third of the links or fewer)."""
    sea = np.flatnonzero(links.route == ROUTE_SEA)
    return sea, firms.platform[links.supplier[sea]] >= 0


def member_lead_factor(n_links: int, sea: np.ndarray, member: np.ndarray, factor: float
                       ) -> np.ndarray:
    """Per link, the multiplier on this tick's transit time: ``factor`` on sea links whose
    supplier is a platform member, 1 elsewhere (``sea``, ``member``: :func:`sea_links`)."""
    out = np.ones(n_links)
    out[sea[member]] = factor
    return out


def transit_means(firms: FirmState, links: LinkState, sea: np.ndarray, member: np.ndarray,
                  extra: int, factor: np.ndarray) -> tuple[float, float, int, int]:
    """Sum of this tick's transit ticks on live sea links from members and from non-members,
    and their counts (rounded as the engine rounds them; ``sea``, ``member``:
    :func:`sea_links`, ``factor`` per link)."""
    live = live_links(firms, links, sea)  # on the sea rows only
    transit = scaled_lead(links.lead_time[sea] + extra, factor[sea])
    group = np.where(live, ~member, 2)  # 0: from a member, 1: from a non-member, 2: not live
    # Sums of whole numbers of ticks: exact whatever the order.
    ticks = np.bincount(group, weights=transit, minlength=3)
    count = np.bincount(group, minlength=3)
    return float(ticks[0]), float(ticks[1]), int(count[0]), int(count[1])
