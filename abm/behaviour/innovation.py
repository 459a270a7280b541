"""Innovation collaboration (seeds 000, 001): R&D, absorptive capacity, spill-overs, pricing.

Each firm has a technology level ``A`` (stored as ``a = ln A``) and an R&D knowledge stock
``K``. Every period, with R&D intensity ``s`` (R&D spending / period revenue)::

    K  <- (1 - delta) K + s
    AC  = K / (K + K_half)                          absorptive capacity (Cohen and Levinthal 1990)
    P(success) = 1 - exp(-lambda s (1 + AC))        own innovation, a <- a + step

Knowledge spills over along live links, weighted by trust (seed 000: trust capital promotes
technology diffusion): firm ``i`` closes ``spillover_rate * AC_i * T_l`` of its gap to each
more advanced partner, averaged over its links. A chain leader that trusts a supplier
(``T >= joint_trust``) starts a joint project with it with probability ``joint_rate`` per link
and period; a supplier with a project raises its ``a`` by ``joint_step * (0.5 + AC)``. Gains through
partners (spill-overs and joint projects) are recorded apart from own gains: the share of
partner gains in all gains is ``innovation_collaboration``.

Technology lowers unit cost and raises value added: unit labour cost scales with
``exp(-cost_elasticity (a - a0))`` and unit value added with ``exp(value_elasticity (a - a0))``
(``a0`` is the level at which the firm's segment value added was set). Prices stay cost-plus:
every period each firm's price is its share-weighted input cost plus its unit value added, tier
by tier from raw materials up, so value added created upstream is passed on to final buyers.
Quality (``a``) also enters buyers' order shares (the period step, ``abm.behaviour.period``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.behaviour.common import LinkView, at_least, divide_where
from abm.behaviour.linkindex import tier_groups
from abm.config.schema import InnovationConfig
from abm.core.rules import row_sum
from abm.core.state import FirmState, LinkState


@dataclass
class InnovationState:
    """Per-firm technology and knowledge."""

    log_tech: np.ndarray
    log_tech_ref: np.ndarray  # level at which base_value_added applies
    knowledge: np.ndarray
    base_value_added: np.ndarray  # unit value added at log_tech_ref
    gain_own: np.ndarray  # cumulative log-technology gains from own R&D
    gain_partner: np.ndarray  # cumulative gains through partners


def init_innovation(firms: FirmState, cfg: InnovationConfig, upgrade_threshold: float,
                    rng: np.random.Generator) -> InnovationState:
    """Initial technology: dispersed around 1, higher in the technology segment.

    Labour-intensive firms start below the upgrading threshold (were they above it they would
    already be technology-intensive).

    Args:
        firms: firm state.
        cfg: innovation parameters.
        upgrade_threshold: ``upgrading.threshold``.
        rng: the innovation stream.
    """
    n = firms.n
    log_tech = rng.normal(0.0, cfg.initial_dispersion, n) + cfg.technology_premium * (
        firms.technology_intensive)
    # Reflect draws above the threshold back below it (no pile-up just under the threshold).
    ceiling = np.log(upgrade_threshold)
    reflected = np.maximum(2.0 * ceiling - log_tech, 0.0)
    log_tech = np.where(firms.technology_intensive | (log_tech < ceiling), log_tech, reflected)
    knowledge = cfg.absorptive_half * (0.5 + 0.5 * firms.technology_intensive)
    return InnovationState(log_tech=log_tech, log_tech_ref=log_tech.copy(),
                           knowledge=knowledge.astype(float),
                           base_value_added=firms.unit_value_added.copy(),
                           gain_own=np.zeros(n), gain_partner=np.zeros(n))


def absorptive_capacity(state: InnovationState, cfg: InnovationConfig) -> np.ndarray:
    """``AC = K / (K + K_half)`` in [0, 1)."""
    return state.knowledge / (state.knowledge + cfg.absorptive_half)


def innovate(state: InnovationState, firms: FirmState, links: LinkState, view: LinkView,
             trust: np.ndarray, leader_links: np.ndarray, rd_intensity: np.ndarray,
             cfg: InnovationConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One period of R&D, spill-overs and joint projects.

    Args:
        state: innovation state (updated in place).
        firms: firm state.
        links: link state.
        view: the period's link statistics.
        trust: per-link trust.
        leader_links: per supplier, live links to chain leaders trusting it ``>= joint_trust``.
        rd_intensity: R&D spending / period revenue per firm.
        cfg: innovation parameters.
        rng: the innovation stream.

    Returns:
        (own gain, partner gain) in log technology per firm this period.
    """
    n = firms.n
    state.knowledge = (1.0 - cfg.knowledge_depreciation) * state.knowledge + rd_intensity
    ac = absorptive_capacity(state, cfg)
    success_u = rng.random(n)
    success = success_u < 1.0 - np.exp(-cfg.success_scale * rd_intensity * (1.0 + ac))
    own = cfg.step * (success & firms.alive)
    partner = np.zeros(n)
    if not cfg.spillovers:  # nothing through partners: adding their zeros changes nothing
        state.log_tech += own
        state.gain_own += own
        return own, partner
    lead = (state.log_tech[links.supplier] - state.log_tech[links.buyer]) * (
        view.weight * trust)
    to_buyer = np.bincount(links.buyer, weights=at_least(lead, 0.0), minlength=n)
    to_supplier = np.bincount(links.supplier, weights=at_least(-lead, 0.0), minlength=n)
    degree = view.suppliers + view.customers
    spill = divide_where(to_buyer + to_supplier, degree, degree > 0)
    partner += cfg.spillover_rate * ac * spill
    # A supplier runs a project with one of its trusting chain leaders when any of them,
    # each with probability joint_rate, starts one this period.
    start = 1.0 - (1.0 - cfg.joint_rate) ** leader_links
    partner += cfg.joint_step * (0.5 + ac) * (rng.random(n) < start)
    partner *= firms.alive
    state.log_tech += own + partner
    state.gain_own += own
    state.gain_partner += partner
    return own, partner


