"""Digital platform agents (spec §1): members, commission rate and the fees they collect.

Platform rules (membership, fee rate, fees per platform) live in :mod:`abm.platforms`; the
agent is what users inspect and script, and keeps each platform's books.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from abm.model import EcosystemModel


class Platform(mesa.Agent):
    """An industrial-internet / cross-border e-commerce platform.

    Args:
        model: the ecosystem model.
        platform_id: index used in ``model.firms.platform``.
        commission_rate: fee on members' export revenue.
        mode: ``marketplace`` or ``full_managed``.
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, platform_id: int, commission_rate: float,
                 mode: str) -> None:
        super().__init__(model)
        self.platform_id = platform_id
        self.commission_rate = commission_rate
        self.mode = mode
        self.revenue_total = 0.0
        self.revenue_last = 0.0

    @property
    def members(self) -> np.ndarray:
        """Indices of alive member firms."""
        firms = self.model.firms
        return np.flatnonzero((firms.platform == self.platform_id) & firms.alive)

    def collect(self, fees: float) -> float:
        """Book this tick's commission paid by the members (the same amount the members'
        accounts book as ``platform_fees``); returns it."""
        self.revenue_last = fees
        self.revenue_total += fees
        return fees
