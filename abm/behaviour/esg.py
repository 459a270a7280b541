"""ESG signal transmission (seed 000): true vs disclosed ESG, credibility, audits, greenwashing.

Every firm has a true ESG performance ``x = (E, S, G)`` in [0, 1]^3 (a firm-level level plus
pillar deviations: the pillars correlate) with composite
``X = w . x / sum(w)`` and discloses ``D = min(1, X + g)``; the gap ``g >= 0`` is greenwashing.
Buyers do not see ``X``. They see an ESG **rating**

* ``r = V`` while the firm's last audit is valid (``verified_ticks``): the audited score,
  precise (``V = X`` if the audit uncovered the gap, ``V = D`` if it passed the firm);
* ``r = m + c (D - m) + e``, ``e ~ N(0, unverified_noise^2)`` otherwise: an unverified
  disclosure is shrunk toward the population mean disclosure ``m`` by the credibility weight
  ``c = unverified_weight`` (the posterior mean of a noisy signal) and read with noise.

Each period a firm is audited with probability ``audit_rate``, and independently with the
per-firm probability that another process sets for second-party audits (the
``member_audit_rate`` lever: platforms verify their members' ESG data, seed 003). An audit of a
firm with ``g > gap_tolerance`` detects it with ``detection_probability``: the gap is erased,
the firm pays a fine (``fine_weeks`` of revenue), its **reputation** ``R`` loses the share
``reputation_penalty`` and every buyer's trust in it falls (harder for buyers near the end
market and for large buyers; see :func:`sensitivity`). Reputation otherwise moves toward the
rating: ``R += reputation_learning (r - R)``.

Strategies (improve true ESG, greenwash, neither) spread by pairwise imitation with the Fermi
rule (Szabo and Toke 1998; Traulsen et al. 2006), the usual rule of evolutionary greenwashing
models: a revising firm meets a random peer of its tier and copies its strategy with
probability ``1 / (1 + exp(-(pi_peer - pi_self) / K))``; with ``mutation_rate`` it tries a
random strategy instead. The payoff is the ESG-attributable profit per unit of revenue,
smoothed over periods (``pi <- (pi + pi_now) / 2``)::

    pi_now = H m (w_p (r - r_tier) + (R - R_tier)) - s_esg - f

with margin ``m``, preference weight ``w_p`` (the order-share premium of a rating point), the
firm's rating and reputation relative to its tier's means, ESG spending ``s_esg`` and fines
``f`` (both per unit of revenue). Ratings and reputations are persistent stocks while spending
is a flow, so a firm values its current advantage over ``H = valuation_periods`` periods
(without this, stopping all ESG spending would always look best for one period).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from abm.behaviour.common import at_most, beta_draw, clip, group_sums, random_peer
from abm.config.schema import EsgConfig
from abm.core.state import ASSEMBLY_TIER, FirmState

NONE, IMPROVE, GREENWASH = 0, 1, 2
NEUTRAL_RATING = 0.5  # what buyers assume when ESG signals are switched off
ESG_FLOOR = 0.2  # true ESG erodes toward this level without upkeep
MIN_MARGIN = 0.02  # a loss-making firm still values its rating a little
PAYOFF_MEMORY = 0.5  # weight of past periods in a firm's smoothed ESG payoff


@dataclass
class EsgState:
    """Per-firm ESG arrays."""

    true: np.ndarray  # (N, 3) E, S, G
    gap: np.ndarray  # disclosed minus true composite (greenwashing), >= 0
    strategy: np.ndarray  # NONE, IMPROVE or GREENWASH
    verified_until: np.ndarray  # last tick at which the latest audit is valid
    verified_score: np.ndarray  # the audited score
    rating: np.ndarray  # what buyers see
    reputation: np.ndarray
    sensitivity: np.ndarray  # a buyer's ESG sensitivity (end market, size)
    requirement: np.ndarray  # a buyer's screening level for its suppliers
    payoff: np.ndarray  # last period's ESG payoff per unit of revenue
    weights: np.ndarray  # composite weights of E, S, G (sum 1)
    level: np.ndarray = field(default_factory=lambda: np.zeros(0))  # composite, kept in sync

    def __post_init__(self) -> None:
        self.sync()

    def sync(self) -> None:
        """Recompute the composite after ``true`` was set directly."""
        # Multiply-and-sum, not ``@``: BLAS threads stall when the cores are busy.
        self.level = (self.true * self.weights).sum(axis=1)

    def composite(self) -> np.ndarray:
        """True ESG score ``X`` per firm."""
        return self.level

    def disclosed(self) -> np.ndarray:
        """Disclosed score ``D = min(1, X + g)``."""
        return at_most(self.composite() + self.gap, 1.0)


def sensitivity(firms: FirmState, cfg: EsgConfig, leader_size: float) -> np.ndarray:
    """A buyer's ESG sensitivity: ``1 + a * tier / 3 + b * size_score`` (seed 000: ESG effects
    are stronger near the end market and for large buyers). ``size_score`` runs from 0 at the
    median size to 1 at a chain leader's size (log scale).

    Args:
        firms: firm state (tier, size).
        cfg: ESG parameters.
        leader_size: ``network.chain_leader_size``.
    """
    median = float(np.median(firms.size))
    span = np.log(max(leader_size, 1.0 + 1e-9))
    size_score = clip(np.log(firms.size / median) / span, 0.0, 1.0)
    return (1.0 + cfg.end_market_sensitivity * firms.tier / ASSEMBLY_TIER
            + cfg.large_buyer_sensitivity * size_score)


def init_esg(firms: FirmState, cfg: EsgConfig, rng: np.random.Generator,
             leader_size: float) -> EsgState:
    """Draw initial true ESG, strategies and greenwashing gaps.

    Chain leaders start higher (``leader_bonus``), publish audited reports (verified from the
    start) and do not start as greenwashers.

    Args:
        firms: firm state.
        cfg: ESG parameters.
        rng: the ESG stream.
        leader_size: ``network.chain_leader_size``.
    """
    n = firms.n
    mean = cfg.initial_mean + cfg.leader_bonus * firms.chain_leader
    true = _draw_true(rng, mean, cfg, n)
    u = rng.random(n)
    strategy = np.where(u < cfg.initial_greenwash_share, GREENWASH,
                        np.where(u < cfg.initial_greenwash_share + cfg.initial_improve_share,
                                 IMPROVE, NONE))
    strategy[firms.chain_leader & (strategy == GREENWASH)] = IMPROVE
    gap = np.where(strategy == GREENWASH, rng.exponential(max(cfg.initial_gap, 1e-12), n), 0.0)
    weights = np.asarray(cfg.weights, dtype=float) / float(np.sum(cfg.weights))
    state = EsgState(true=true, gap=gap, strategy=strategy.astype(np.int8),
                     verified_until=np.full(n, -1, dtype=np.int64),
                     verified_score=np.zeros(n), rating=np.zeros(n), reputation=np.zeros(n),
                     sensitivity=sensitivity(firms, cfg, leader_size),
                     requirement=np.where(firms.chain_leader, cfg.leader_requirement,
                                          cfg.sme_requirement * firms.tier / ASSEMBLY_TIER),
                     payoff=np.zeros(n), weights=weights)
    state.gap = np.minimum(state.gap, 1.0 - state.composite())
    leaders = firms.chain_leader
    state.verified_until[leaders] = cfg.verified_ticks
    state.verified_score[leaders] = state.disclosed()[leaders]
    return state


def _draw_true(rng: np.random.Generator, mean: np.ndarray | float, cfg: EsgConfig, n: int
               ) -> np.ndarray:
    """True E, S, G: a firm-level ESG level (Beta) plus pillar deviations; the pillars of one
    firm are positively correlated, as in ESG rating data."""
    level = beta_draw(rng, mean, cfg.initial_sd, n)
    pillars = level[:, None] + rng.normal(0.0, cfg.component_sd, (n, 3))
    return clip(pillars, 0.0, 1.0)


def reset_entrants(state: EsgState, rows: np.ndarray, cfg: EsgConfig,
                   rng: np.random.Generator) -> None:
    """An entrant starts with fresh SME-like ESG, no gap, unverified, strategy 'neither'.

    Args:
        state: ESG state.
        rows: the entrants.
        cfg: ESG parameters.
        rng: the ESG stream.
    """
    state.true[rows] = _draw_true(rng, cfg.initial_mean, cfg, len(rows))
    state.level[rows] = (state.true[rows] * state.weights).sum(axis=1)
    state.gap[rows] = 0.0
    state.strategy[rows] = NONE
    state.verified_until[rows] = -1
    state.reputation[rows] = NEUTRAL_RATING


def update_ratings(state: EsgState, alive: np.ndarray, tick: int, cfg: EsgConfig,
                   rng: np.random.Generator) -> None:
    """Ratings from verified scores or credibility-discounted disclosures; reputation drift.

    Args:
        state: ESG state (ratings and reputations updated).
        alive: firms in the market.
        tick: current tick (is the last audit still valid?).
        cfg: ESG parameters (rates per review).
        rng: the ESG stream.
    """
    disclosed = state.disclosed()
    mean = float(disclosed[alive].mean()) if alive.any() else NEUTRAL_RATING
    noise = rng.normal(0.0, 1.0, len(disclosed)) * cfg.unverified_noise
    unverified = mean + cfg.unverified_weight * (disclosed - mean) + noise
    # Rows, not np.where: verified firms are scattered, and such selects branch per firm.
    verified = np.flatnonzero(state.verified_until >= tick)
    unverified[verified] = state.verified_score[verified]
    state.rating = clip(unverified, 0.0, 1.0)
    state.reputation += cfg.reputation_learning * (state.rating - state.reputation)


def audit(state: EsgState, firms: FirmState, tick: int, cfg: EsgConfig,
          rng: np.random.Generator, second_party: np.ndarray | None = None) -> np.ndarray:
    """Third-party and second-party audits; returns the indices of detected greenwashers.

    Detection erases the gap, verifies the true score and cuts reputation; the caller books
    the fine and cuts buyers' trust.

    Args:
        state: ESG state.
        firms: firm state (alive).
        tick: current tick.
        cfg: ESG parameters (rates per review).
        rng: the ESG stream.
        second_party: per firm, the probability of a second-party audit over the review
            (None: none).
    """
    # Three draws per firm whether or not anyone runs second-party audits, so that switching
    # them on or off never shifts the detection draws.
    third_party, other, detect = rng.random((3, firms.n))
    audited = third_party < cfg.audit_rate
    if second_party is not None:
        audited |= other < second_party
    audited &= firms.alive
    detected = audited & (state.gap > cfg.gap_tolerance) & (detect < cfg.detection_probability)
    state.gap[detected] = 0.0
    audited_rows = np.flatnonzero(audited)  # rows, not the scattered mask (see above)
    state.verified_score[audited_rows] = np.minimum(
        1.0, state.level[audited_rows] + state.gap[audited_rows])  # disclosed()
    state.verified_until[audited_rows] = tick + cfg.verified_ticks
    state.reputation[detected] *= 1.0 - cfg.reputation_penalty
    return np.flatnonzero(detected)


def apply_spending(state: EsgState, spend: np.ndarray, cfg: EsgConfig) -> None:
    """Turn a period's ESG spending (per unit of revenue) into true ESG or disclosure gaps.

    Improvers raise every component by ``improve_efficiency * s * (1 - x)``; greenwashers
    raise the gap by ``greenwash_efficiency * s * (1 - D)`` (cheaper per point, which is the
    temptation); true ESG erodes by ``decay`` toward ``ESG_FLOOR`` and an unmaintained gap fades.

    Args:
        state: ESG state.
        spend: ESG spending / period revenue per firm.
        cfg: ESG parameters.
    """
    # x <- x + a (1 - x) - d (x - floor) is affine, x <- c x + b, with the same c and b for
    # every pillar, so the composite follows the same map and never needs recomputing; and
    # as a convex combination of x, 1 and the floor it stays in [0, 1].
    gain = at_most(cfg.improve_efficiency * (state.strategy == IMPROVE) * spend, 1.0 - cfg.decay)
    scale = 1.0 - gain - cfg.decay
    shift = gain + cfg.decay * ESG_FLOOR
    for pillar in range(state.true.shape[1]):  # column by column: (N, 3) broadcasts are slow
        column = state.true[:, pillar]
        column *= scale
        column += shift
    state.level = state.level * scale + shift
    # Greenwashers' gaps grow, the others' fade. Rows, not np.where: a select by a scattered
    # mask branches on every firm and costs more than gathering the greenwashers.
    washing = np.flatnonzero(state.strategy == GREENWASH)
    gap = state.gap[washing]
    room = np.maximum(0.0, 1.0 - state.level[washing] - gap)
    grown = gap + cfg.greenwash_efficiency * spend[washing] * room
    state.gap = state.gap * (1.0 - cfg.gap_decay)
    state.gap[washing] = grown
    np.minimum(state.gap, 1.0 - state.level, out=state.gap)


def payoffs(state: EsgState, group: np.ndarray, alive: np.ndarray, margin: np.ndarray,
            spend: np.ndarray, fines: np.ndarray, cfg: EsgConfig,
            order: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Smoothed ESG-attributable profit per unit of revenue (see the module docstring).

    Args:
        state: ESG state (uses ratings, reputations and the previous payoff).
        group: peer group per firm (tier).
        alive: firms in the market.
        margin: smoothed profit margin per firm.
        spend: ESG spending / period revenue.
        fines: fines / period revenue.
        cfg: ESG parameters.
        order: :func:`abm.behaviour.common.group_order` of ``group``, if known (faster).
    """
    if order is None:
        n_groups = int(group.max()) + 1
        count = np.maximum(np.bincount(group, weights=alive, minlength=n_groups), 1.0)
        rating_mean = np.bincount(group, weights=state.rating * alive,
                                  minlength=n_groups) / count
        rep_mean = np.bincount(group, weights=state.reputation * alive,
                               minlength=n_groups) / count
    else:
        count = np.maximum(group_sums(alive, order), 1.0)
        rating_mean = group_sums(state.rating * alive, order) / count
        rep_mean = group_sums(state.reputation * alive, order) / count
    m = np.maximum(margin, MIN_MARGIN)
    advantage = (cfg.preference_weight * (state.rating - rating_mean[group])
                 + (state.reputation - rep_mean[group]))
    premium = cfg.valuation_periods * m * advantage
    return PAYOFF_MEMORY * state.payoff + (1.0 - PAYOFF_MEMORY) * (premium - spend - fines)


