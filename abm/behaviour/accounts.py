"""The behaviour process's books: period accounts and spending, each its own small object.

:class:`PeriodAccounts` turns the engine's running totals into each period's revenue and
operating profit before behaviour costs (the budget and the margins are decided on these).
:class:`Spending` holds what the period's decisions spend (R&D, digital, ESG, booked evenly
over the period's ticks), one-off upgrading costs and fines, and hands the accounts what is
due each tick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.core.state import FirmState

USES = ("rd", "digital", "esg")


@dataclass
class PeriodAccounts:
    """Per-firm flows of the latest period, from the engine's running totals.

    Attributes:
        revenue_mark, profit_mark: running totals at the last period step.
        revenue, profit: the latest period's revenue and operating profit (before behaviour
            costs).
        booked_total: behaviour costs booked since the start (added back to profits).
    """

    revenue_mark: np.ndarray
    profit_mark: np.ndarray
    revenue: np.ndarray
    profit: np.ndarray
    booked_total: np.ndarray

    @classmethod
    def start(cls, firms: FirmState) -> PeriodAccounts:
        """Books opened at the initial state."""
        n = firms.n
        return cls(revenue_mark=firms.total_revenue.copy(),
                   profit_mark=firms.total_profit.copy(), revenue=np.zeros(n),
                   profit=np.zeros(n), booked_total=np.zeros(n))

    def book(self, costs: np.ndarray) -> None:
        """Behaviour costs booked in this tick's accounts."""
        self.booked_total += costs

    def close_period(self, firms: FirmState) -> None:
        """The period's flows are the differences of the running totals since the last step."""
        profit_total = firms.total_profit + self.booked_total
        self.revenue = firms.total_revenue - self.revenue_mark
        self.profit = profit_total - self.profit_mark
        self.revenue_mark, self.profit_mark = firms.total_revenue.copy(), profit_total

    def reset(self, rows: np.ndarray) -> None:
        """Entrants: the engine restarts their running totals, so do the books."""
        for array in (self.revenue, self.profit, self.revenue_mark, self.profit_mark,
                      self.booked_total):
            array[rows] = 0.0


@dataclass
class Spending:
    """What the behaviour process pays, and when.

    Attributes:
        by_use: the period's spending per firm on R&D, digital and ESG.
        per_tick: their sum, booked evenly over the period's ticks.
        last_esg: ESG spending / revenue of the latest period (for ESG payoffs).
        one_off: upgrading costs due in the next accounts (if ``one_off_due``).
        fines_due: fines due in the next accounts (if ``fines_pending``).
        booked: behaviour costs booked in this tick's accounts.
    """

    by_use: dict[str, np.ndarray]
    per_tick: np.ndarray
    last_esg: np.ndarray
    one_off: np.ndarray
    fines_due: np.ndarray
    booked: np.ndarray
    one_off_due: bool = False
    fines_pending: bool = False

    @classmethod
    def start(cls, n: int) -> Spending:
        """Nothing spent yet."""
        return cls(by_use={use: np.zeros(n) for use in USES}, per_tick=np.zeros(n),
                   last_esg=np.zeros(n), one_off=np.zeros(n), fines_due=np.zeros(n),
                   booked=np.zeros(n))

    def plan(self, by_use: dict[str, np.ndarray], period: int) -> None:
        """The period's decisions: spend ``by_use`` over the next ``period`` ticks."""
        self.by_use = by_use
        self.per_tick = sum(by_use.values()) / period

    def charge_one_off(self, rows: np.ndarray, cost: np.ndarray) -> None:
        """One-off costs of ``rows`` (e.g. starting an upgrade), due in the next accounts."""
        self.one_off[rows] += cost[rows]
        self.one_off_due = len(rows) > 0

    def fine(self, rows: np.ndarray, amounts: np.ndarray) -> None:
        """Fines of ``rows`` (detected greenwashers), due in the next accounts."""
        self.fines_due[rows] += amounts
        self.fines_pending = len(rows) > 0

    def due(self) -> tuple[np.ndarray, np.ndarray | None]:
        """This tick's costs: (investment incl. one-off costs, fines or None); books them."""
        investment = self.per_tick
        if self.one_off_due:
            investment = investment + self.one_off
            self.one_off = np.zeros_like(self.one_off)
        fines = None
        self.booked = investment
        if self.fines_pending:
            fines = self.fines_due
            self.booked = investment + self.fines_due
            self.fines_due = np.zeros_like(self.fines_due)
        self.one_off_due = self.fines_pending = False
        return investment, fines
