"""Direct and indirect losses of a shocked run (Hallegatte 2008; Inoue & Todo 2019).

The literature splits a disaster's output loss into the *direct* loss, the production the
firms hit cannot make because their own capacity is destroyed, and the *indirect* loss, what
the rest of the economy adds through the supply network (missing inputs, lost customers) and
what the hit firms lose beyond their own damage. The model measures both in value added
(money), so they add up to the economy's total loss against its unshocked twin:

* **direct loss** ``D = sum_{t >= onset} sum_i (1 - a_i(t)) * pre_i * v_i(t)``: capacity
  destroyed times time. ``a_i(t)`` is firm ``i``'s availability (the share of its capacity a
  shock leaves it; below 1 only at firms a shock cuts directly, including capacity not yet
  rebuilt under endogenous recovery), ``pre_i`` its pre-shock output (the firm-level recovery's
  baseline, :mod:`abm.metrics.firm_recovery`) and ``v_i(t)`` its unit value added. Summed over
  firms alive that were in the market at the onset (an entrant has no pre-shock output to
  lose). This is the output the hit firms would lose if nothing propagated and they kept
  their pre-shock output on the capacity left: an upper bound of their own share of the
  damage when they had spare capacity (a 10% cut to a firm with 20% slack costs it nothing).
  Shocks that cut flows or demand, not capacity (embargo, chokepoint, demand drop), destroy
  no capacity: their direct loss is 0 and all their loss is indirect.
* **total loss** ``L = sum_{t >= onset} (VA_ref(t) - VA(t))``: value added lost by the whole
  economy over the rest of the run, net of any catch-up. The reference is the twin (same seed,
  same demand path); without a twin, the mean value added of the ``baseline_window`` ticks
  before the onset (the steady state's value added when the shock starts at tick 0).
* **indirect loss** ``L - D``, and the **amplification** ``L / D`` (Hallegatte 2008's ratio of
  total to direct losses; NaN when no capacity was destroyed).
* **loss in the damage window** ``L_w``: the same total loss summed only from the onset to the
  last tick with capacity destroyed (``mean_availability < 1``), the ticks ``D`` is summed
  over. ``L - L_w`` is what the economy loses (positive) or wins back (negative: delayed orders
  delivered, backlogs worked off) after the damage is repaired, so ``L_w`` and ``L`` bracket
  the answer to "how much more than the direct damage did the economy lose".

Without shocks all losses are 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abm.core.state import FirmState

LOSS_KEYS = ("loss_direct", "loss_total", "loss_indirect", "loss_amplification",
             "loss_damage_window")


class DirectDamage:
    """Accumulates the direct loss tick by tick (capacity destroyed x time, in value added).

    Args:
        onset: the scenario's first shocked tick; firms that entered after it are not counted.
    """

    def __init__(self, onset: int) -> None:
        self.onset = onset
        self.total = 0.0

    def observe(self, firms: FirmState, pre: np.ndarray) -> None:
        """Add this tick's direct loss (call after production, from the onset on).

        Args:
            firms: firm state (``availability`` and ``unit_value_added`` of this tick).
            pre: each firm's pre-shock output (0 for firms without one).
        """
        counted = firms.alive & (firms.entered_at <= self.onset)
        lost = (1.0 - firms.availability) * pre * firms.unit_value_added
        self.total += float(lost @ counted)


def split_losses(run: pd.DataFrame, twin: pd.DataFrame | None, onset: int | None,
                 baseline_window: int, steady_value_added: float, direct: float
                 ) -> dict[str, float]:
    """Total, direct and indirect value-added losses of a run and their ratio.

    Args:
        run: the run's per-tick series (``step`` and ``value_added``).
        twin: the unshocked twin's series, or None.
        onset: first shocked tick (None: no shock).
        baseline_window: pre-onset ticks averaged into the reference without a twin.
        steady_value_added: the steady state's value added per tick (the reference without a
            twin when the shock starts at tick 0).
        direct: the direct loss accumulated by :class:`DirectDamage`.

    Returns:
        ``loss_direct``, ``loss_total``, ``loss_indirect``, ``loss_damage_window`` (money;
        the last NaN when no capacity was destroyed or the series has no
        ``mean_availability``) and ``loss_amplification`` (total / direct; NaN when the direct
        loss is 0).
    """
    steps = run["step"].to_numpy()
    if onset is None or onset > steps[-1]:
        return {"loss_direct": 0.0, "loss_total": 0.0, "loss_indirect": 0.0,
                "loss_amplification": float("nan"), "loss_damage_window": float("nan")}
    after = steps >= onset
    value_added = run["value_added"].to_numpy()
    if twin is not None:
        reference = twin.set_index("step")["value_added"].reindex(steps[after]).to_numpy()
    else:
        pre = value_added[(steps < onset) & (steps >= onset - baseline_window)]
        reference = np.full(after.sum(), pre.mean() if len(pre) else steady_value_added)
    lost = reference - value_added[after]
    total = float(lost.sum())
    # Hand-made series (tests, external tools) may lack the availability column: the window is
    # then unknown, not zero.
    availability = run.get("mean_availability")
    damaged = (np.flatnonzero(availability.to_numpy()[after] < 1.0)
               if availability is not None else np.empty(0, dtype=int))
    window = float(lost[: damaged[-1] + 1].sum()) if len(damaged) else float("nan")
    return {"loss_direct": direct, "loss_total": total, "loss_indirect": total - direct,
            "loss_amplification": total / direct if direct > 0 else float("nan"),
            "loss_damage_window": window}
