"""Investment decision: the period budget and its split over R&D, digital, ESG and buffers.

Every period (``behaviour.period`` ticks) each firm sets a budget from internal funds and credit
(financing limits investment)::

    internal = budget_share * max(0, operating profit of the period)
    B        = min(internal + min(credit, internal), max_intensity * revenue of the period)

where ``credit`` is what the firm may draw on its unused credit line (resource empowerment).
The budget is split by a multinomial logit (bounded rationality; McFadden 1974), with
utilities that respond to the firm's situation::

    u_RD  = rd_base      + profit_weight * margin + leader_weight * [trusted chain-leader customer]
    u_DIG = digital_base + disruption_weight * disruption - maturity_weight * maturity
    u_ESG = esg_base     + requirement_weight * unmet customer ESG requirement
                         + profit_weight * policy return on ESG spending (carbon price)
    u_BUF = buffer_base  + disruption_weight * disruption

``disruption`` is the recent input shortfall (1 - mean fill rate of the firm's supplier
links, or its own lost availability, smoothed over periods). A use whose mechanism is
switched off gets no share, and a firm whose ESG strategy is 'neither' spends nothing on ESG;
a greenwasher spends only ``esg.greenwash_cost_share`` of its ESG share (the rest is kept).
R&D, digital and ESG spending are expenses, booked evenly over the next period's ticks.
Buffers are not an expense: the buffer share sets a target of extra safety stock,
``max_buffer_weeks * share``, that the firm's stock target approaches by
``buffer_adjustment`` per period; the extra stock is bought and carried at the engine's prices
and holding cost. With the decision rule switched off (``investment.enabled=false``), firms
invest ``budget_share`` of their profit, split equally over the enabled uses, without credit
and without buffers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.behaviour.common import at_least
from abm.config.schema import InvestmentConfig

USES = ("rd", "digital", "esg", "buffer")
# Utilities beyond this size are shifted before exp() (exp(709.8) overflows a float64; the sum
# of four terms of at most exp(600) stays far from it).
_LIMIT = 600.0


@dataclass
class Situation:
    """What a firm's investment decision responds to (per-firm arrays)."""

    profit: np.ndarray  # operating profit of the period (before behaviour spending)
    revenue: np.ndarray  # revenue of the period
    credit: np.ndarray  # credit available for investment
    margin: np.ndarray
    disruption: np.ndarray
    requirement_gap: np.ndarray
    leader_customer: np.ndarray  # has a trusted chain-leader customer
    maturity: np.ndarray
    spends_on_esg: np.ndarray  # False for the 'neither' strategy
    esg_return: np.ndarray | None = None  # policy: money earned per money of ESG spending


def budget(situation: Situation, cfg: InvestmentConfig) -> np.ndarray:
    """The period budget per firm (see the module docstring)."""
    internal = cfg.budget_share * at_least(situation.profit, 0.0)
    if not cfg.enabled:
        return internal
    external = np.minimum(situation.credit, internal)
    return np.minimum(internal + external, cfg.max_intensity * at_least(situation.revenue, 0.0))


def split(situation: Situation, active: dict[str, bool], cfg: InvestmentConfig
          ) -> list[np.ndarray]:
    """Budget shares of R&D, digital, ESG and buffers per firm (sum 1, or 0 for none).

    Args:
        situation: the firms' situation.
        active: which uses exist (their mechanism is switched on).
        cfg: investment parameters.

    Returns:
        One share array per use, in the order of ``USES``.
    """
    n = len(situation.profit)
    allowed = [active[use] for use in USES]
    if not cfg.enabled:
        allowed[3] = False
        weight = [np.ones(n) if on else np.zeros(n) for on in allowed]
    else:
        # Evaluated in place (fewer temporaries), in the same order. Utilities are not bounded
        # (a margin on a tiny revenue can be -1e6 or, with subsidies, far above 1), so exp() is
        # taken after a log-sum-exp shift; see _shift.
        rd = cfg.profit_weight * situation.margin
        rd += cfg.rd_base
        rd += cfg.leader_weight * situation.leader_customer
        disruption = cfg.disruption_weight * situation.disruption
        digital = cfg.digital_base + disruption
        digital -= cfg.maturity_weight * situation.maturity
        esg = cfg.requirement_weight * situation.requirement_gap
        esg += cfg.esg_base
        if situation.esg_return is not None:
            esg += cfg.profit_weight * situation.esg_return
        disruption += cfg.buffer_base
        # A firm that spends nothing on ESG has no ESG utility (not a large one to overflow).
        esg = np.where(situation.spends_on_esg, esg, -np.inf)
        utilities = [rd, digital, esg, disruption]
        shift = _shift([u for u, on in zip(utilities, allowed, strict=True) if on])
        weight = [np.exp(u if shift is None else u - shift, out=u) if on else np.zeros(n)
                  for u, on in zip(utilities, allowed, strict=True)]
    weight[2] = weight[2] * situation.spends_on_esg
    total = weight[0] + weight[1]
    total += weight[2]
    total += weight[3]
    if total.min(initial=1.0) > 0:  # the usual case: no firm without a use
        scale = np.divide(1.0, total, out=total)
    else:
        scale = np.divide(1.0, total, out=np.zeros(n), where=total > 0)
    for w in weight:
        w *= scale
    return weight


def _shift(utilities: list[np.ndarray]) -> np.ndarray | None:
    """Per-firm shift that keeps ``exp(u - shift)`` finite and not all zero (log-sum-exp).

    The shares ``exp(u_k) / sum_j exp(u_j)`` do not change when every utility of a firm is
    shifted by the same amount, so the largest utility of each firm is brought into
    [-LIMIT, LIMIT]: no term overflows and the largest never underflows. Firms already in that
    range are not shifted at all (a shift of exactly 0), so ordinary runs compute the same bits
    as a plain ``exp``; None when no firm needs a shift.
    """
    if not utilities:
        return None
    top = np.maximum.reduce(utilities) if len(utilities) > 1 else utilities[0]
    # A firm with no use at all has top = -inf: it gets no share whatever its shift.
    top = np.where(np.isneginf(top), 0.0, top)
    if np.abs(top).max(initial=0.0) <= _LIMIT:
        return None
    return top - np.clip(top, -_LIMIT, _LIMIT)


def buffer_target(shares: list[np.ndarray], cfg: InvestmentConfig) -> np.ndarray:
    """Extra safety-stock weeks each firm aims for."""
    return cfg.max_buffer_weeks * shares[3]
