"""Trust building (seed 000) and the supplier-choice rule that trust, ESG and quality drive.

Each link has a buyer's trust ``T`` in [0, 1] in its supplier. Every tick with something owed,
the fill ratio ``q`` (shipped / owed) updates it asymmetrically (negativity bias: Slovic 1993;
Lewicki and Bunker 1995 - trust is built slowly and destroyed quickly)::

    T += gain * (q - T)                           if q >= T
    T += loss * (1 - phi) * (q - T)               if q <  T,   loss > gain

where ``phi = forgiveness * R_supplier`` while the shortfall has a recognised external cause
(the supplier's capacity is hit by a shock - remembered with decay ``shock_memory`` per tick
while it recovers - the link is embargoed or its sea route is congested) and 0 otherwise:
reputation buffers blame during a crisis (seed 000). A new link
starts from the prior ``T0 = prior_base + a * rating + b * reputation`` of its supplier;
links that exist at the start have had time to mature (``initial_tenure`` of the way to 1).

Trust drives (i) order shares (:func:`reallocate_shares`), (ii) rationing priority (with
``market.rationing=priority``, customers with ``T >= priority_threshold`` are served first,
besides the engine's strategic customers) and (iii) switching:
a buyer starts a search when the fill-rate average falls below::

    switch_threshold * exp(-w_p s_b max(0, r - r_mean)) * (1 - switch_sensitivity (T - 0.5))
                     * (1 - phi)

or at once when ``T`` falls below ``distrust_threshold``. Keeping a supplier is a supplier
choice too: a buyer is slower to drop a supplier with an above-average ESG rating ``r`` (the
preference weight ``w_p`` and buyer sensitivity ``s_b`` of the order shares; a below-average
rating adds no impatience), and during a recognised shock it waits longer for a reputable
supplier (reputation buffers blame in the switching decision, not only in trust).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.behaviour.common import EPS, clip, divide_where, plan_volume
from abm.config.schema import TrustConfig
from abm.core.state import ROUTE_SEA, FirmState, LinkState

NEUTRAL_TRUST = 0.5  # trust assumed everywhere when the mechanism is switched off
MEMORY_FLOOR = 0.05  # a remembered disruption below this is forgotten
ALWAYS_SEARCH = 1.01  # a switch threshold no fill rate reaches: search now


@dataclass
class TrustState:
    """Per-link trust and the bookkeeping of who supplied whom."""

    trust: np.ndarray
    base_share: np.ndarray  # a link's order share before preferences
    supplier: np.ndarray  # supplier of each link as last seen (detects rewiring)
    lost_customers: np.ndarray  # per firm: customer links lost to a buyer's switch


def prior(rating: np.ndarray, reputation: np.ndarray, cfg: TrustConfig) -> np.ndarray:
    """Trust a buyer gives a supplier it has not dealt with yet.

    Args:
        rating: ESG rating per firm.
        reputation: reputation per firm.
        cfg: trust parameters.
    """
    return clip(cfg.prior_base + cfg.prior_rating_weight * rating
                   + cfg.prior_reputation_weight * reputation, 0.0, 1.0)


def init_trust(links: LinkState, n_firms: int, rating: np.ndarray, reputation: np.ndarray,
               cfg: TrustConfig, enabled: bool) -> TrustState:
    """Initial trust: matured priors on the links of the starting network.

    Args:
        links: link state.
        n_firms: number of firm rows.
        rating: ESG rating per firm.
        reputation: reputation per firm.
        cfg: trust parameters.
        enabled: False keeps a neutral trust everywhere.
    """
    if enabled:
        start = prior(rating, reputation, cfg)[links.supplier]
        trust = start + cfg.initial_tenure * (1.0 - start)
    else:
        trust = np.full(links.n, NEUTRAL_TRUST)
    return TrustState(trust=trust, base_share=links.share.copy(),
                      supplier=links.supplier.copy(), lost_customers=np.zeros(n_firms))


def update_trust(trust: np.ndarray, fill: np.ndarray, forgive: np.ndarray | None,
                 cfg: TrustConfig) -> None:
    """Asymmetric update of trust from this tick's fill ratios (NaN = nothing owed).

    Args:
        trust: per-link trust, updated in place.
        fill: shipped / owed per link this tick, NaN where nothing was owed.
        forgive: per-link share of a shortfall forgiven (None: no recognised shock).
        cfg: trust parameters.
    """
    change = fill - trust
    # fmax/fmin ignore NaN (nothing owed): those links get no update, without a masked pass
    # (selections by data-dependent masks are slow: they branch on every element). Against
    # an array of zeros rather than the number 0, their loops run several times faster.
    zero = np.zeros(len(change))
    better = np.fmax(change, zero)
    better *= cfg.gain
    worse = np.fmin(change, zero, out=change)
    if forgive is None:
        worse *= cfg.loss
    else:
        rate = 1.0 - forgive
        rate *= cfg.loss
        worse *= rate
    worse += better  # one of the two is zero: this is the step, exactly
    trust += worse


def forgiveness(firms: FirmState, links: LinkState, reputation: np.ndarray,
                memory: np.ndarray, sea_congested: bool, cfg: TrustConfig) -> np.ndarray | None:
    """Per-link share of a shortfall forgiven, or None when no shock is recognised anywhere.

    Args:
        firms: firm state (availability: capacity hit by a shock).
        links: link state (flow availability: embargo; route: sea congestion).
        reputation: per-firm reputation.
        memory: per-firm recognised disruption, updated in place: the lost availability, or
            the memory of it decaying by ``shock_memory`` per tick after the shock, so a
            supplier stays excused while it recovers (its fill rate lags its capacity).
        sea_congested: a chokepoint adds lead time on sea routes this tick.
        cfg: trust parameters.
    """
    # Most ticks nothing is lost or remembered: a minimum and a maximum tell, no new arrays.
    if firms.availability.min() < 1.0 or memory.max() > 0.0:
        np.maximum(memory * cfg.shock_memory, 1.0 - firms.availability, out=memory)
        memory[memory < MEMORY_FLOOR] = 0.0
    embargo_any = links.flow_availability.min() < 1.0
    if not (memory.max() > 0.0 or embargo_any or sea_congested):
        return None
    hit = memory > 0.0
    if not (embargo_any or sea_congested):
        # Only suppliers' shocks are recognised: per firm first, then one gather per link.
        return (cfg.forgiveness * reputation * hit)[links.supplier]
    recognised = hit[links.supplier]
    if embargo_any:
        recognised |= links.flow_availability < 1.0
    if sea_congested:
        recognised |= links.route == ROUTE_SEA
    return cfg.forgiveness * reputation[links.supplier] * recognised


def switch_threshold(trust: np.ndarray, base: float | np.ndarray, cfg: TrustConfig,
                     forgive: np.ndarray | None = None) -> np.ndarray:
    """Fill-rate level below which a buyer starts looking for a new supplier.

    Args:
        trust: per-link trust.
        base: the engine's ``sourcing.switch_threshold``, or per link that level scaled by
            the buyer's preference for the supplier's ESG rating (set at ESG reviews).
        cfg: trust parameters.
        forgive: per-link forgiveness during a recognised shock (None: no shock); the buyer
            waits for a reputable supplier instead of replacing it.
    """
    threshold = clip(base * (1.0 - cfg.switch_sensitivity * (trust - 0.5)), 0.0, 1.0)
    if forgive is not None:
        threshold *= 1.0 - forgive
    threshold[trust < cfg.distrust_threshold] = ALWAYS_SEARCH
    return threshold


def reallocate_shares(firms: FirmState, links: LinkState, state: TrustState,
                      preference: np.ndarray, speed: float, capacity_slack: float,
                      link_coef: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Move order shares toward ``base * exp(u) / sum_slot(base * exp(u))``.

    ``u`` is the buyer's preference for the link's supplier (log trust, ESG rating, quality;
    see the period step). Shares keep summing to one within each (buyer, input) slot.
    Suppliers see the new contracts: each one's long-run demand (and so its capacity, and
    upstream its own suppliers', see :func:`abm.behaviour.common.plan_volume`) moves by the
    change in the volume its customers now plan to buy from it, so that reallocation shifts
    business without creating shortages that capacity could not follow.

    Args:
        firms: firm state (the period step's draft: long-run demand and capacity of
            suppliers updated in place).
        links: link state (read only).
        state: trust state (base shares).
        preference: ``u`` per link.
        speed: share of the gap to the target closed at this review.
        capacity_slack: the engine's capacity margin above long-run demand.
        link_coef: the buyer's input coefficient on each link.
        live: links whose buyer and supplier are in the market.

    Returns:
        The new order share of each link.
    """
    n_slots = firms.n_slots
    key = links.slot_key(n_slots)
    # Preferences are a few units at most; the clip only guards exp() against overflow.
    weight = state.base_share * np.exp(clip(preference, -30.0, 30.0))
    total = np.bincount(key, weights=weight, minlength=firms.n * n_slots)[key]
    target = divide_where(weight, total, total > EPS, links.share)
    change = speed * (target - links.share)
    share = links.share + change
    volume = change * link_coef * firms.forecast[links.buyer] * live
    moved = np.bincount(links.supplier, weights=volume, minlength=firms.n)
    plan_volume(firms, links, moved, capacity_slack, link_coef * share * live)
    return share


def cut_trust(trust: np.ndarray, links: LinkState, detected: np.ndarray,
              buyer_sensitivity: np.ndarray, penalty: float) -> None:
    """Greenwashing uncovered: every customer of a detected firm trusts it less, the more so
    the more ESG-sensitive the customer (near the end market, large).

    Args:
        trust: per-link trust, cut in place.
        links: link state.
        detected: firms whose greenwashing was uncovered.
        buyer_sensitivity: ESG sensitivity per firm.
        penalty: ``esg.trust_penalty``.
    """
    if not len(detected):
        return
    hit = np.zeros(len(buyer_sensitivity), dtype=bool)
    hit[detected] = True
    rows = np.flatnonzero(hit[links.supplier])
    scale = buyer_sensitivity[links.buyer[rows]] / buyer_sensitivity.max()
    trust[rows] *= 1.0 - penalty * scale
