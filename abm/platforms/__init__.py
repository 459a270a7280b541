"""Digital platforms (spec §1, §7), one module per concern, run as one process.

- :mod:`~abm.platforms.fees`: which sales go through a platform, the take in marketplace and
  full-managed mode, the supplier margin on platform sales.
- :mod:`~abm.platforms.membership`: firms join and leave by comparing fees with benefits.
- :mod:`~abm.platforms.data`: members' forecasts use shared end-market demand.
- :mod:`~abm.platforms.matching`: the visible pool of a searching buyer; members' faster search.
- :mod:`~abm.platforms.audits`: platforms verify members' ESG data.
- :mod:`~abm.platforms.saas`: SaaS tools raise members' digital maturity.
- :mod:`~abm.platforms.process`: the ``platforms`` process that ties them to the engine.

The services (audits, SaaS tools, faster matching) run whenever there are platforms; the rest
only when ``platforms.acting`` is on (staged landing, see the ODD). Not acting, the
platforms only collect the commission on members' export revenue (:func:`fee_rate`), booked
to their platform (:func:`fees_by_platform`).

Initial membership (:func:`initial_membership`, stream ``platforms``) is drawn by the engine
before the steady state is built.
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState
from abm.platforms.membership import NO_PLATFORM
from abm.platforms.process import PlatformProcess

__all__ = ["NO_PLATFORM", "PlatformProcess", "fee_rate", "fees_by_platform",
           "initial_membership"]


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


def fee_rate(firms: FirmState, commission_rate: float) -> np.ndarray:
    """Passive platforms: commission each firm pays on export revenue (members only)."""
    return commission_rate * (firms.platform >= 0)


def fees_by_platform(firms: FirmState, rate: np.ndarray, export_sales: np.ndarray,
                     n_platforms: int) -> np.ndarray:
    """Passive platforms: fees paid this tick to each platform, rate x price x export sales,
    summed by platform (the same amounts members book as ``platform_fees``)."""
    paid = rate * firms.price * export_sales
    return np.bincount(firms.platform + 1, weights=paid, minlength=n_platforms + 1)[1:]
