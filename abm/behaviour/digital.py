"""Digital maturity (seeds 002, 004): adoption, forecasting, search and early visibility.

Each firm has a digital maturity ``M`` in [0, 1]; it counts as *adopted* (uses supply-chain
management systems) at ``M >= adoption_threshold``. SMEs start Beta-distributed around
``initial_mean`` (plus the head start of tools a process provides, published as
``tools_maturity``: a platform's SaaS tools for its members), chain leaders around
``leader_level``; the defaults put 10-20% of SMEs above the threshold (seed 004: SME
supply-chain-system use 10-20%). Digital spending ``s`` (per unit of period revenue) raises
maturity after ``lag_periods`` (implementation lag): ``M += efficiency * s * (1 - M)``, and
maturity ages by ``depreciation`` per period.

Effects (every tick):

* **information delay**: an upstream firm's demand signal is
  ``(1 - d) * orders_t + d * orders_{t-1}`` with ``d = information_delay * (1 - M)``;
* **demand visibility**: for an adopted firm (its systems exchange data with customers), a
  weight ``v = visibility * M`` of the signal is replaced by what its customers plan to use
  (their forecasts times input shares: shared data, the point-of-sale information that
  dampens the bullwhip; Lee et al. 1997);
* **forecast noise**: orders are planned on ``forecast * (1 + e)``,
  ``e ~ N(0, (legacy_forecast_noise * (1 - M))^2)``, a planning error redrawn every period
  (legacy planning revises its forecast model monthly);
* **search**: a replacement search takes
  ``round(search_ticks * (1 - search_speedup * M) * f)`` ticks (at least 1), where ``f`` is
  the per-firm factor a matching service publishes as ``search_factor`` (a platform's, for
  its members; 1 without);
* **early visibility**: an adopted buyer sees at once when a supplier's availability falls
  below ``early_warning`` and weights its orders to that supplier by the availability, so it
  leans on its other suppliers without waiting for the fill rate to drop (monitoring rather
  than abandoning the supplier: the relationship is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from abm.behaviour.common import at_least, beta_draw, clip, link_coefficients, live_links
from abm.behaviour.linkindex import derived, rows_of_buyers
from abm.config.schema import DigitalConfig
from abm.core.state import ASSEMBLY_TIER, FirmState, LinkState
from abm.metrics.finite import NonFiniteStateError

MAX_MATURITY = 0.99
MIN_ORDER_WEIGHT = 0.05  # as the engine's fill-rate floor: some business is kept


@dataclass
class DigitalState:
    """Per-firm digital maturity and the cached per-tick weights derived from it."""

    maturity: np.ndarray
    pending: np.ndarray  # (lag, N) maturity gains waiting for implementation
    previous_orders: np.ndarray  # last tick's incoming orders (the delayed signal)
    delay_weight: np.ndarray
    visibility_weight: np.ndarray
    noise_sd: np.ndarray
    planning_factor: np.ndarray  # 1 + this period's planning error
    adopted: np.ndarray
    assembly: np.ndarray  # assemblers see final demand directly
    link_coef: np.ndarray  # the buyer's input coefficient on each link (cached)
    # The live customer links of adopted upstream firms, whose planned use they see.
    visible_buyer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    visible_supplier: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    visible_use: np.ndarray = field(default_factory=lambda: np.zeros(0))


def initial_maturity(firms: FirmState, cfg: DigitalConfig, rng: np.random.Generator,
                     tools: np.ndarray | None = None) -> np.ndarray:
    """Draw starting maturities (see the module docstring), shifted by ``initial_shift_sd``.

    Args:
        firms: firm state (chain leaders).
        cfg: digital parameters.
        rng: the digital stream.
        tools: per firm, the maturity that tools provided to it add (None: none).
    """
    n = firms.n
    sme = beta_draw(rng, cfg.initial_mean, cfg.initial_sd, n)
    leader = beta_draw(rng, cfg.leader_level, 0.05, n)
    maturity = np.where(firms.chain_leader, leader, sme if tools is None else sme + tools)
    maturity = maturity + cfg.initial_shift_sd * cfg.initial_sd
    return clip(maturity, 0.0, MAX_MATURITY)


def init_digital(firms: FirmState, links: LinkState, cfg: DigitalConfig,
                 rng: np.random.Generator, tools: np.ndarray | None = None) -> DigitalState:
    """Digital state at the start, with the per-tick weights already derived.

    Args:
        firms: firm state.
        links: link state.
        cfg: digital parameters.
        rng: the digital stream.
        tools: per firm, the maturity that tools provided to it add (None: none).
    """
    n = firms.n
    state = DigitalState(maturity=initial_maturity(firms, cfg, rng, tools),
                         pending=np.zeros((cfg.lag_periods, n)),
                         previous_orders=firms.orders_received.copy(),
                         delay_weight=np.zeros(n), visibility_weight=np.zeros(n),
                         noise_sd=np.zeros(n), planning_factor=np.ones(n),
                         adopted=np.zeros(n, dtype=bool),
                         assembly=firms.tier == ASSEMBLY_TIER, link_coef=np.zeros(0))
    refresh(state, firms, links, live_links(firms, links), cfg)
    return state


def refresh(state: DigitalState, firms: FirmState, links: LinkState, live: np.ndarray,
            cfg: DigitalConfig) -> None:
    """Re-derive the per-tick weights from maturity (once per period) and the links' use.

    Args:
        state: digital state.
        firms: firm state.
        links: link state.
        live: links whose buyer and supplier are in the market.
        cfg: digital parameters.
    """
    m = state.maturity
    upstream = ~state.assembly
    state.adopted = m >= cfg.adoption_threshold
    state.delay_weight = cfg.information_delay * (1.0 - m) * upstream
    state.visibility_weight = cfg.visibility * m * (upstream & state.adopted)
    state.noise_sd = cfg.legacy_forecast_noise * (1.0 - m)
    if len(state.link_coef) != links.n:
        state.link_coef = link_coefficients(firms, links)
    rows = np.flatnonzero(live & (state.visibility_weight > 0)[links.supplier])
    state.visible_buyer, state.visible_supplier = links.buyer[rows], links.supplier[rows]
    state.visible_use = state.link_coef[rows] * links.share[rows]


def recipes_changed(state: DigitalState, firms: FirmState, links: LinkState,
                    changed: np.ndarray) -> None:
    """Refresh the cached input coefficients on the links of firms whose recipe changed.

    Args:
        state: digital state (``link_coef`` updated).
        firms: firm state.
        links: link state.
        changed: firms whose input coefficients changed.
    """
    if not len(changed) or len(state.link_coef) != links.n:
        return
    rows = rows_of_buyers(links, firms, changed)
    state.link_coef[rows] = link_coefficients(firms, links, rows)


def demand_signal(state: DigitalState, firms: FirmState, links: LinkState) -> np.ndarray:
    """The demand each firm's forecast follows this tick (delayed, partly shared data).

    Args:
        state: digital state (``previous_orders`` updated).
        firms: firm state.
        links: link state.
    """
    orders = firms.orders_received
    delayed = orders + state.delay_weight * (state.previous_orders - orders)
    state.previous_orders = orders
    planned = np.bincount(state.visible_supplier, minlength=firms.n,
                          weights=firms.forecast[state.visible_buyer] * state.visible_use)
    signal = delayed + state.visibility_weight * (planned - delayed)
    assemblers = derived(links, np.flatnonzero, state.assembly)
    signal[assemblers] = firms.final_demand[assemblers]
    return signal


def draw_planning_error(state: DigitalState, rng: np.random.Generator) -> None:
    """This period's legacy planning error per firm (none at full maturity)."""
    # Single precision halves the cost of the draw; a planning error needs no more.
    error = rng.standard_normal(len(state.noise_sd), dtype=np.float32)
    state.planning_factor = at_least(1.0 + state.noise_sd * error, 0.0)


