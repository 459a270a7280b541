"""A buyer back with its former supplier moves back the orders it piled on the slot's other
suppliers while away (ODD 7.6, relationship memory; issue 10).

Set up on a small network: a buyer's link remembers a former supplier that can serve it, and
the slot's other supplier owes 30 weeks of its expected volume (orders piled on it while the
former supplier was away, counted as on order by the buyer). After the return the other
supplier owes at most its new share's volume over lead time and one review, and the buyer's
on-order fell by what was cancelled, so it re-orders it under the re-split shares.
"""

from __future__ import annotations

import numpy as np
import pytest

from abm.config.compose import compose_config
from abm.core.rules import REVIEW_TICKS
from abm.market.canvassing import expected_volume
from abm.model import EcosystemModel
from abm.policies.spare_capacity import product_group

SMALL = ["network.n_firms=120", "ticks=40", "scenario.shocks.regional_disaster.onset=10"]
PILED_WEEKS = 30.0


@pytest.mark.parametrize("seed", range(4))
def test_return_cancels_orders_piled_on_the_other_suppliers(seed: int) -> None:
    model = EcosystemModel(config=compose_config(SMALL), seed=seed, shocks=False)
    for _ in range(5):
        model.step()
    firms, links, memory = model.firms, model.links, model.relationships
    n = links.n
    key = links.slot_key(firms.n_slots)[:n]
    live = links.active[:n] & firms.alive[links.supplier[:n]]
    per_slot = np.bincount(key[live], minlength=firms.input_inventory.size)
    group = product_group(firms)
    booked = np.bincount(links.supplier[:n], weights=expected_volume(firms, links)[:n],
                         minlength=firms.n) + firms.final_demand
    idle = firms.normal_output * (1.0 + model.config.market.capacity_slack) - booked
    # A link whose slot has two live suppliers, and a firm of its supplier's group idle
    # enough to take the buyer's whole use of the input back (so the return fits).
    for row in np.flatnonzero(live & (per_slot[key] == 2)):
        other = np.flatnonzero(live & (key == key[row]))
        other = int(other[other != row][0])
        buyer, slot = links.buyer[row], links.slot[row]
        able = ((group == group[links.supplier[row]]) & firms.alive
                & (idle >= firms.input_coef[buyer, slot] * firms.forecast[buyer]))
        able[[links.supplier[row], links.supplier[other]]] = False
        if able.any():
            former = int(np.flatnonzero(able)[0])
            break
    else:
        pytest.skip("no slot with two suppliers and an idle third firm of the group")
    memory.former[row], memory.left_at[row], memory.retry_at[row] = former, 0, 0
    pile = PILED_WEEKS * expected_volume(firms, links)[other]
    links.backlog[other] += pile
    firms.on_order.reshape(-1)[key[other]] += pile
    on_order_before = firms.on_order.reshape(-1)[key[other]]
    backlog_before = links.backlog[other]

    back = memory.step(firms, links, model.supplier_market, tick=6)

    assert row in back and links.supplier[row] == former  # the buyer is back
    due = expected_volume(firms, links)[other] * (links.lead_time[other] + REVIEW_TICKS)
    assert links.backlog[other] <= due + 1e-9
    cancelled = backlog_before - links.backlog[other]
    assert cancelled > 0
    # What the buyer still counts as on order fell by the cancelled orders (and by the
    # stop-gap's cancelled backlog), so nothing it re-orders is double counted.
    assert firms.on_order.reshape(-1)[key[other]] <= on_order_before - cancelled + 1e-9
