"""Digital platforms (spec §1, §7), one module per concern, run as one process.

- :mod:`~abm.platforms.fees`: which sales go through a platform, the take in marketplace and
  full-managed mode, the supplier margin on platform sales.
- :mod:`~abm.platforms.membership`: firms join and leave by comparing fees with benefits.
- :mod:`~abm.platforms.data`: members' forecasts use shared end-market demand.
- :mod:`~abm.platforms.matching`: the visible pool of a searching buyer.
- :mod:`~abm.platforms.process`: the ``platforms`` process that ties them to the engine.

Initial membership (:func:`initial_membership`, stream ``platforms``) is drawn by the engine
before the steady state is built. Still elsewhere: platform audits of members' ESG claims
(``behaviour.esg.platform_audit_rate``) and the SaaS boost to members' digital maturity
(``behaviour.digital.platform_boost`` and ``platform_search_factor``).
"""

from __future__ import annotations

import numpy as np

from abm.platforms.membership import NO_PLATFORM
from abm.platforms.process import PlatformProcess

__all__ = ["NO_PLATFORM", "PlatformProcess", "initial_membership"]


def initial_membership(chain_leader: np.ndarray, n_platforms: int, membership_rate: float,
                       rng: np.random.Generator) -> np.ndarray:
    """Each firm's platform id at the start (-1: none); chain leaders never join.

    Each SME joins with probability ``membership_rate``, a uniformly drawn platform.
    """
    n = len(chain_leader)
    platform = np.full(n, NO_PLATFORM)
    if n_platforms > 0:
        joins = (rng.random(n) < membership_rate) & ~chain_leader
        platform[joins] = rng.integers(0, n_platforms, size=int(joins.sum()))
    return platform
