"""The calibration's recovery verdict: recovered means back at the level by the window's end
and still there at the horizon; a horizon shorter than the window never reads as recovery."""

from __future__ import annotations

import numpy as np

from experiments.calibration.recovery import recovered


def test_back_within_the_window_and_staying_is_recovered() -> None:
    ref = np.ones(300)
    perf = np.ones(300)
    perf[100:150] = 0.5  # shock ends at 150; back at once
    assert recovered(perf, ref, end=150, level=0.95)


def test_still_down_at_the_horizon_is_not_recovered_even_inside_the_window() -> None:
    ref = np.ones(300)
    perf = np.ones(300)
    perf[100:] = 0.5  # never comes back; the window (end + 104 = 354) outlasts the run
    assert not recovered(perf, ref, end=250, level=0.95)


def test_back_only_after_the_window_is_not_recovered() -> None:
    ref = np.ones(400)
    perf = np.ones(400)
    perf[100:300] = 0.5  # back at 300 > end + 104 = 254
    assert not recovered(perf, ref, end=150, level=0.95)
