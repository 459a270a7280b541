"""The engine state a period step plans on, handed to the engine as :class:`PlanLevers`.

The period step reprices, reallocates order shares, plans capacity, moves firms into the
technology segment and places stocking orders. It works on a *draft*: the engine's firms
with private copies of the arrays those plans change (:attr:`PlanLevers.FIRM_FIELDS`), and
the links with a private order-share array once shares move. Later decisions of the same
step read the draft, exactly as they read the engine's arrays when the step wrote them in
place; the engine then applies the draft (phase 10, right after the ``plan`` hooks), so
nothing in the behaviour writes an engine-owned array.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from abm.core.levers import PlanLevers, StockingOrders
from abm.core.state import FirmState, LinkState


class PlanDraft:
    """Draft of the engine state that a period step changes.

    Args:
        firms: the engine's firms.
        levers: the plans of the processes folded before this one (their values are the
            starting point).
    """

    def __init__(self, firms: FirmState, levers: PlanLevers) -> None:
        draft = copy.copy(firms)
        for name in PlanLevers.FIRM_FIELDS:
            planned = getattr(levers, name)
            setattr(draft, name, (getattr(firms, name) if planned is None else planned).copy())
        self.firms = draft
        self.share: np.ndarray | None = levers.share
        self.stocking: list[StockingOrders] = []

    def links(self, links: LinkState) -> LinkState:
        """The engine's links with the draft's order shares (the links themselves if none)."""
        if self.share is None:
            return links
        view = copy.copy(links)
        view.share = self.share
        return view

    def levers(self, levers: PlanLevers) -> PlanLevers:
        """``levers`` with this draft's plans."""
        planned = replace(levers, share=self.share,
                          **{name: getattr(self.firms, name) for name in PlanLevers.FIRM_FIELDS})
        for orders in self.stocking:
            planned = planned.with_stocking(orders)
        return planned
