"""Single-firm failures: does the system loss have a heavy tail over the firm that fails?

Inoue & Todo (2019) and Diem et al. (2022) remove one firm at a time from a national supply
network and find the distribution of the economy's loss over the failed firm heavy-tailed: a
few firms carry most of the systemic risk. The suite does the same on the model:

* **design**: on each of the first ``networks`` seeds (one generated network each), the same
  ``firms`` rows, sampled uniformly without replacement with a fixed generator (not the
  model's streams), fail one at a time: the regional-disaster kind scoped to that row only
  (``scope.firms=[row]``, every region) destroys all its capacity from the onset to the horizon
  (a failure that lasts the rest of the run; the engine's exit and entry rules decide what
  becomes of the firm and its customers). Each run is paired with its unshocked twin.
* **system loss**: ``loss_total`` (value added the whole economy loses against the twin from the
  onset to the horizon, :mod:`abm.metrics.losses`).
* **tail test** (peaks over threshold; Pickands 1975, Balkema & de Haan 1974; Coles 2001,
  ch. 4): the losses above the threshold ``u`` (their ``THRESHOLD_QUANTILE`` quantile) minus
  ``u`` are fitted by a generalized Pareto distribution (``scipy.stats.genpareto``, location 0)
  by maximum likelihood. Its shape ``xi`` is the effect: ``xi > 0`` is a Pareto-type (power-law,
  heavy) tail with tail index ``1 / xi``; ``xi = 0`` is the exponential, the light-tail
  reference; ``xi < 0`` a bounded tail. The 95% interval is the profile-likelihood interval of
  ``xi`` (Coles 2001, §2.6.6: the ``xi`` whose profile log-likelihood lies within
  ``chi2_1(0.95) / 2`` of the maximum); the likelihood-ratio test against the exponential is
  the same profile at ``xi = 0`` (:func:`tail_fit` reports its p-value). Verdict: supported
  when the interval lies above 0, not supported when below, else inconclusive. With fewer than
  ``MIN_EXCESSES`` excesses there is no verdict (NaN: inconclusive).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

THRESHOLD_QUANTILE = 0.5
MIN_EXCESSES = 10
#: Shapes searched: below -1 the likelihood is unbounded; above 5 no mean exists for 1/5 tails.
XI_RANGE = (-0.99, 5.0)
_CRITICAL = float(stats.chi2.ppf(0.95, 1)) / 2.0
ARM_PREFIX = "fail_"
#: Fixed generator seed for the sampled rows (independent of the model's seeds).
SAMPLE_SEED = 20190


@dataclass(frozen=True)
class FailureDesign:
    """Which single-firm failures a suite size runs.

    Attributes:
        networks: first this many seeds (one network each).
        firms: rows failed per network (the same rows on every network).
        n_firms: firms of the network (rows are sampled below it).
        onset: first tick of the failure.
        ticks: the run's horizon (the failure lasts until then).
    """

    networks: int
    firms: int
    n_firms: int
    onset: int
    ticks: int

    def rows(self) -> list[int]:
        """The failed rows, sorted."""
        rng = np.random.default_rng(SAMPLE_SEED)
        return sorted(int(r) for r in rng.choice(self.n_firms, self.firms, replace=False))

    def arms(self, disaster: str) -> dict[str, tuple[str, ...]]:
        """Arm label ``fail_<row>`` -> overrides (``disaster`` is the shock's config key)."""
        return {f"{ARM_PREFIX}{row:05d}": (
            f"{disaster}.scope.regions=[]", f"{disaster}.scope.firms=[{row}]",
            f"{disaster}.magnitude=1.0", f"{disaster}.duration={self.ticks - self.onset}",
            f"{disaster}.recovery.profile=step") for row in self.rows()}


def _profile(excess: np.ndarray, xi: float) -> float:
    """Profile log-likelihood of the shape: the GPD log-likelihood maximised over the scale."""
    top = float(excess.max())
    low = max(1e-12 * top, -xi * top * (1 + 1e-9)) if xi < 0 else 1e-9 * top

    def negative(log_scale: float) -> float:
        return -float(stats.genpareto.logpdf(excess, xi, 0.0, np.exp(log_scale)).sum())

    best = optimize.minimize_scalar(negative, bounds=(np.log(low), np.log(1e3 * top)),
                                    method="bounded", options={"xatol": 1e-10})
    return -float(best.fun)


@dataclass(frozen=True)
class TailFit:
    """The fitted tail: shape, its 95% profile interval, the LR test against the exponential."""

    xi: float
    low: float
    high: float
    threshold: float
    excesses: int
    lr_pvalue: float


def tail_fit(values: np.ndarray) -> TailFit:
    """Fit a generalized Pareto tail to the values above their median (see the module)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    threshold = float(np.quantile(values, THRESHOLD_QUANTILE)) if len(values) else np.nan
    excess = values[values > threshold] - threshold
    if len(excess) < MIN_EXCESSES:
        return TailFit(np.nan, np.nan, np.nan, threshold, len(excess), np.nan)
    best = optimize.minimize_scalar(lambda xi: -_profile(excess, xi), bounds=XI_RANGE,
                                    method="bounded", options={"xatol": 1e-6})
    xi, top = float(best.x), -float(best.fun)

    def gap(x: float) -> float:  # > 0 outside the interval
        return top - _profile(excess, x) - _CRITICAL

    low = (optimize.brentq(gap, XI_RANGE[0], xi) if gap(XI_RANGE[0]) > 0 else XI_RANGE[0])
    high = (optimize.brentq(gap, xi, XI_RANGE[1]) if gap(XI_RANGE[1]) > 0 else np.inf)
    lr = 2.0 * (top - _profile(excess, 0.0))
    return TailFit(xi, float(low), float(high), threshold, len(excess),
                   float(stats.chi2.sf(max(lr, 0.0), 1)))


def tail_verdict(fit: TailFit) -> str:
    """supported (interval above 0: heavier than exponential) / not supported (below 0) /
    inconclusive (contains 0, or too few excesses)."""
    if not np.isfinite(fit.xi):
        return "inconclusive"
    if fit.low > 0:
        return "supported"
    if fit.high < 0:
        return "not supported"
    return "inconclusive"
