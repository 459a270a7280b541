"""Helpers shared by the behaviour mechanisms: distributions, group statistics, link masks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.state import FirmState, LinkState

# Keeps logs and ratios finite where a firm has no revenue or a link no trust.
EPS = 1e-9


def beta_draw(rng: np.random.Generator, mean: np.ndarray | float, sd: float, size: int
              ) -> np.ndarray:
    """Beta variates with the given mean(s) and standard deviation, on [0, 1].

    Args:
        rng: the random stream.
        mean: mean per draw (clipped to [0.01, 0.99]) or one mean for all.
        sd: standard deviation; 0 returns the means themselves.
        size: number of draws.

    Returns:
        ``size`` values in [0, 1].
    """
    mean = np.clip(np.broadcast_to(np.asarray(mean, dtype=float), (size,)), 0.01, 0.99)
    if sd <= 0:
        return mean.copy()
    # A Beta's variance is below mean * (1 - mean): cap sd so both shape parameters stay > 0.
    var = np.minimum(sd**2, 0.9 * mean * (1.0 - mean))
    common = mean * (1.0 - mean) / var - 1.0
    return rng.beta(mean * common, (1.0 - mean) * common)


def clip(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``np.clip`` without its slow Python-level dispatch (a new array).

    Args:
        values: the array.
        low: lower bound.
        high: upper bound.
    """
    return np.minimum(np.maximum(values, low), high)


def plan_volume(firms: FirmState, links: LinkState, volume: np.ndarray,
                capacity_slack: float, weight: np.ndarray | None = None) -> None:
    """Add a planned change of output per firm to long-run demand, and explode it upstream.

    A firm that expects to make ``volume`` more units per tick plans capacity for it, and so
    do its suppliers for the inputs it will need (material-requirements planning), tier by
    tier down to raw materials. Capacity follows at once (``capacity_slack`` above long-run
    demand), as it would for contracted volumes; the engine's slow adjustment toward incoming
    orders goes on as before.

    Args:
        firms: firm state (``long_run_demand`` and ``capacity`` updated in place).
        links: link state.
        volume: planned change of output per firm (units per tick, may be negative).
        capacity_slack: the engine's ``market.capacity_slack``.
        weight: per link, units of the supplier's product per unit of the buyer's output
            (input coefficient x share, 0 on dead links); computed if not given.
    """
    if weight is None or len(weight) != links.n:
        weight = firms.input_coef[links.buyer, links.slot] * links.share * live_links(
            firms, links)
    lrd = firms.long_run_demand
    planning = np.flatnonzero(volume)
    while len(planning):
        lrd[planning] = np.maximum(lrd[planning] + volume[planning], 0.0)
        firms.capacity[planning] = lrd[planning] * (1.0 + capacity_slack)
        # Their inputs: only the links of the firms that plan more (or less) output.
        flag = np.zeros(firms.n, dtype=bool)
        flag[planning] = True
        rows = np.flatnonzero(flag[links.buyer])
        volume = np.bincount(links.supplier[rows], minlength=firms.n,
                             weights=volume[links.buyer[rows]] * weight[rows])
        planning = np.flatnonzero(volume)


def live_links(firms: FirmState, links: LinkState) -> np.ndarray:
    """Links whose buyer and supplier are both in the market."""
    return links.active & firms.alive[links.supplier] & firms.alive[links.buyer]


@dataclass
class LinkView:
    """Link statistics computed once per period and shared by the mechanisms."""

    live: np.ndarray  # links whose buyer and supplier are in the market
    weight: np.ndarray  # ``live`` as floats, for bincount weights
    suppliers: np.ndarray  # per firm: live supplier links (as buyer)
    customers: np.ndarray  # per firm: live customer links (as supplier)

    @classmethod
    def of(cls, firms: FirmState, links: LinkState) -> LinkView:
        """The view of the current links."""
        live = live_links(firms, links)
        weight = live.astype(float)
        return cls(live=live, weight=weight,
                   suppliers=np.bincount(links.buyer, weights=weight, minlength=firms.n),
                   customers=np.bincount(links.supplier, weights=weight, minlength=firms.n))

    def mean_over_suppliers(self, links: LinkState, values: np.ndarray, empty: float
                            ) -> np.ndarray:
        """Per buyer: mean of a per-link value over its live supplier links.

        Args:
            links: link state.
            values: one value per link.
            empty: the result for a firm without live supplier links.
        """
        total = np.bincount(links.buyer, weights=values * self.weight, minlength=len(
            self.suppliers))
        return np.divide(total, self.suppliers, out=np.full(len(total), empty),
                         where=self.suppliers > 0)

    def mean_over_customers(self, links: LinkState, values: np.ndarray) -> np.ndarray:
        """Per supplier: mean of a per-link value over its live customer links (0 if none)."""
        total = np.bincount(links.supplier, weights=values * self.weight, minlength=len(
            self.customers))
        return np.divide(total, self.customers, out=np.zeros(len(total)),
                         where=self.customers > 0)


def group_order(group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Firms sorted by group, with each group's start and size (for :func:`random_peer`)."""
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return order, starts, counts


def random_peer(u: np.ndarray, group: np.ndarray,
                order: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """For every firm, a random firm of its own group.

    Args:
        u: one uniform draw per firm.
        group: group id per firm (e.g. tier).
        order: :func:`group_order` of ``group``.

    Returns:
        A peer index per firm (possibly itself).
    """
    sorted_firms, starts, counts = order
    count = counts[group]
    offset = np.minimum((u * count).astype(np.int64), count - 1)
    return sorted_firms[starts[group] + offset]
