"""Platforms' books: what the platforms earn is exactly what their members pay in fees."""

from __future__ import annotations

import numpy as np
import pytest

from abm.config.compose import compose_config
from abm.model import EcosystemModel


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_platform_revenue_equals_fees_paid(seed: int) -> None:
    model = EcosystemModel(config=compose_config(
        ["network.n_firms=400", "ticks=80", "scenario.shocks.regional_disaster.onset=30",
         f"seed={seed}"]))
    model.run()
    series = model.timeseries()
    assert series["platform_fees"].sum() > 0
    np.testing.assert_allclose(series["platform_revenue"], series["platform_fees"], rtol=1e-9)
    assert sum(p.revenue_total for p in model.platforms) == pytest.approx(
        series["platform_revenue"].sum(), rel=1e-12)
    members = (model.firms.platform >= 0) & model.firms.alive
    assert sum(len(p.members) for p in model.platforms) == members.sum()
    assert not (model.firms.chain_leader & (model.firms.platform >= 0)).any()
