"""Spare capacity by product group: what the state's monitoring and dispatch platforms see
when they send buyers of a disrupted supplier to others (early warning, resource re-dispatch).

A buyer's search draws a new supplier of the same product in its chain's tier below (its
*product group*), among alive firms running at ``sourcing.min_availability`` or more, weighted
by idle plant (``abm.market.sourcing``). Sending more buyers to search than that idle plant can
carry only moves the shortage, so both instruments start searches in link-row order while the
links' expected volume fits in the group's idle plant.
"""

from __future__ import annotations

import numpy as np

from abm.core.process import World
from abm.core.state import FirmState, LinkState


def product_group(firms: FirmState) -> np.ndarray:
    """Per firm: its (chain, tier, product) group, the firms a buyer's search draws from."""
    n_tiers, n_products = int(firms.tier.max()) + 1, int(firms.product.max()) + 1
    return (firms.chain * n_tiers + firms.tier) * n_products + firms.product


def expected_volume(firms: FirmState, links: LinkState, rows: np.ndarray) -> np.ndarray:
    """Per link row: the buyer's expected per-tick use of the input from this supplier
    (order share x input coefficient x forecast)."""
    buyer = links.buyer[rows]
    return links.share[rows] * firms.input_coef[buyer, links.slot[rows]] * firms.forecast[buyer]


def room(world: World, searching: np.ndarray) -> np.ndarray:
    """Per product group: idle plant (normal output plus the capacity slack, at current
    availability, minus long-run demand) of the suppliers a search may pick, minus the
    expected volume of the links in ``searching`` (per link row: already sent to search)."""
    firms, links = world.firms, world.links
    group = product_group(firms)
    eligible = firms.alive & (firms.availability >= world.config.sourcing.min_availability)
    plant = (firms.normal_output * (1.0 + world.config.market.capacity_slack)
             * firms.availability)
    spare = np.maximum(plant - firms.long_run_demand, 0.0) * eligible
    rows = np.flatnonzero(searching)
    n_groups = int(group.max()) + 1
    return (np.bincount(group, weights=spare, minlength=n_groups)
            - np.bincount(group[links.supplier[rows]],
                          weights=expected_volume(firms, links, rows), minlength=n_groups))


def fitting_links(firms: FirmState, links: LinkState, rows: np.ndarray, room: np.ndarray
                  ) -> np.ndarray:
    """The link ``rows`` (in row order) whose expected volume, cumulated per product group of
    their supplier, fits in that group's ``room``."""
    if not len(rows):
        return rows
    rows = np.sort(rows)
    group = product_group(firms)[links.supplier[rows]]
    order = np.argsort(group, kind="stable")  # row order within each group
    cumulated = np.cumsum(expected_volume(firms, links, rows)[order])
    start = np.searchsorted(group[order], group[order])  # first index of each group
    within = cumulated - np.where(start > 0, cumulated[start - 1], 0.0)
    fits = np.zeros(len(rows), dtype=bool)
    fits[order] = within <= room[group[order]]
    return rows[fits]