def imitate(state: EsgState, group: np.ndarray, order: tuple[np.ndarray, np.ndarray, np.ndarray],
            alive: np.ndarray, cfg: EsgConfig, rng: np.random.Generator) -> None:
    """Pairwise-comparison (Fermi) imitation within tiers, with mutation.

    Args:
        state: ESG state (``strategy`` updated).
        group: peer group per firm (tier).
        order: :func:`abm.behaviour.common.group_order` of ``group``.
        alive: firms in the market (only they revise, and only alive peers are copied).
        cfg: ESG parameters.
        rng: the ESG stream.
    """
    n = len(group)
    peer_u, revise, accept, mutate, pick = rng.random((5, n))
    peer = random_peer(peer_u, group, order)
    revising = alive & alive[peer] & (revise < cfg.revision_rate)
    diff = (state.payoff[peer] - state.payoff) / cfg.imitation_temperature
    copy = revising & (accept < 1.0 / (1.0 + np.exp(-clip(diff, -50.0, 50.0))))
    new = np.where(copy, state.strategy[peer], state.strategy)
    random_strategy = (pick * 3).astype(np.int8)
    state.strategy = np.where(revising & (mutate < cfg.mutation_rate), random_strategy,
                              new).astype(np.int8)


def abatement_per_spend(state: EsgState, cfg: EsgConfig) -> np.ndarray:
    """Per firm: the share of its production emissions that ESG spending of one period's
    revenue cuts, ``improve_efficiency (1 - E) / (1.5 - E)`` (the E pillar's gain over the
    factor ``1.5 - E`` in :func:`emission_rate`); 0 for firms not improving (a greenwasher's
    spending buys disclosure, not abatement)."""
    environment = state.true[:, 0]
    return (cfg.improve_efficiency * (state.strategy == IMPROVE) * (1.0 - environment)
            / (1.5 - environment))


def emission_rate(state: EsgState, firms: FirmState, log_tech: np.ndarray,
                  cfg: EsgConfig) -> np.ndarray:
    """Emissions per unit of output: tier factor x unit value added x (1.5 - E) / sqrt(tech).

    The environmental component ``E`` in [0, 1] scales emissions between 1.5x and 0.5x of the
    tier's factor; cleaner technology cuts them further.

    Args:
        state: ESG state (the E pillar).
        firms: firm state (tier, unit value added).
        log_tech: log technology per firm.
        cfg: ESG parameters.
    """
    tier_factor = np.asarray(cfg.emission_tier_factor)[firms.tier]
    return tier_factor * firms.unit_value_added * (1.5 - state.true[:, 0]) * np.exp(
        -0.5 * log_tech)
