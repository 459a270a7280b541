"""Firm-level recovery: how long each firm hit directly by a shock takes to regain its output.

Seed 002 measures resilience on firms (804 listed firms: +1 s.d. of digitalisation, ~19%
faster recovery), so the model measures it on firms too, next to the system-level
``recovery_time``. For each firm:

* **pre-shock output** ``pre_i``: its mean output over the ``metrics.baseline_window`` ticks
  before the scenario's onset (fewer when the onset is earlier; its steady-state
  ``normal_output`` when the shock starts at tick 0; its ``long_run_demand`` at the onset for
  a shock added during a run, whose window the tracker did not see). Firms that entered
  within that window or had no pre-shock output are not tracked: they have no pre-shock level
  to regain.
* **hit directly** at ``h_i``: the first tick from the onset at which the scenario touches the
  firm itself (the engine decides which firms; see ``abm.shocks.scenario.directly_hit``).
* **smoothed output** ``S_i(t)``: the mean of its output over the last
  ``metrics.firm_smoothing`` ticks; single weeks are too lumpy (orders arrive in batches) to
  judge a firm on.
* **the dip**: the first tick ``d_i`` with ``S_i < recovery_level x pre_i`` while the firm is
  exposed (from ``h_i`` to ``firm_smoothing`` ticks after the last tick it was hit). A firm
  whose output never dips in that time lost nothing to recover: its recovery is 0 ticks. A dip
  that begins later is the firm's ordinary ups and downs, not the shock's doing.
* **recovery** ``r_i``: ticks from ``h_i`` to the first tick after the dip with
  ``S_i >= recovery_level x pre_i``. A firm that has not regained that level by the horizon,
  or left the market before, is *censored*: its ``r_i`` is counted as the ticks from ``h_i`` to
  the horizon (so ``r_i`` always lies in ``[0, horizon]``).

Summary keys: ``firms_hit`` (tracked firms hit), ``firm_recovery_mean`` and
``firm_recovery_median`` (over them, censored ones at their censored value) and
``firm_recovery_censored`` (their share that never regained). With no firm hit (no shock, the
twin, a shock that touches nobody, or a purely demand-side scenario that misses every tracked
firm) all four are 0: nothing was lost, so nothing had to be recovered. They are finite by
construction. The per-firm table (:meth:`FirmRecovery.table`) is written with the run's outputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.core.state import FirmState
from abm.metrics.losses import DirectDamage

NOT_YET = -1


class FirmRecovery:
    """Tracks the firms a scenario hits directly and when each regains its pre-shock output.

    Args:
        n: firm rows.
        onset: the scenario's first shocked tick (None: nothing to track).
        baseline_window: pre-shock ticks averaged into ``pre_i``.
        smoothing: ticks in the moving mean ``S_i``.
        level: share of ``pre_i`` that counts as recovered.
    """

    def __init__(self, n: int, onset: int | None, baseline_window: int, smoothing: int,
                 level: float) -> None:
        self.onset = onset
        self.window = baseline_window
        self.level = level
        self.smoothing = smoothing
        self._recent = np.zeros((smoothing, n))  # ring of the last ``smoothing`` outputs
        self._pre_sum = np.zeros(n)
        self._pre_ticks = 0
        self.pre = np.zeros(n)
        self.tracked = np.zeros(n, dtype=bool)  # eligible: has a pre-shock level to regain
        self.first_hit = np.full(n, NOT_YET)
        self.last_hit = np.full(n, NOT_YET)
        self.dipped = np.full(n, NOT_YET)
        self.regained = np.full(n, NOT_YET)
        self.exited = np.full(n, NOT_YET)
        self.last_tick = NOT_YET
        #: The direct loss (capacity destroyed x time) valued at the same pre-shock output.
        self.damage = DirectDamage(onset if onset is not None else 0)

    @property
    def active(self) -> bool:
        """Whether there is a shock whose firm-level recovery is measured."""
        return self.onset is not None

    def observe(self, tick: int, firms: FirmState, hit_now: np.ndarray | None) -> None:
        """Record this tick's output and who the shocks touch (after production).

        Args:
            tick: the tick.
            firms: firm state (``produced`` of this tick).
            hit_now: firms the shocks touch directly this tick (None before the onset).
        """
        if self.onset is None:
            return
        self.last_tick = tick
        self._recent[tick % self.smoothing] = firms.produced
        if tick < self.onset:
            if tick >= self.onset - self.window:
                self._pre_sum += firms.produced
                self._pre_ticks += 1
            return
        if tick == self.onset:
            self._start(firms)
        self.damage.observe(firms, self.pre)
        smooth = self._recent.mean(axis=0) if tick >= self.smoothing - 1 else self._smooth(tick)
        follow = self.tracked & (self.exited == NOT_YET)
        left = follow & (~firms.alive | (firms.entered_at > self.onset))
        self.exited[left] = tick
        # A firm leaving while still exposed lost all its output: that is its dip.
        lost = (left & (self.first_hit != NOT_YET) & (self.dipped == NOT_YET)
                & (tick <= self.last_hit + self.smoothing))
        self.dipped[lost] = tick
        follow &= ~left
        if hit_now is not None:
            new = follow & hit_now & (self.first_hit == NOT_YET)
            self.first_hit[new] = tick
            self.last_hit[follow & hit_now] = tick
        started = follow & (self.first_hit != NOT_YET)
        target = self.level * self.pre
        exposed = started & (tick <= self.last_hit + self.smoothing)
        dip = exposed & (self.dipped == NOT_YET) & (smooth < target)
        self.dipped[dip] = tick
        back = (started & (self.dipped != NOT_YET) & (self.dipped < tick)
                & (self.regained == NOT_YET) & (smooth >= target))
        self.regained[back] = tick

    def _smooth(self, tick: int) -> np.ndarray:
        """Moving mean over the ticks observed so far (fewer than ``smoothing``)."""
        return self._recent[: tick + 1].mean(axis=0)

    def _start(self, firms: FirmState) -> None:
        """At the onset: fix each firm's pre-shock output and who is tracked."""
        assert self.onset is not None
        if self._pre_ticks and self._pre_ticks == min(self.window, self.onset):
            self.pre = self._pre_sum / self._pre_ticks
        elif self.onset == 0:  # the steady state is the pre-shock level
            self.pre = firms.normal_output.copy()
        else:  # a shock added during a run ("shock now"): the demand output follows
            self.pre = firms.long_run_demand.copy()
        self.tracked = (firms.alive & (firms.entered_at <= max(0, self.onset - self.window))
                        & (self.pre > 0))

    def _outcome(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(hit firms, their recovery ticks, censored flags)."""
        hit = np.flatnonzero(self.tracked & (self.first_hit != NOT_YET))
        start = self.first_hit[hit]
        dipped = self.dipped[hit] != NOT_YET
        regained = self.regained[hit] != NOT_YET
        censored = dipped & ~regained
        horizon = self.last_tick + 1
        ticks = np.where(regained, self.regained[hit] - start,
                         np.where(censored, horizon - start, 0)).astype(float)
        return hit, ticks, censored

    def summary(self) -> dict[str, float]:
        """``firms_hit``, ``firm_recovery_mean``, ``firm_recovery_median`` and
        ``firm_recovery_censored`` (all 0 when no tracked firm was hit), and the direct loss
        ``loss_direct`` (:mod:`abm.metrics.losses`)."""
        hit, ticks, censored = self._outcome()
        direct = {"loss_direct": self.damage.total}
        if not len(hit):
            return {"firms_hit": 0.0, "firm_recovery_mean": 0.0, "firm_recovery_median": 0.0,
                    "firm_recovery_censored": 0.0, **direct}
        return {"firms_hit": float(len(hit)), "firm_recovery_mean": float(ticks.mean()),
                "firm_recovery_median": float(np.median(ticks)),
                "firm_recovery_censored": float(censored.mean()), **direct}

    def table(self, firms: FirmState, names: np.ndarray) -> pd.DataFrame:
        """One row per tracked firm hit directly: identity, pre-shock output, hit, dip and
        regain ticks (-1: never), recovery ticks and whether it is censored (or exited)."""
        hit, ticks, censored = self._outcome()
        return pd.DataFrame({
            "firm": hit, "name": np.asarray(names)[hit].astype(str),
            "tier": firms.tier[hit], "region": firms.region[hit], "chain": firms.chain[hit],
            "chain_leader": firms.chain_leader[hit], "pre_output": self.pre[hit],
            "first_hit": self.first_hit[hit], "dipped": self.dipped[hit],
            "regained": self.regained[hit], "exited": self.exited[hit],
            "recovery_ticks": ticks, "censored": censored,
        })
