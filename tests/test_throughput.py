"""The throughput command reports serial and joblib rates and the overhead split."""

from __future__ import annotations

import pytest

from experiments.throughput import main, measure

TINY = ["network.n_firms=60", "ticks=30", "scenario=none"]


def test_measure_accounts_for_the_wall_time() -> None:
    res = measure("serial", 1, 2, TINY)
    assert res["runs_per_minute"] == pytest.approx(60 * 2 / res["wall_s"])
    # wall time = simulated time + overhead (serial: one worker)
    assert res["sim_s_per_run"] * 2 + res["overhead_s_per_run"] * 2 == pytest.approx(
        res["wall_s"])
    assert 0 <= res["in_worker_s_per_run"] <= res["overhead_s_per_run"]
    assert res["startup_s"] >= 0


def test_main_prints_both_executors_and_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--runs", "2", "--base", *TINY])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("serial") and out[1].startswith("joblib")
    assert out[2].startswith("speed-up joblib(2) / serial: ")
    with pytest.raises(SystemExit):
        main(["--runs", "0"])
