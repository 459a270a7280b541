"""Membership that changes: firms join or leave a platform by comparing fees with benefits.

At every review (each ``review_ticks``) an alive SME values membership of platform ``p``, per
unit of its own revenue, as

    gain = (gm - fee) * sales_uplift * s_p + tools_value - membership_cost - fee + taste
    fee = take_export * e + commission * (1 - e) * s_p

- ``(gm - fee) * sales_uplift * s_p``: orders and visibility. Extra sales (``sales_uplift`` per
  unit of the platform's member share ``s_p`` of alive firms) are worth the firm's gross
  margin net of the platform's take; more members make membership more valuable (indirect
  network effect).
- ``tools_value``: SaaS tools, finance and data; ``membership_cost``: onboarding and listing.
- ``fee``: the expected take per unit of revenue, on the exports (share ``e`` of an
  assembler's sales, 0 upstream) and on the sales to members (about ``s_p`` of the rest).
- ``taste``: a persistent idiosyncratic value, normal with s.d. ``taste_sd``.

A non-member with a positive gain at its best platform joins it with probability
``switch_rate``; a member with a negative gain at its own platform leaves with the same
probability (inertia). Chain leaders never join (they run their own platforms). An entrant
starts outside any platform and decides at once, by the same rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from abm.core.state import ASSEMBLY_TIER, FirmState

NO_PLATFORM = -1


def member_share(platform: np.ndarray, alive: np.ndarray, n_platforms: int) -> np.ndarray:
    """Per platform, its alive members / alive firms."""
    counts = np.bincount(platform[alive] + 1, minlength=n_platforms + 1)[1:]
    return counts / max(1, int(alive.sum()))


def membership_gain(firms: FirmState, platform: np.ndarray, cfg: Any, take_export: np.ndarray,
                    commission: float, gm: np.ndarray, export_share: float, taste: np.ndarray,
                    fee_relief: np.ndarray | None = None) -> np.ndarray:
    """Per (firm, platform), the expected net gain of membership per unit of revenue.

    Args:
        firms: firm state (tiers, alive).
        platform: current platform ids.
        cfg: the ``PlatformConfig``.
        take_export: per firm, the take it would pay on exports as a member.
        commission: the take on sales to members.
        gm: per firm, gross margin before any take.
        export_share: share of an assembler's sales that are exports.
        taste: per firm, its persistent idiosyncratic value of membership.
        fee_relief: per firm, share of its fees the state pays (policy; None: none).
    """
    share = member_share(platform, firms.alive, cfg.n_platforms)[None, :]
    e = np.where(firms.tier == ASSEMBLY_TIER, export_share, 0.0)[:, None]
    fee = take_export[:, None] * e + commission * (1.0 - e) * share
    if fee_relief is not None:  # the firm weighs what it pays itself
        fee = fee * (1.0 - fee_relief[:, None])
    orders = np.maximum(gm[:, None] - fee, 0.0) * cfg.sales_uplift * share
    return orders + cfg.tools_value - cfg.membership_cost - fee + taste[:, None]


def review(platform: np.ndarray, gain: np.ndarray, eligible: np.ndarray, switch_rate: float,
           rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """Membership after one review.

    Args:
        platform: current platform ids.
        gain: per (firm, platform), expected net gain (:func:`membership_gain`).
        eligible: per firm, True if it decides now (alive SMEs at a review; entrants).
        switch_rate: chance that a firm with a reason to change does so.
        rng: the membership stream (one draw per firm, whatever the decisions).

    Returns:
        The new platform ids, joins, leaves.
    """
    platform = platform.copy()
    n = len(platform)
    act = rng.random(n) < switch_rate
    member = platform >= 0
    best = np.argmax(gain, axis=1)
    best_gain = gain[np.arange(n), best]
    own_gain = gain[np.arange(n), np.maximum(platform, 0)]
    join = eligible & act & ~member & (best_gain > 0)
    leave = eligible & act & member & (own_gain < 0)
    platform[join] = best[join]
    platform[leave] = NO_PLATFORM
    return platform, int(join.sum()), int(leave.sum())
