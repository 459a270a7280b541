"""ESG signal transmission: detection deters greenwashing, unchecked greenwashing spreads,
credible signals and detection work as specified, and high true ESG keeps customers
through a shock. Directions are averaged over seeds (common random numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from abm import simulate
from abm.behaviour import esg
from abm.config.compose import compose_config
from abm.config.schema import EsgConfig
from abm.model import EcosystemModel

QUIET = ("network.n_firms=600", "ticks=150", "scenario=none")
SEEDS = range(1, 5)


def _greenwashing(extra: tuple[str, ...]) -> tuple[float, float]:
    """Mean (first-tick, late-window) greenwashing rate over seeds."""
    start, late = [], []
    for seed in SEEDS:
        result = simulate([*QUIET, f"seed={seed}", *extra])
        start.append(result.timeseries["greenwashing_rate"].iloc[0])
        late.append(result.summary["greenwashing_rate"])
    return float(np.mean(start)), float(np.mean(late))


def test_higher_detection_probability_gives_less_greenwashing() -> None:
    _, lax = _greenwashing(("behaviour.esg.detection_probability=0.1",))
    _, strict = _greenwashing(("behaviour.esg.detection_probability=0.9",))
    assert strict < lax


def test_without_detection_or_verification_greenwashing_spreads() -> None:
    start, late = _greenwashing(("behaviour.esg.detection_probability=0",
                                 "behaviour.esg.audit_rate=0",
                                 "platforms.audit_rate=0"))
    assert late > start


@pytest.mark.xfail(strict=True, reason=(
    "finding since issue 8's relationship memory and going-concern exit test: buyers return "
    "to their suppliers after a disruption and suppliers survive it, so links rarely break "
    "and reputation's patience has nothing to act on (8 seeds, 1,500 firms, high - low ESG "
    "stability: -0.0001 at 16 weeks x 0.9, +0.0002 at 26 weeks x 1.0; both ~0.998-0.9996)"))
def test_high_true_esg_suppliers_keep_more_customers_through_a_shock() -> None:
    """Yearly stability of the customer links the top and bottom third of suppliers by true
    ESG had at the onset of a regional disaster. Under the default 6-week disaster almost no
    links break (stability ~0.997 for both groups), so the comparison would be noise: the
    disaster here lasts 16 weeks at 90%, long enough for buyers to give up on suppliers, which
    is where reputation's patience can act."""
    high, low = [], []
    for seed in range(1, 9):
        model = EcosystemModel(config=compose_config(
            ["network.n_firms=1500", "ticks=150", f"seed={seed}",
             "scenario.shocks.regional_disaster.duration=16",
             "scenario.shocks.regional_disaster.magnitude=0.9"]))
        model.run()
        outcomes = model.firm_outcomes()
        high.append(outcomes["relationship_stability_high_esg"])
        low.append(outcomes["relationship_stability_low_esg"])
    assert np.mean(high) > np.mean(low)


def _state(n: int = 6) -> esg.EsgState:
    true = np.full((n, 3), 0.4)
    return esg.EsgState(true=true, gap=np.zeros(n), strategy=np.zeros(n, dtype=np.int8),
                        verified_until=np.full(n, -1), verified_score=np.zeros(n),
                        rating=np.zeros(n), reputation=np.full(n, 0.5),
                        sensitivity=np.ones(n), requirement=np.zeros(n), payoff=np.zeros(n),
                        weights=np.full(3, 1 / 3))


def test_verified_scores_are_precise_and_unverified_ones_are_discounted() -> None:
    state = _state()
    state.gap[:] = 0.3  # everyone discloses 0.7 while true ESG is 0.4
    state.verified_until[:3] = 10
    state.verified_score[:3] = 0.4  # an audit found the truth
    cfg = EsgConfig(unverified_noise=0.0, unverified_weight=0.5)
    esg.update_ratings(state, np.ones(6, dtype=bool), 5, cfg, np.random.default_rng(0))
    assert np.allclose(state.rating[:3], 0.4)
    # Unverified: shrunk halfway to the mean disclosure (0.7 here), so no credit for the gap
    # beyond what the whole population claims.
    assert np.allclose(state.rating[3:], 0.7)


def test_detection_removes_the_gap_and_cuts_reputation() -> None:
    model = EcosystemModel(config=compose_config(["network.n_firms=300", "scenario=none"]))
    state, firms = model.behaviour.esg.state, model.firms
    state.gap[:] = 0.2
    reputation = state.reputation.copy()
    cfg = EsgConfig(audit_rate=1.0, detection_probability=1.0, reputation_penalty=0.5)
    detected = esg.audit(state, firms, 4, cfg, np.random.default_rng(1))
    assert len(detected) == firms.alive.sum()
    assert np.all(state.gap[detected] == 0.0)
    assert np.allclose(state.reputation[detected], 0.5 * reputation[detected])


def test_detection_hits_end_market_and_large_buyers_hardest() -> None:
    model = EcosystemModel(config=compose_config(["network.n_firms=400", "scenario=none"]))
    firms, sensitivity = model.firms, model.behaviour.esg.state.sensitivity
    by_tier = [sensitivity[firms.tier == t].mean() for t in range(4)]
    assert by_tier == sorted(by_tier)
    assert sensitivity[firms.chain_leader].min() > np.median(sensitivity)
