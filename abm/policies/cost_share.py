"""Shared machinery of the instruments that pay a share of firms' spending (R&D, digital).

At each investment decision (every ``behaviour.period`` ticks, phase 10) the instrument offers
per-firm cost shares through :class:`~abm.core.levers.InvestmentLevers`; the firms' decision
sees the subsidised price (their own money buys ``1 / (1 - share)`` as much of the use). Over
the following period, in the accounts (phase 7), the instrument pays its share of what each
firm actually spends on the use (published by the behaviour as ``spending_<use>``), as far as
the regulator's budget goes. Before offering, it scales its shares down to what the budget
left this year can pay for a period at the last observed spending (``affordable``); if the
budget still runs out during the period, each firm's refund is cut pro rata and the firm bears
the rest. With nothing left (or a zero budget) it offers nothing, so the firms decide exactly
as without it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from abm.core.levers import AccountLevers, InvestmentLevers
from abm.core.process import World
from abm.policies import Budget, Instrument


class CostShareInstrument(Instrument):
    """Base of instruments that pay a share of one use of firms' spending.

    Subclasses set ``name`` and ``use`` and implement :meth:`wanted_share`.
    """

    use: ClassVar[str] = "rd"

    def __init__(self, world: World, params: Any, budget: Budget) -> None:
        super().__init__(world, params, budget)
        self.offered = np.zeros(world.firms.n)  # share this instrument pays, per firm
        self.full_share = np.zeros(world.firms.n)  # before the budget scaled it
        self.need_per_tick = 0.0  # full-share refunds per tick at the latest spending

    def wanted_share(self, world: World) -> np.ndarray:
        """Per firm, the share of the use this instrument would pay with enough budget."""
        raise NotImplementedError

    def decides(self, world: World) -> bool:
        """Whether the firms take their investment decisions this tick."""
        return world.tick % world.config.behaviour.period == 0

    def investment(self, world: World, levers: InvestmentLevers) -> InvestmentLevers:
        """Offer this period's cost shares, scaled to what the budget can pay."""
        if not self.decides(world):
            return levers
        self.full_share = self.wanted_share(world) * world.firms.alive
        period_need = self.need_per_tick * world.config.behaviour.period
        left = self.budget.left
        affordable = min(1.0, left / period_need) if period_need > 0 else float(left > 0)
        if affordable <= 0 or not self.full_share.any():
            self.offered = np.zeros(world.firms.n)
            return levers
        levers, self.offered = levers.with_cost_share(self.use, self.full_share * affordable)
        return levers

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Refund the offered share of this tick's spending on the use (within the budget)."""
        spent = world.observe(f"spending_{self.use}")
        if spent is None:
            return levers
        self.need_per_tick = float((self.full_share * spent).sum())
        if not self.offered.any():
            return levers
        return self.refund(levers, self.offered * spent * world.firms.alive)

    def refund(self, levers: AccountLevers, wanted: np.ndarray) -> AccountLevers:
        """Pay ``wanted`` per firm as far as the budget allows (pro rata when it binds)."""
        total = float(wanted.sum())
        granted = self.budget.request(self.name, total) if total > 0 else 0.0
        if granted <= 0:
            return levers
        return levers.with_subsidy(self.name, wanted * (granted / total))
