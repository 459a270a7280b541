"""Direct and indirect losses (abm.metrics.losses) and the one-firm shock scope."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.api import simulate
from abm.config.compose import compose_config
from abm.core.errors import ConfigError
from abm.metrics.losses import split_losses
from abm.model import EcosystemModel

DISASTER = "scenario.shocks.regional_disaster"
SMALL = ("network.n_firms=120", "ticks=60", f"{DISASTER}.onset=30")


def _frame(value_added: list[float], availability: list[float] | None = None) -> pd.DataFrame:
    n = len(value_added)
    return pd.DataFrame({"step": np.arange(1, n + 1), "value_added": value_added,
                         "mean_availability": availability or [1.0] * n})


def test_split_on_hand_made_series() -> None:
    """Twin at 10 every tick; the run loses 4 + 3 during the damage (ticks 3-4) and wins 1
    back afterwards: total 6, window 7, indirect = total - direct."""
    run = _frame([10, 10, 6, 7, 11, 10], [1, 1, 0.5, 0.8, 1, 1])
    twin = _frame([10.0] * 6)
    out = split_losses(run, twin, onset=3, baseline_window=2, steady_value_added=10.0,
                       direct=4.0)
    assert out == {"loss_direct": 4.0, "loss_total": 6.0, "loss_indirect": 2.0,
                   "loss_amplification": 1.5, "loss_damage_window": 7.0}
    # Without a twin the reference is the mean of the baseline window before the onset.
    alone = split_losses(_frame([8, 12, 6, 7, 11, 10], [1, 1, 0.5, 0.8, 1, 1]), None, 3, 2,
                         99.0, 4.0)
    assert alone["loss_total"] == 6.0
    none = split_losses(run, twin, None, 2, 10.0, 0.0)
    assert none["loss_total"] == none["loss_direct"] == 0.0
    assert np.isnan(none["loss_amplification"]) and np.isnan(none["loss_damage_window"])


def test_direct_loss_is_capacity_destroyed_times_time() -> None:
    """A step disaster of magnitude m over d ticks: the direct loss is m * d * sum over the
    firms hit of pre-shock output x unit value added (behaviour off keeps unit value added)."""
    magnitude, duration = 0.6, 5
    config = compose_config([*SMALL, "behaviour.enabled=false",
                             f"{DISASTER}.recovery.profile=step",
                             f"{DISASTER}.magnitude={magnitude}",
                             f"{DISASTER}.duration={duration}"])
    model = EcosystemModel(config=config)
    model.run()
    firms, tracker = model.firms, model.firm_recovery
    hit = model.schedule._hit["regional_disaster"] & firms.alive
    expected = magnitude * duration * float((tracker.pre * firms.unit_value_added)[hit].sum())
    assert expected > 0
    assert tracker.summary()["loss_direct"] == pytest.approx(expected, rel=1e-9)


def test_losses_in_a_run_add_up_and_flow_shocks_destroy_nothing() -> None:
    summary = simulate([*SMALL, "seed=3"]).summary
    assert summary["loss_direct"] > 0 and summary["loss_total"] > 0
    assert summary["loss_indirect"] == pytest.approx(summary["loss_total"]
                                                     - summary["loss_direct"])
    assert summary["loss_amplification"] == pytest.approx(summary["loss_total"]
                                                          / summary["loss_direct"])
    demand = simulate(["network.n_firms=120", "ticks=60", "scenario=export_demand_drop",
                       "scenario.shocks.export_demand_drop.onset=30", "seed=3"]).summary
    assert demand["loss_direct"] == 0.0 and demand["loss_total"] > 0
    assert np.isnan(demand["loss_amplification"])


def test_one_firm_scope_hits_exactly_that_firm() -> None:
    row = 7
    result = simulate([*SMALL, f"{DISASTER}.scope.regions=[]", f"{DISASTER}.scope.firms=[{row}]",
                       f"{DISASTER}.magnitude=1.0"])
    assert result.summary["firms_hit"] == 1
    assert result.firm_recovery is not None and list(result.firm_recovery["firm"]) == [row]


def test_scope_firm_outside_the_network_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"scope\.firms.*network\.n_firms-1 = 119"):
        simulate([*SMALL, f"{DISASTER}.scope.firms=[120]"])
