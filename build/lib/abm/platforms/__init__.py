"""Digital platforms (spec §1): membership, commission fees and their collection.

Platform rules live here, in one place: which firms are members at the start
(:func:`initial_membership`, stream ``platforms``), the commission each firm pays on export
revenue (:func:`fee_rate`) and how the fees paid reach each platform (:func:`fees_by_platform`,
booked by ``abm.agents.Platform.collect``). Still elsewhere, to move with the platform-policy
issue: entrants joining no platform (``abm.market.entry_exit``), platform audits of members'
ESG claims (``behaviour.esg.platform_audit_rate``) and the SaaS boost to members' digital
maturity (``behaviour.digital.platform_boost`` and ``platform_search_factor``).
"""

from __future__ import annotations

import numpy as np

from abm.core.state import FirmState

NO_PLATFORM = -1


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
    """Commission each firm pays on export revenue (members of a platform only)."""
    return commission_rate * (firms.platform >= 0)


def fees_by_platform(firms: FirmState, rate: np.ndarray, export_sales: np.ndarray,
                     n_platforms: int) -> np.ndarray:
    """Fees paid this tick to each platform: rate x price x export sales, summed by platform.

    The same amounts are booked as the members' ``platform_fees`` cost in the accounts, so
    the platforms' revenue equals the fees their members paid.
    """
    paid = rate * firms.price * export_sales
    return np.bincount(firms.platform + 1, weights=paid, minlength=n_platforms + 1)[1:]