def reset_entrants(state: InnovationState, firms: FirmState, rows: np.ndarray,
                   cfg: InnovationConfig, rng: np.random.Generator) -> None:
    """An entrant starts at its segment's typical technology with a small knowledge stock.

    Args:
        state: innovation state.
        firms: firm state.
        rows: the entrants.
        cfg: innovation parameters.
        rng: the innovation stream.
    """
    state.log_tech[rows] = rng.normal(0.0, cfg.initial_dispersion, len(rows)) + (
        cfg.technology_premium * firms.technology_intensive[rows])
    state.log_tech_ref[rows] = state.log_tech[rows]
    state.knowledge[rows] = 0.5 * cfg.absorptive_half


def labour_factor(state: InnovationState, cfg: InnovationConfig) -> np.ndarray:
    """Unit labour cost relative to the segment level: technology lowers unit cost."""
    return np.exp(-cfg.cost_elasticity * (state.log_tech - state.log_tech_ref))


def reprice(firms: FirmState, links: LinkState, unit_value_added: np.ndarray,
            live: np.ndarray) -> None:
    """Cost-plus prices, tier by tier: price = share-weighted input cost + unit value added.

    Slots without a live supplier keep their last input price. Updates ``price``,
    ``slot_price`` and ``unit_value_added`` of the firms in place.

    Args:
        firms: firm state (the period step's draft, see ``abm.behaviour.draft``).
        links: link state.
        unit_value_added: the new unit value added per firm.
        live: links whose buyer and supplier are in the market.
    """
    firms.unit_value_added = unit_value_added.copy()
    price = firms.price
    groups = tier_groups(firms, links)  # tiers and buyers never change: grouped once
    raw = groups[0][0]
    price[raw] = unit_value_added[raw]
    slot_price = firms.slot_price.reshape(-1)  # a view: writes go to firms.slot_price
    slot_key = links.slot_key(firms.n_slots)
    for members, tier_rows in groups[1:]:
        if not len(members):
            continue
        # The tier's slots lie between its first and last firm's: count only over those.
        low, high = members[0] * firms.n_slots, (members[-1] + 1) * firms.n_slots
        rows = tier_rows[live[tier_rows]]
        key = slot_key[rows] - low
        weight = links.share[rows]
        total = np.bincount(key, weights=weight, minlength=high - low)
        paid = np.bincount(key, weights=weight * price[links.supplier[rows]],
                           minlength=high - low)
        used = np.flatnonzero(total > 0)
        slot_price[low + used] = paid[used] / total[used]
        # Tiers are usually blocks of rows: a slice then spares copying them.
        block = (slice(members[0], members[-1] + 1)
                 if members[-1] - members[0] + 1 == len(members) else members)
        price[block] = row_sum(firms.input_coef[block] * firms.slot_price[block]) + (
            unit_value_added[block])
