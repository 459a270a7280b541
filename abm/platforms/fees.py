"""Platform sales, the platform's take and the supplier margin on platform sales.

*Platform sales* of a member are the units it sells through its platform: its export sales
(cross-border e-commerce, seed 002) plus what it ships to buyers that are members of the same
platform (B2B sales matched on the platform). Sales to non-members and domestic final sales
stay off the platform.

The *take* is the share of the list price of a platform sale that the platform keeps. On B2B
sales between members it is the commission ``commission_rate`` in both modes. On export sales
(the cross-border retail channel) it depends on the mode:

- ``marketplace``: the commission, ``commission_rate``.
- ``full_managed``: the platform buys from the supplier at a price it sets and resells at
  the list price abroad. It sets that price by Nash bargaining over the supplier's gross
  margin, keeping ``managed_bargaining_power`` of it: take = beta x gross margin.

The *supplier margin on platform sales* is measured on that cross-border channel, as the gross
margin per unit of list price after the take: ``1 - take - (unit input + labour cost) / price``.
The take is booked as the member's ``platform_fees`` cost and as the platform's revenue, so the
two are equal by construction.
"""

from __future__ import annotations

import numpy as np

from abm.core.rules import row_sum
from abm.core.state import FirmState, LinkState


def unit_variable_cost(firms: FirmState, labour_cost_share: float,
                       rows: np.ndarray | None = None) -> np.ndarray:
    """Per firm (or per firm of ``rows``), input cost plus labour cost of one unit of output
    (at list prices)."""
    at = slice(None) if rows is None else rows
    # row_sum adds the columns in turn, so a row's cost is the same whichever rows are asked.
    inputs = row_sum(firms.input_coef[at] * firms.slot_price[at])
    return inputs + labour_cost_share * firms.unit_value_added[at]


def gross_margin(firms: FirmState, labour_cost_share: float, rows: np.ndarray | None = None
                 ) -> np.ndarray:
    """Per firm (or per firm of ``rows``), (price - unit variable cost) / price: the margin
    before any platform take."""
    price = firms.price if rows is None else firms.price[rows]
    return 1.0 - np.divide(unit_variable_cost(firms, labour_cost_share, rows), price,
                           out=np.ones(len(price)), where=price > 0)


def export_take(firms: FirmState, mode: str, commission_rate: float, bargaining_power: float,
                labour_cost_share: float) -> np.ndarray:
    """Per firm, the share of the list price of an export sale its platform would keep."""
    if mode == "full_managed":
        return bargaining_power * np.maximum(gross_margin(firms, labour_cost_share), 0.0)
    return np.full(firms.n, commission_rate)


def platform_units(firms: FirmState, links: LinkState, shipped: np.ndarray,
                   export_sales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per firm, units sold through its platform this tick: (to members of the same platform,
    exports); 0 for non-members."""
    platform = firms.platform
    seller = platform[links.supplier]
    same = np.flatnonzero((seller >= 0) & (seller == platform[links.buyer]))
    # Links between members of one platform only: the others would add exact zeros.
    to_members = np.bincount(links.supplier[same], weights=shipped[same], minlength=firms.n)
    member = platform >= 0
    return to_members * member, export_sales * member


def by_platform(firms: FirmState, amount: np.ndarray, n_platforms: int) -> np.ndarray:
    """Per-firm amounts summed by platform (non-members dropped)."""
    return np.bincount(firms.platform + 1, weights=amount, minlength=n_platforms + 1)[1:]
