"""Resource empowerment (seed 000): credit access and cost by ESG rating and size, and
supply-chain finance backed by chain leaders.

Every period each firm's credit line and interest rate are set from the engine's base values
(``finance.credit_line_weeks`` of normal revenue, ``finance.interest_rate``)::

    line_i = base_line_i * (1 + a (r_i - 0.5)) * (size_i / median)^b + trade_credit_i
    rate_i = base_rate * (1 + c (1 - 2 r_i)) * (size_i / median)^-d

with ESG rating ``r`` (green credit: better-rated and larger firms borrow more and more
cheaply). A chain leader that trusts a supplier (``T >= trade_credit_trust``) backs its
supply-chain finance (reverse factoring): the supplier's line grows by ``trade_credit_weeks``
of its sales to such leaders and it borrows at no more than ``leader_rate_factor`` times the
base rate (the leader's credit standing). Credit lines bound insolvency (phase 11) and the
credit a firm may draw to invest (``investment_credit_use`` of its unused line per period, at
most as much as its internal funds): financing limits investment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.behaviour.common import at_least, at_most
from abm.behaviour.linkindex import derived, leader_rows
from abm.config.schema import CreditConfig, FinanceConfig
from abm.core.state import FirmState, LinkState


@dataclass
class Credit:
    """Per-firm credit terms of the current period."""

    line: np.ndarray
    rate: np.ndarray
    backed: np.ndarray  # True where a chain leader backs the firm's finance


def base_terms(firms: FirmState, finance: FinanceConfig) -> Credit:
    """The engine's terms: one rate for all, lines in weeks of normal revenue."""
    line = finance.credit_line_weeks * firms.price * firms.normal_output
    return Credit(line=line, rate=np.full(firms.n, finance.interest_rate),
                  backed=np.zeros(firms.n, dtype=bool))


def credit_terms(firms: FirmState, links: LinkState, live: np.ndarray, rating: np.ndarray,
                 trust: np.ndarray, relative_size: np.ndarray, finance: FinanceConfig,
                 cfg: CreditConfig) -> Credit:
    """Credit lines and interest rates from rating, size and chain-leader backing.

    Args:
        firms: firm state.
        links: link state.
        live: links whose buyer and supplier are in the market.
        rating: ESG rating per firm (0.5 everywhere when ESG signals are off).
        trust: per-link trust.
        relative_size: firm size relative to the median size.
        finance: the engine's finance parameters (base line and rate).
        cfg: resource-empowerment parameters.

    Returns:
        The period's credit terms.
    """
    base = base_terms(firms, finance)
    # Firm sizes never change: their powers are computed once.
    line = base.line * np.maximum(0.0, 1.0 + cfg.rating_credit_weight * (rating - 0.5)) \
        * derived(links, _power, relative_size, params=(cfg.size_credit_weight,))
    rate = finance.interest_rate * np.maximum(0.0, 1.0 + cfg.rating_spread * (1.0 - 2.0 * rating)) \
        * derived(links, _power, relative_size, params=(-cfg.size_spread,))
    # Only chain leaders' links back anyone: the other links would add zeros to the sums.
    rows = leader_rows(links, firms)
    backing = live[rows] & (trust[rows] >= cfg.trade_credit_trust)
    supplier = links.supplier[rows]
    sales = links.share[rows] * firms.normal_output[links.buyer[rows]] * firms.price[supplier]
    to_leaders = np.bincount(supplier, weights=sales * backing, minlength=firms.n)
    backed = to_leaders > 0
    line = line + cfg.trade_credit_weeks * to_leaders
    # Rows, not np.where: a select by a scattered mask branches on every firm.
    rows = np.flatnonzero(backed)
    rate[rows] = np.minimum(rate[rows], cfg.leader_rate_factor * finance.interest_rate)
    return Credit(line=line, rate=rate, backed=backed)


def _power(base: np.ndarray, exponent: float) -> np.ndarray:
    """``base ** exponent`` (a function, so that :func:`derived` can keep it)."""
    return base**exponent


def investment_credit(firms: FirmState, credit: Credit, cfg: CreditConfig) -> np.ndarray:
    """Credit a firm may draw this period to fund investment: a share of its unused line
    (0 once the line is used up). The investment rule caps it at the firm's internal funds.

    Args:
        firms: firm state (cash).
        credit: this period's credit terms.
        cfg: resource-empowerment parameters.
    """
    unused = at_least(credit.line + at_most(firms.cash, 0.0), 0.0)
    return cfg.investment_credit_use * unused * firms.alive
