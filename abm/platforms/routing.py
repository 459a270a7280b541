"""Orders + tools: the platform routes unmet orders to members' idle capacity; and route
optimisation of members' shipments.

*Route optimisation* (seed 003: ~15% fewer kilometres, hence lower logistics emissions): a
member's shipments travel ``1 - route_optimisation`` of the kilometres, published per
supplier as ``shipment_km_factor``; the emissions account scales each link's transport
emissions by its supplier's factor.

When ``platforms.order_routing`` is on (or, for the SMEs it supports, a policy instrument
asks for it through ``PlatformLevers.routed``: ``digital_subsidy``'s "orders + tools"
delivery), a buyer searching for a
replacement supplier (its order is unmet: the old supplier failed or fell below its switch
threshold) has the platform route the order: every *routed member* (a member of a platform,
not a chain leader, eligible for routing, with idle plant) is in the searching buyer's visible
pool whether or not the buyer is a member, and its weight in the draw is multiplied by
``1 + routing_weight``. Idle plant already sets the weights (``abm.market.sourcing``), so the
order goes to members that can serve it. Chain leaders run their own platforms and are never
routed to.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState


def routed_members(firms: FirmState, eligible: np.ndarray | None) -> np.ndarray:
    """Per firm, True if the platform routes orders to it (alive SME members, eligible)."""
    routed = (firms.platform >= 0) & firms.alive & ~firms.chain_leader
    return routed if eligible is None else routed & eligible


def attraction(routed: np.ndarray, earlier: np.ndarray | None, weight: float) -> np.ndarray:
    """The supplier-market attraction with routed members weighted ``1 + weight`` more."""
    factor = np.where(routed, 1.0 + weight, 1.0)
    return factor if earlier is None else earlier * factor


def km_factor(firms: FirmState, saving: float) -> np.ndarray:
    """Per firm, the factor on the kilometres of its shipments (``1 - saving`` for members)."""
    return np.array([1.0, 1.0 - saving]).take(firms.platform >= 0)
