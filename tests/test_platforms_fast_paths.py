"""The platforms' per-tick shortcuts give, bit for bit, what the plain formulas give.

Each shortcut (binary search in the contact book, sums over the rows that can contribute,
column-wise row sums) is checked against the straightforward formula it replaced, on random
states that include the edge cases: dead firms, firms without final demand, chains without a
verified-green firm, keys outside the contact book, an empty book.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from abm.core.rules import live_links, row_sum, scaled_lead
from abm.core.state import ROUTE_SEA
from abm.platforms import fees, green
from abm.platforms.logistics import member_lead_factor, sea_links, transit_means
from abm.platforms.matching import VisiblePool

N_FIRMS, N_LINKS = 300, 1200


def random_world(seed: int) -> SimpleNamespace:
    """Firms and links with the fields the platforms' rules read (dead firms included)."""
    rng = np.random.default_rng(seed)
    n = N_FIRMS
    demand = rng.lognormal(0.0, 1.0, n) * (rng.random(n) < 0.4)  # most firms sell upstream
    firms = SimpleNamespace(
        n=n, chain=rng.integers(0, 4, n), final_demand=demand,
        capacity=demand * rng.uniform(0.8, 1.5, n), availability=rng.uniform(0.5, 1.0, n),
        alive=rng.random(n) < 0.95, platform=rng.integers(-1, 3, n),
        input_coef=rng.random((n, 3)) * (rng.random((n, 3)) < 0.7),
        slot_price=rng.lognormal(0.0, 1.0, (n, 3)), unit_value_added=rng.lognormal(0.0, 1.0, n),
        price=rng.lognormal(1.0, 1.0, n) * (rng.random(n) < 0.97))
    links = SimpleNamespace(
        n=N_LINKS, buyer=rng.integers(0, n, N_LINKS), supplier=rng.integers(0, n, N_LINKS),
        route=rng.integers(0, 3, N_LINKS), lead_time=rng.integers(1, 6, N_LINKS),
        active=rng.random(N_LINKS) < 0.9)
    return SimpleNamespace(firms=firms, links=links, rng=rng)


@pytest.mark.parametrize("seed", range(5))
def test_contact_book_lookup_is_isin(seed: int) -> None:
    world = random_world(seed)
    pool = VisiblePool(world, discovery_rate=0.1)
    n = world.firms.n
    keys = world.rng.integers(-5, n * n + 5, (40, 60))
    keys[0, :10] = pool.contacts[:10]  # some certain hits
    np.testing.assert_array_equal(pool.known(keys), np.isin(keys, pool.contacts))
    pool.forget(np.arange(n))  # every firm replaced: an empty book
    assert not pool.known(keys).any() and pool.known(keys).shape == keys.shape


def reference_demand_weight(firms: SimpleNamespace, listing: np.ndarray, share: float
                            ) -> np.ndarray:
    """The formula over every firm, as written before the shortcut."""
    demand = firms.final_demand
    n_chains = int(firms.chain.max()) + 1
    is_green = listing > 0
    movable = np.bincount(firms.chain, weights=share * demand * ~is_green, minlength=n_chains)
    pull = listing * demand
    pull_total = np.bincount(firms.chain, weights=pull, minlength=n_chains)
    wanted = movable[firms.chain] * np.divide(pull, pull_total[firms.chain],
                                              out=np.zeros(firms.n),
                                              where=pull_total[firms.chain] > 0)
    taken = np.minimum(wanted, np.maximum(firms.capacity * firms.availability - demand, 0.0))
    moved = np.bincount(firms.chain, weights=taken, minlength=n_chains)
    others = np.bincount(firms.chain, weights=demand * ~is_green, minlength=n_chains)
    loss = np.divide(moved, others, out=np.zeros(n_chains), where=others > 0)
    gain = np.divide(taken, demand, out=np.zeros(firms.n), where=demand > 0)
    weight = np.where(is_green, 1.0 + gain, 1.0 - loss[firms.chain])
    return np.where(demand > 0, weight, 1.0)


