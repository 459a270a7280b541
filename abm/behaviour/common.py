"""Helpers shared by the behaviour mechanisms: distributions, group statistics, link masks,
capacity planning, and numpy idioms that give the same numbers faster."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from abm.behaviour.linkindex import buyer_counts, buyer_rows
from abm.core.rules import live_links
from abm.core.state import FirmState, LinkState

# Keeps logs and ratios finite where a firm has no revenue or a link no trust.
EPS = 1e-9
# Above this share of all link rows, selecting rows costs more than a pass over all of them.
DENSE_SHARE = 0.3


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
    mean = clip(np.broadcast_to(np.asarray(mean, dtype=float), (size,)), 0.01, 0.99)
    if sd <= 0:
        return mean.copy()
    # A Beta's variance is below mean * (1 - mean): cap sd so both shape parameters stay > 0.
    var = np.minimum(sd**2, 0.9 * mean * (1.0 - mean))
    common = mean * (1.0 - mean) / var - 1.0
    return rng.beta(mean * common, (1.0 - mean) * common)


def clip(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``np.minimum(np.maximum(values, low), high)`` (a new array).

    numpy's clip loop is vectorised, while ``np.maximum``/``np.minimum`` with a number as one
    operand are several times slower than with two arrays. Both give the same values (only
    a zero may keep a minus sign that the two-step form drops, which no sum, product or
    comparison can tell).

    Args:
        values: the array.
        low: lower bound.
        high: upper bound.
    """
    return np.clip(values, low, high)


def divide_where(numerator: np.ndarray, denominator: np.ndarray, where: np.ndarray,
                 otherwise: np.ndarray | float = 0.0) -> np.ndarray:
    """``numerator / denominator`` where ``where`` holds, ``otherwise`` elsewhere (a new array).

    A plain division where ``where`` holds everywhere (the usual case): numpy's masked loop
    is several times slower.

    Args:
        numerator: the numerators.
        denominator: the denominators.
        where: where to divide.
        otherwise: the result elsewhere (an array of the same length, or one number).
    """
    if where.all():
        return numerator / denominator
    out = (otherwise.copy() if isinstance(otherwise, np.ndarray)
           else np.full(len(numerator), otherwise))
    return np.divide(numerator, denominator, out=out, where=where)


def at_least(values: np.ndarray, low: float) -> np.ndarray:
    """``np.maximum(values, low)`` for a number ``low``, through numpy's faster clip loop."""
    return np.clip(values, low, np.inf)


def at_most(values: np.ndarray, high: float) -> np.ndarray:
    """``np.minimum(values, high)`` for a number ``high``, through numpy's faster clip loop."""
    return np.clip(values, -np.inf, high)


