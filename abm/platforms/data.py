"""Data sharing: members' forecasts follow end-market demand shared through the platform.

Upstream of the assemblers a firm sees only its customers' orders, which amplify demand
swings (bullwhip; Lee et al. 1997). A platform pools members' sales data, so a member blends
its own demand signal with the end-market demand scaled to its size:
``signal = (1 - w) * own + w * normal_output * final demand / steady final demand``, with
``w = data_sharing`` for members (0 otherwise). Assemblers see final demand already.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import ASSEMBLY_TIER, FirmState


def shared_signal(firms: FirmState, own: np.ndarray, steady_final: float, weight: float
                  ) -> np.ndarray:
    """Each firm's demand signal after blending in the platform's end-market data.

    Args:
        firms: firm state (this tick's final demand, membership).
        own: the signal each firm would follow without the platform.
        steady_final: total final demand at the steady state.
        weight: ``data_sharing``.
    """
    if weight == 0 or steady_final <= 0:
        return own
    market = firms.normal_output * (firms.final_demand.sum() / steady_final)
    w = weight * ((firms.platform >= 0) & (firms.tier < ASSEMBLY_TIER))
    return (1.0 - w) * own + w * market