@pytest.mark.parametrize("seed", range(5))
def test_green_demand_weight_is_the_formula_over_every_firm(seed: int) -> None:
    world = random_world(seed)
    firms = world.firms
    listing = (world.rng.random(firms.n) < 0.3) * world.rng.choice([1.0, 1.5], firms.n)
    listing[firms.chain == 0] = 0.0  # a chain without a verified-green firm
    listing[(firms.chain == 1) & (firms.final_demand > 0)] = 1.0  # one with only green ones
    weight = green.demand_weight(firms, listing, 0.2)
    assert weight is not None
    np.testing.assert_array_equal(weight, reference_demand_weight(firms, listing, 0.2))
    assert (weight != 1.0).any()


def test_green_demand_weight_is_none_exactly_when_it_would_be_neutral() -> None:
    firms = random_world(7).firms
    upstream_only = (firms.final_demand == 0) * 1.0  # green firms sell no final goods
    assert green.demand_weight(firms, upstream_only, 0.2) is None
    assert (reference_demand_weight(firms, upstream_only, 0.2) == 1.0).all()


@pytest.mark.parametrize(("seed", "extra", "with_lever"), [(0, 0, False), (1, 2, True),
                                                         (2, 3, False)])
def test_sea_link_rules_are_the_formulas_over_every_link(seed: int, extra: int,
                                                         with_lever: bool) -> None:
    world = random_world(seed)
    firms, links = world.firms, world.links
    sea, member = sea_links(firms, links)
    factor = member_lead_factor(links.n, sea, member, 0.6)
    is_sea = links.route == ROUTE_SEA
    from_member = firms.platform[links.supplier] >= 0
    np.testing.assert_array_equal(factor, np.where(from_member & is_sea, 0.6, 1.0))
    if with_lever:  # a programme's faster links on top
        factor = factor * world.rng.choice([0.5, 1.0], links.n)
    transit = scaled_lead(links.lead_time + extra, factor)
    on = live_links(firms, links) & is_sea & from_member
    off = live_links(firms, links) & is_sea & ~from_member
    expected = (float(transit[on].sum()), float(transit[off].sum()), int(on.sum()),
                int(off.sum()))
    assert transit_means(firms, links, sea, member, extra, factor) == expected
    firms.alive[:] = True  # the shortcut without firm lookups
    everyone = links.active & is_sea
    assert transit_means(firms, links, sea, member, extra, factor)[2:] == (
        int((everyone & from_member).sum()), int((everyone & ~from_member).sum()))


@pytest.mark.parametrize("seed", range(3))
def test_fees_shortcuts_are_the_plain_formulas(seed: int) -> None:
    world = random_world(seed)
    firms, links = world.firms, world.links
    values = firms.input_coef * firms.slot_price
    np.testing.assert_array_equal(row_sum(values), values.sum(axis=1))
    cost = values.sum(axis=1) + 0.4 * firms.unit_value_added
    np.testing.assert_array_equal(fees.unit_variable_cost(firms, 0.4), cost)
    margin = 1.0 - np.divide(cost, firms.price, out=np.ones(firms.n), where=firms.price > 0)
    rows = np.flatnonzero(world.rng.random(firms.n) < 0.2)
    np.testing.assert_array_equal(fees.gross_margin(firms, 0.4), margin)
    np.testing.assert_array_equal(fees.gross_margin(firms, 0.4, rows), margin[rows])
    shipped, export = world.rng.random(links.n), world.rng.random(firms.n)
    member = firms.platform >= 0
    same = member[links.supplier] & (firms.platform[links.supplier]
                                     == firms.platform[links.buyer])
    to_members = np.bincount(links.supplier, weights=shipped * same, minlength=firms.n)
    got = fees.platform_units(firms, links, shipped, export)
    np.testing.assert_array_equal(got[0], to_members * member)
    np.testing.assert_array_equal(got[1], export * member)
