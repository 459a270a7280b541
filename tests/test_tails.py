"""The heavy-tail test of single-firm failures (experiments.replication.tails)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from experiments.replication.tails import FailureDesign, tail_fit, tail_verdict

RNG = np.random.default_rng(7)
PARETO = RNG.pareto(1.0, 120) * 50.0  # xi = 1
EXPONENTIAL = RNG.exponential(50.0, 120)  # xi = 0
UNIFORM = RNG.uniform(0.0, 100.0, 120)  # xi = -1 (bounded)


def test_shape_is_scipys_maximum_likelihood() -> None:
    values = PARETO
    fit = tail_fit(values)
    excess = values[values > np.median(values)] - np.median(values)
    assert fit.excesses == len(excess) == 60
    assert fit.xi == pytest.approx(stats.genpareto.fit(excess, floc=0)[0], abs=1e-3)
    assert fit.low < fit.xi < fit.high


@pytest.mark.parametrize(("values", "expected"), [
    (PARETO, "supported"), (EXPONENTIAL, "inconclusive"), (UNIFORM, "not supported")])
def test_verdicts_tell_tails_apart(values: np.ndarray, expected: str) -> None:
    fit = tail_fit(values)
    assert tail_verdict(fit) == expected
    # The interval excludes 0 exactly when the likelihood-ratio test rejects the exponential.
    assert (fit.low > 0 or fit.high < 0) == (fit.lr_pvalue < 0.05)


def test_too_few_excesses_give_no_verdict() -> None:
    fit = tail_fit(PARETO[:15])
    assert np.isnan(fit.xi) and tail_verdict(fit) == "inconclusive"


def test_failure_design_is_fixed_and_scoped_to_one_row() -> None:
    design = FailureDesign(networks=1, firms=5, n_firms=50, onset=10, ticks=30)
    assert design.rows() == FailureDesign(2, 5, 50, 0, 40).rows()  # independent of the seeds
    arms = design.arms("scenario.shocks.x")
    assert len(arms) == 5 and all(0 <= int(a.split("_")[1]) < 50 for a in arms)
    first = next(iter(arms.values()))
    assert "scenario.shocks.x.duration=20" in first and "scenario.shocks.x.scope.regions=[]" \
        in first and any(o.startswith("scenario.shocks.x.scope.firms=[") for o in first)


def test_failure_designs_match_their_suite_size() -> None:
    """Each size's failure design samples rows of the network that size builds and fails them
    from that size's shock onset to its horizon."""
    from abm.config.compose import compose_config
    from experiments.replication.suite import SIZES

    for spec in SIZES.values():
        design, config = spec["failures"], compose_config(list(spec["base"]))
        assert isinstance(design, FailureDesign)
        assert design.n_firms == config.network.n_firms and design.ticks == config.ticks
        assert design.onset == config.scenario.shocks["regional_disaster"].onset
