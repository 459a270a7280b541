"""Issue 8 §2: NaN and overflow never hide as results; non-finite state fails the run."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from invariant_support import check_catalogue

import abm.api
from abm.api import simulate
from abm.behaviour.investment import USES, Situation, split
from abm.config.compose import compose_config
from abm.config.schema import InvestmentConfig
from abm.metrics.catalogue import SERIES, SUMMARY
from abm.metrics.finite import NonFiniteStateError
from abm.metrics.resilience import relative_variance
from abm.model import EcosystemModel
from abm.run import EXIT_RUN_FAILED, main

SHOCK = "scenario.shocks.regional_disaster"

# A short run needs metric windows that fit in it (validation refuses longer ones).
SHORT_RUN = ("scenario=none", "ticks=10", "metrics.warmup=2", "metrics.baseline_window=4",
             "metrics.late_window=4")
# Deep and long enough that buyers replace suppliers (a default disaster no longer makes them).
DEEP_DISASTER = ("scenario.shocks.regional_disaster.duration=26",
                 "scenario.shocks.regional_disaster.magnitude=1.0")


def _situation(margin: np.ndarray) -> Situation:
    n = len(margin)
    return Situation(profit=np.ones(n), revenue=np.ones(n), credit=np.zeros(n), margin=margin,
                     disruption=np.zeros(n), requirement_gap=np.zeros(n),
                     leader_customer=np.zeros(n, bool), maturity=np.zeros(n),
                     spends_on_esg=np.array([True, False, True, True][:n]))


def test_budget_split_is_a_softmax_that_cannot_overflow() -> None:
    margin = np.array([1e6, 1e6, -1e6, 0.1])  # exp(profit_weight * 1e6) overflows
    shares = np.vstack(split(_situation(margin), dict.fromkeys(USES, True), InvestmentConfig()))
    assert np.isfinite(shares).all()
    assert np.allclose(shares.sum(axis=0), 1.0)
    assert shares[0, 0] == pytest.approx(1.0)  # a huge margin puts everything into R&D
    assert shares[0, 2] == pytest.approx(0.0) and shares[0, 3] > 0  # and a huge loss nothing
    assert shares[2, 1] == 0.0  # a firm without an ESG strategy spends nothing on ESG


def test_budget_split_of_ordinary_firms_is_unchanged_by_the_guard() -> None:
    cfg = InvestmentConfig()
    margin = np.array([0.2, -0.3, 0.05, 0.0])
    shares = np.vstack(split(_situation(margin), dict.fromkeys(USES, True), cfg))
    rd = np.exp(cfg.rd_base + cfg.profit_weight * margin)
    others = np.exp([cfg.digital_base, cfg.esg_base, cfg.buffer_base])
    esg_on = np.array([1.0, 0.0, 1.0, 1.0])
    total = rd + others[0] + others[1] * esg_on + others[2]
    assert np.allclose(shares[0], rd / total, rtol=1e-12)


def test_long_regional_disaster_that_hid_nan_now_runs_finite() -> None:
    # Issue 8: from tick 156 its series were NaN and performance read 1.0 (min(1.0, nan)).
    result = simulate(["scenario=regional_disaster", f"{SHOCK}.onset=60", f"{SHOCK}.duration=26",
                       f"{SHOCK}.magnitude=0.8", "network.n_firms=1000", "seed=4", "twin=false"])
    check_catalogue(result.timeseries.to_dict("list"), SERIES)
    check_catalogue({k: [v] for k, v in result.summary.items()}, SUMMARY)
    assert not result.timeseries[["performance", "cash_total", "value_added"]].isna().any().any()


def test_costly_investment_config_keeps_cash_finite() -> None:
    result = simulate(["finance.fixed_cost_share=0.977", "behaviour.investment.budget_share=0.856",
                       "behaviour.investment.max_intensity=0.839", "twin=false",
                       "network.n_firms=1000", "ticks=200"])
    assert np.isfinite(result.timeseries["cash_total"]).all()
    check_catalogue({k: [v] for k, v in result.summary.items()}, SUMMARY)


def test_huge_final_demand_gives_a_finite_bullwhip() -> None:
    series = np.array([1.0, 2.0, 3.0, 2.5])
    assert relative_variance(series * 1e300) == pytest.approx(relative_variance(series))
    result = simulate(["market.final_demand_per_assembler=1e300", "network.n_firms=200",
                       "ticks=60", "scenario=none"])
    assert math.isfinite(result.summary["bullwhip_ratio"])


def test_risk_resistance_is_defined_for_a_shock_at_tick_zero_without_twin() -> None:
    result = simulate(["scenario=regional_disaster", f"{SHOCK}.onset=0", "ticks=60",
                       "network.n_firms=300", "twin=false"])
    assert 0.0 < result.summary["risk_resistance"] < 1.0


@pytest.mark.parametrize("extra", [[], ["behaviour.trust.distrust_threshold=0.9"]])
def test_relationship_stability_and_agility_rate_are_shares(extra: list[str]) -> None:
    # distrust_threshold=0.9 reported -14.9 with the old definition.
    summary = simulate(["network.n_firms=300", "ticks=120", "seed=1", *DEEP_DISASTER,
                        *extra]).summary
    assert 0.0 <= summary["relationship_stability"] <= 1.0
    assert 0.0 < summary["digital_agility_rate"] <= 1.0
    assert summary["digital_agility_rate"] == pytest.approx(1 / (1 + summary["digital_agility"]))


def test_links_never_broken_are_fully_stable() -> None:
    config = compose_config(["scenario=none", "ticks=120", "network.n_firms=300",
                             "behaviour.enabled=false", "market.demand_noise_common=0",
                             "market.demand_noise_idiosyncratic=0"])
    model = EcosystemModel(config=config)
    model.run()
    assert model.timeseries()["links_rewired"].sum() == 0
    assert model.firm_outcomes()["relationship_stability"] == 1.0


def test_engine_stops_at_the_tick_non_finite_state_appears() -> None:
    model = EcosystemModel(config=compose_config(["network.n_firms=200", *SHORT_RUN]))
    model.step()
    model.firms.price[[3, 7]] = np.nan
    with pytest.raises(NonFiniteStateError, match="at tick 2: firm state") as info:
        model.step()
    assert info.value.tick == 2 and info.value.count >= 2


@pytest.mark.parametrize(("array", "where"), [("price", "firms"), ("input_inventory", "firms"),
                                              ("backlog", "links")])
def test_check_names_the_array_and_counts_rows(array: str, where: str) -> None:
    from abm.metrics.finite import check_finite

    model = EcosystemModel(config=compose_config(["network.n_firms=200", *SHORT_RUN]))
    values = getattr(getattr(model, where), array)
    values[[3, 7]] = np.array([np.nan, np.inf]).reshape(2, *[1] * (values.ndim - 1))
    with pytest.raises(NonFiniteStateError, match=f"at tick 4: .*`{array}`.* for 2 {where}"):
        check_finite(4, model.firms, model.links, {})


def test_a_nan_metric_is_an_error_unless_catalogued() -> None:
    from abm.metrics.finite import check_finite

    model = EcosystemModel(config=compose_config(["network.n_firms=200", *SHORT_RUN]))
    check_finite(5, model.firms, model.links, {"mean_trust": math.nan}, {"mean_trust"})
    with pytest.raises(NonFiniteStateError, match="metric `performance`"):
        check_finite(5, model.firms, model.links, {"performance": math.nan}, {"mean_trust"})
    with pytest.raises(NonFiniteStateError, match="metric `mean_trust`"):
        check_finite(5, model.firms, model.links, {"mean_trust": math.inf}, {"mean_trust"})


def test_failed_run_exits_non_zero_with_error_file_and_no_summary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing(*_args: object, **_kwargs: object) -> None:
        raise NonFiniteStateError(12, "firm state `cash`", 3, "firms")

    monkeypatch.setattr(abm.api, "run_config", failing)
    monkeypatch.setenv("ECOSIM_OUTPUT_ROOT", str(tmp_path))  # runs may write only under it
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as exit_info:
        main(["network.n_firms=200", *SHORT_RUN, f"hydra.run.dir={out}"])
    assert exit_info.value.code == EXIT_RUN_FAILED
    assert "tick 12" in (out / "error.txt").read_text()
    assert not (out / "summary.json").exists()
    assert "non-finite value at tick 12" in capsys.readouterr().err
