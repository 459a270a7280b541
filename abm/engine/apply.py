"""Applying folded levers to the engine's arrays (the engine's side of the boundary)."""

from __future__ import annotations

import numpy as np

from abm.core.levers import AccountLevers, PlanLevers
from abm.core.state import FirmState, LinkState


def other_costs(levers: AccountLevers, reconstruction: np.ndarray | None = None
                ) -> dict[str, np.ndarray] | None:
    """Named costs for the accounts: the levers' costs, reconstruction spending (endogenous
    recovery), and subsidies as negative costs."""
    if not levers.costs and not levers.subsidies and reconstruction is None:
        return None
    costs = dict(levers.costs)
    if reconstruction is not None:
        costs["reconstruction"] = reconstruction
    costs.update({f"subsidy_{name}": -paid for name, paid in levers.subsidies.items()})
    return costs


def apply_plan(firms: FirmState, links: LinkState, plan: PlanLevers) -> None:
    """Write the processes' plans into the engine's arrays (in place: whoever holds an array
    sees the new values)."""
    for name in PlanLevers.FIRM_FIELDS:
        value = getattr(plan, name)
        if value is not None:
            np.copyto(getattr(firms, name), value)
    if plan.share is not None:
        np.copyto(links.share, plan.share)
    if plan.stocking is not None:
        orders = plan.stocking
        links.backlog[orders.rows] = orders.backlog
        firms.on_order[orders.buyer, orders.slot] += orders.amount