def plan_volume(firms: FirmState, links: LinkState, volume: np.ndarray,
                capacity_slack: float, weight: np.ndarray | None = None,
                live: np.ndarray | None = None, coef: np.ndarray | None = None) -> None:
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
            (input coefficient x share, 0 on dead links); if not given, computed on the
            links needed only, from ``coef``, ``links.share`` and ``live``.
        live: links whose buyer and supplier are in the market, if known.
        coef: the buyer's input coefficient on each link (default: from the recipes).
    """
    if weight is not None and len(weight) != links.n:
        weight = None
    if live is not None and len(live) != links.n:
        live = None
    if coef is not None and len(coef) != links.n:
        coef = None
    lrd = firms.long_run_demand
    planning = np.flatnonzero(volume)
    amount = volume[planning]
    scratch = np.zeros(firms.n)  # per-firm work space, zero between uses
    while len(planning):
        planned = at_least(lrd[planning] + amount, 0.0)
        lrd[planning] = planned
        firms.capacity[planning] = planned * (1.0 + capacity_slack)
        # Their inputs: only the links of the firms that plan more (or less) output.
        rows = buyer_rows(links, firms, planning, DENSE_SHARE * links.n)
        if rows is None:
            # Most links are concerned: one pass over all of them is cheaper than selecting
            # rows, and the others add exact zeros (their buyer's volume is 0), so the sums
            # are the same.
            if weight is None:
                weight = _link_weight(firms, links, live, coef)
            scratch[planning] = amount
            volume = np.bincount(links.supplier, minlength=firms.n,
                                 weights=scratch[links.buyer] * weight)
            scratch[planning] = 0.0
            planning = np.flatnonzero(volume)
            amount = volume[planning]
        elif len(rows):
            # Few links: add up per supplier in row order, as np.bincount would, without
            # passes over all firms (np.add.at adds repeated indices one after the other).
            scratch[planning] = amount
            flow = scratch[links.buyer[rows]] * (
                weight[rows] if weight is not None
                else _link_weight(firms, links, live, coef, rows))
            scratch[planning] = 0.0
            supplier = links.supplier[rows]
            np.add.at(scratch, supplier, flow)
            suppliers = np.unique(supplier)
            total = scratch[suppliers]
            scratch[suppliers] = 0.0
            planning, amount = suppliers[total != 0.0], total[total != 0.0]
        else:
            break  # raw materials: no inputs to plan


def _link_weight(firms: FirmState, links: LinkState, live: np.ndarray | None,
                 coef: np.ndarray | None, rows: np.ndarray | None = None) -> np.ndarray:
    """Input coefficient x share on live links (0 on dead ones), on all links or ``rows``."""
    if rows is None:
        return (link_coefficients(firms, links) if coef is None else coef) * links.share * (
            live if live is not None else live_links(firms, links))
    if live is not None:
        alive = live[rows]
    else:
        alive = links.active[rows] & firms.alive[links.supplier[rows]] & firms.alive[
            links.buyer[rows]]
    on_rows = link_coefficients(firms, links, rows) if coef is None else coef[rows]
    return on_rows * links.share[rows] * alive


def link_coefficients(firms: FirmState, links: LinkState, rows: np.ndarray | None = None
                      ) -> np.ndarray:
    """The buyer's input coefficient on each link (or on ``rows``).

    ``input_coef[links.buyer, links.slot]`` through the links' cached flat slot key: one
    gather instead of numpy's much slower two-index lookup.
    """
    key = links.slot_key(firms.n_slots)
    return firms.input_coef.take(key if rows is None else key[rows])


Buffers = weakref.WeakValueDictionary  # buffers made by append_rows, by id (one per owner)


def append_rows(array: np.ndarray, values: np.ndarray, buffers: Buffers) -> np.ndarray:
    """``np.concatenate([array, values])``, without copying ``array`` where possible.

    Links are added a few at a time (upgrading, every review); copying every per-link array
    each time is a pass over all links. So the result leads a buffer with a quarter more
    room, and appending to it again only writes the new rows. Only the latest result of a
    buffer may be appended to (an older, shorter view would overwrite the newer rows).

    Args:
        array: a 1-D array (the result of an earlier call, or any other array).
        values: the rows to append (cast to ``array``'s type).
        buffers: the owner's registry of buffers this function made (only those are grown
            in place); one per model, so models never touch each other's arrays.
    """
    n, k = len(array), len(values)
    base = array.base
    if (base is not None and buffers.get(id(base)) is base and len(base) >= n + k
            and array.ctypes.data == base.ctypes.data and array.flags.c_contiguous):
        base[n:n + k] = values
        return base[:n + k]
    buffer = np.empty(n + k + (n + k) // 4, dtype=array.dtype)
    buffer[:n] = array
    buffer[n:n + k] = values
    buffers[id(buffer)] = buffer
    return buffer[:n + k]


@dataclass
class LinkView:
    """Link statistics computed once per period and shared by the mechanisms."""

    live: np.ndarray  # links whose buyer and supplier are in the market
    weight: np.ndarray  # ``live`` as floats, for bincount weights
    suppliers: np.ndarray  # per firm: live supplier links (as buyer)
    link_supplier: np.ndarray  # the links' suppliers when the view was taken
    _customers: np.ndarray | None = None

    @classmethod
    def of(cls, firms: FirmState, links: LinkState) -> LinkView:
        """The view of the current links."""
        # With every firm in the market only ended links are dead: no gathers needed.
        live = links.active.copy() if firms.alive.all() else live_links(firms, links)
        # The counts are whole numbers: every row's count less the dead rows' ones is exact,
        # and the rows per buyer are known from the link rows alone (no pass over the links).
        dead = links.buyer[np.flatnonzero(~live)]
        suppliers = buyer_counts(links, firms) - np.bincount(dead, minlength=firms.n)
        return cls(live=live, weight=live.astype(float), suppliers=suppliers.astype(float),
                   link_supplier=links.supplier)

    @property
    def customers(self) -> np.ndarray:
        """Per firm: live customer links (as supplier); only reviews need them, so they are
        counted on first use."""
        if self._customers is None:
            supplier = self.link_supplier[: len(self.live)]
            counts = np.bincount(supplier, minlength=len(self.suppliers))
            counts -= np.bincount(supplier[np.flatnonzero(~self.live)],
                                  minlength=len(self.suppliers))
            self._customers = counts.astype(float)
        return self._customers

    def grown(self, firms: FirmState, links: LinkState) -> LinkView:
        """The view after rows were appended to the links, the others unchanged.

        Only the new rows are looked at; the counts are whole numbers, so adding the new
        rows' counts gives exactly what :meth:`of` would.
        """
        new = slice(len(self.live), links.n)
        buyer, supplier = links.buyer[new], links.supplier[new]
        live = links.active[new] & firms.alive[supplier] & firms.alive[buyer]
        weight = live.astype(float)
        n = len(self.suppliers)
        return LinkView(
            live=np.concatenate([self.live, live]), weight=np.concatenate([self.weight, weight]),
            suppliers=self.suppliers + np.bincount(buyer, weights=weight, minlength=n),
            link_supplier=links.supplier,
            _customers=None if self._customers is None else (
                self._customers + np.bincount(supplier, weights=weight, minlength=n)))

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
        return divide_where(total, self.suppliers, self.suppliers > 0, empty)

    def mean_over_customers(self, links: LinkState, values: np.ndarray) -> np.ndarray:
        """Per supplier: mean of a per-link value over its live customer links (0 if none)."""
        total = np.bincount(links.supplier, weights=values * self.weight, minlength=len(
            self.customers))
        return divide_where(total, self.customers, self.customers > 0)


def group_order(group: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Firms sorted by group, with each group's start and size (for :func:`random_peer`)."""
    order = np.argsort(group, kind="stable")
    counts = np.bincount(group, minlength=int(group.max()) + 1 if len(group) else 0)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return order, starts, counts


def group_sums(values: np.ndarray, order: tuple[np.ndarray, np.ndarray, np.ndarray]
               ) -> np.ndarray:
    """Per group, the sum of ``values`` over its firms: ``np.bincount(group, weights=values)``
    bit for bit (both add in firm order, one value after the other), at a fraction of the
    cost for a few groups (running sums over each group's run of sorted firms).

    Args:
        values: one value per firm (booleans count as 0 and 1).
        order: :func:`group_order` of the groups.
    """
    sorted_firms, starts, counts = order
    ordered = values[sorted_firms].astype(float, copy=False)
    sums = np.zeros(len(counts))
    for g in np.flatnonzero(counts):
        sums[g] = np.add.accumulate(ordered[starts[g]:starts[g] + counts[g]])[-1]
    return sums


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
