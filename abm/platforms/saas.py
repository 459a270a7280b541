"""SaaS tools: platforms sell their members supply-chain software at low cost (seed 004), so
a member starts with a higher digital maturity.

The platform publishes the head start as ``tools_maturity`` (per firm:
``platforms.saas_boost`` for members, 0 otherwise); the digital mechanism adds it when it draws
starting maturities. Maturity then evolves by the firm's own digital investment.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState


def tools_maturity(firms: FirmState, boost: float) -> np.ndarray:
    """Per firm, the digital maturity its platform's SaaS tools add (0 for non-members)."""
    return boost * (firms.platform >= 0)