def noisy_forecast(state: DigitalState, firms: FirmState) -> np.ndarray:
    """The forecast orders are planned on: legacy planning adds an error."""
    return firms.forecast * state.planning_factor


def search_ticks(state: DigitalState, base: int, cfg: DigitalConfig,
                 factor: np.ndarray | None = None) -> np.ndarray:
    """Ticks a replacement search takes for each buyer.

    Args:
        state: digital state.
        base: the engine's ``sourcing.search_ticks``.
        cfg: digital parameters.
        factor: per firm, a matching service's factor on the search time (None: 1).
    """
    ticks = base * (1.0 - cfg.search_speedup * state.maturity)
    if factor is not None:
        ticks = ticks * factor
    ticks = np.rint(ticks)
    if not np.isfinite(ticks).all():  # a cast would turn NaN into an arbitrary integer
        bad = int((~np.isfinite(ticks)).sum())
        raise NonFiniteStateError(None, "digital maturity (search ticks)", bad, "firms")
    return at_least(ticks, 1.0).astype(np.int64)


def early_warning(state: DigitalState, firms: FirmState, links: LinkState, cfg: DigitalConfig
                  ) -> np.ndarray | None:
    """Per-link order-weight multiplier: an adopted buyer that sees a supplier's availability
    below ``early_warning`` weights it by that availability at once, shifting orders to its
    other suppliers before its fill rate shows the problem (None when nobody is disrupted).

    Args:
        state: digital state (who has adopted).
        firms: firm state (availability).
        links: link state.
        cfg: digital parameters.
    """
    if firms.availability.min() >= cfg.early_warning:
        return None
    # Index rows rather than np.where: selects by scattered masks branch on every element.
    low = np.flatnonzero(firms.availability < cfg.early_warning)
    availability = np.ones(firms.n)
    availability[low] = firms.availability[low]
    rows = derived(links, _rows_of_adopters, state.adopted, links.buyer)
    weight = np.ones(links.n)
    weight[rows] = np.maximum(availability[links.supplier[rows]], MIN_ORDER_WEIGHT)
    return weight


def _rows_of_adopters(adopted: np.ndarray, buyer: np.ndarray) -> np.ndarray:
    """Link rows whose buyer has adopted (kept until adoption or the link rows change)."""
    return np.flatnonzero(adopted[buyer])


def invest(state: DigitalState, spend: np.ndarray, cfg: DigitalConfig) -> None:
    """Queue this period's spending; apply what has come through the implementation lag.

    Args:
        state: digital state (maturity and the implementation queue).
        spend: digital spending / period revenue per firm.
        cfg: digital parameters.
    """
    gain = cfg.efficiency * spend
    if cfg.lag_periods > 0:
        arriving = state.pending[0].copy()
        state.pending[:-1] = state.pending[1:]
        state.pending[-1] = gain
    else:
        arriving = gain
    m = state.maturity
    state.maturity = clip(m + arriving * (1.0 - m) - cfg.depreciation * m, 0.0, MAX_MATURITY)


def reset_entrants(state: DigitalState, firms: FirmState, rows: np.ndarray, cfg: DigitalConfig,
                   rng: np.random.Generator) -> None:
    """An entrant brings SME-typical maturity and has nothing in implementation.

    Args:
        state: digital state.
        firms: firm state.
        rows: the entrants.
        cfg: digital parameters.
        rng: the digital stream.
    """
    state.maturity[rows] = clip(beta_draw(rng, cfg.initial_mean, cfg.initial_sd, len(rows)),
                                   0.0, MAX_MATURITY)
    state.pending[:, rows] = 0.0
