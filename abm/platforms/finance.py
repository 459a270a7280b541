"""Supply-chain finance priced on platform data (spec §1; seeds 002, 004).

A platform sees its members' sales through it, so it can lend against them where a bank, which
prices credit on collateral, size and ratings, would refuse. Each member gets a credit line of
``finance_weeks`` weeks of its platform sales value (a moving average over
``FINANCE_MEMORY`` ticks, in list prices), extended through the platform's partner banks; a
member's line for the exit rule is the larger of its bank line and this one. Non-members and
firms without platform sales get none. The interest on drawn credit is the firm's usual rate
(the accounts charge it), so the platform earns nothing on it and its revenue stays its fees.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState

FINANCE_MEMORY = 13  # ticks over which platform sales are averaged (a quarter)


def update_sales(average: np.ndarray, sales_value: np.ndarray) -> np.ndarray:
    """The moving average of each firm's platform sales value after this tick."""
    return average + (sales_value - average) / FINANCE_MEMORY


def credit_line(firms: FirmState, average: np.ndarray, weeks: float,
                bank_line: np.ndarray) -> np.ndarray:
    """Per firm, the credit line with platform finance: members get at least ``weeks`` of
    their average platform sales value."""
    platform_line = weeks * average * (firms.platform >= 0)
    return np.maximum(bank_line, platform_line)
