"""The resilience formulas on constructed series (known answers by construction)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from abm.config.schema import MetricsConfig
from abm.metrics import ShockWindow, summarise


def _series(performance: np.ndarray) -> pd.DataFrame:
    n = len(performance)
    frame = pd.DataFrame({"step": np.arange(1, n + 1), "performance": performance,
                          "value_added": 100 * performance, "final_demand": 10.0,
                          "links_rewired": 0, "links_ended": 0, "links_active": 50,
                          "supplier_hhi": 0.5, "exits": 0, "entries": 0, "subsidy_spent": 0})
    for tier in range(3):
        frame[f"orders_tier{tier}"] = 10.0 * (tier + 1)
    return frame


def test_resilience_triangle() -> None:
    perf = np.ones(100)
    perf[49:55] = [0.6, 0.7, 0.8, 0.9, 0.96, 0.94]  # onset at step 50, back for good at 56
    twin = _series(np.ones(100))
    out = summarise(_series(perf), twin, ShockWindow(50, 52), MetricsConfig(), {})
    assert out["resistance"] == pytest.approx(0.6)
    assert out["recovery_time"] == 6
    assert out["recovery_censored"] == 0
    assert out["resilience_loss"] == pytest.approx(0.4 + 0.3 + 0.2 + 0.1 + 0.04 + 0.06)
    assert out["risk_resistance"] == pytest.approx((0.6 + 0.7 + 0.8) / 3)


def test_recovery_is_censored_when_never_regained() -> None:
    perf = np.ones(60)
    perf[40:] = 0.5
    out = summarise(_series(perf), None, ShockWindow(41, 45), MetricsConfig(), {})
    assert out["recovery_censored"] == 1
    assert out["recovery_time"] == 20


def test_no_shock_means_no_loss() -> None:
    out = summarise(_series(np.ones(80)), None, ShockWindow(None, None), MetricsConfig(), {})
    assert (out["resistance"], out["resilience_loss"], out["recovery_time"]) == (1.0, 0.0, 0.0)


def test_creativity_compares_late_value_added_with_the_twin() -> None:
    perf = np.ones(100)
    perf[49:52] = 0.5
    run, twin = _series(perf), _series(np.ones(100))
    run.loc[run["step"] > 74, "value_added"] = 110.0  # the shocked run ends 10% above
    out = summarise(run, twin, ShockWindow(50, 52), MetricsConfig(late_window=26), {})
    assert out["creativity"] == pytest.approx(0.1)
    calm = summarise(twin, None, ShockWindow(None, None), MetricsConfig(), {})
    assert calm["creativity"] == 0.0
