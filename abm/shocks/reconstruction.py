"""Endogenous recovery: capacity a shock destroys is rebuilt by investment (issue 9).

With ``scenario.recovery_mode=endogenous`` a shock kind that destroys capacity
(``ShockKind.destroys_capacity``: ``regional_disaster``) no longer follows its exogenous
restoration profile. At its onset each firm it hits loses ``magnitude`` of its capacity
(several hits compound: ``1 - (1 - d)(1 - m)``); the site is out of reach for the shock's
``duration`` (nothing is rebuilt), and from then on the firm rebuilds:

* **pace**: with enough money a firm rebuilds the share ``pace_i`` of its remaining damage per
  tick, ``pace_i = base x (1 + digital_speedup x maturity_i)`` (at most 1), where ``base``
  rebuilds 95% in the shock's ``recovery.ticks`` (``1 - 0.05 ** (1 / ticks)``): digital
  firms re-plan, source equipment and restart faster (seed 002);
* **cost**: rebuilding all of a firm's capacity costs ``cost_weeks`` weeks of its normal
  revenue; insurance and disaster relief from outside the model pay ``insured_share``; a
  policy instrument may pay a further share (``InvestmentLevers.cost_share["rebuild"]``,
  refunded against the published ``spending_rebuild`` like any cost-share instrument);
* **money**: a firm spends at most its positive cash plus what it has not yet drawn of a
  reconstruction loan of ``loan_weeks`` weeks of normal revenue (``platform_loan_weeks`` more
  for platform members: supply-chain finance priced on platform data, seeds 002/004). What it
  cannot pay for is not rebuilt this tick. The outstanding loan extends the firm's credit line
  (the exit rule sees it) and the extension is amortised linearly over ``loan_ticks``.

The firm's own part of this tick's rebuilding is booked as a cost (``reconstruction``) in the
next tick's accounts. Reconstruction goods come from outside the modelled chains (builders,
machinery), so rebuilding demand does not compete with input orders in the rationing (the
channel through which ARIO's reconstruction collapses); what can bind here is the money.
"""

from __future__ import annotations

import numpy as np

from abm.config.schema import ReconstructionConfig
from abm.core.state import FirmState

RESIDUAL = 0.05  # damage share left after the nominal recovery ticks at the base pace


class Reconstruction:
    """Per-firm destroyed capacity and its rebuilding.

    Args:
        n: firm rows.
        cfg: reconstruction parameters.
    """

    def __init__(self, n: int, cfg: ReconstructionConfig) -> None:
        self.cfg = cfg
        self.damage = np.zeros(n)  # share of capacity destroyed
        self.locked_until = np.zeros(n, dtype=np.int64)  # no rebuilding before this tick
        self.base_pace = np.zeros(n)
        self.loan = np.zeros(n)  # outstanding reconstruction loan (credit-line extension)
        self.drawn = np.zeros(n)  # drawn in total (the limit is for the whole rebuilding)
        self.loan_limit = np.zeros(n)
        self.spending = np.zeros(n)  # gross (pre-subsidy) spending to book next accounts
        self.rebuilt_total = 0.0

    def destroy(self, hit: np.ndarray, magnitude: float, until: int, recovery_ticks: int
                ) -> None:
        """Firms ``hit`` lose ``magnitude`` of their capacity; no rebuilding before ``until``."""
        self.damage[hit] = 1.0 - (1.0 - self.damage[hit]) * (1.0 - magnitude)
        self.locked_until[hit] = np.maximum(self.locked_until[hit], until)
        pace = 1.0 - RESIDUAL ** (1.0 / max(1, recovery_ticks))
        self.base_pace[hit] = np.maximum(self.base_pace[hit], pace)

    def apply(self, firms: FirmState) -> None:
        """Destroyed capacity is unavailable (after the scenario set availability)."""
        firms.availability *= 1.0 - self.damage

    def rebuild(self, tick: int, firms: FirmState, maturity: np.ndarray | None,
                subsidy_share: np.ndarray | None) -> None:
        """Rebuild what each firm can pay for this tick (phase 10, after the accounts).

        Args:
            tick: the tick.
            firms: firm state (cash, prices, platform membership).
            maturity: per-firm digital maturity (None: 0, the digital mechanism is off).
            subsidy_share: per-firm share of the spending a policy pays (None: none).
        """
        cfg = self.cfg
        self.loan = np.maximum(self.loan - self.loan_limit / cfg.loan_ticks, 0.0)
        self.spending[:] = 0.0
        gone = ~firms.alive & (self.damage > 0)
        if gone.any():  # an entrant in the row starts with intact plant
            self.damage[gone] = 0.0
            self.loan[gone] = self.drawn[gone] = self.loan_limit[gone] = 0.0
        active = (self.damage > 0) & firms.alive & (tick >= self.locked_until)
        if not active.any():
            return
        idx = np.flatnonzero(active)
        revenue = firms.price[idx] * firms.normal_output[idx]
        limit = revenue * (cfg.loan_weeks + cfg.platform_loan_weeks * (firms.platform[idx] >= 0))
        self.loan_limit[idx] = np.maximum(self.loan_limit[idx], limit)
        speed = 1.0 if maturity is None else 1.0 + cfg.digital_speedup * maturity[idx]
        wanted = self.damage[idx] * np.minimum(1.0, self.base_pace[idx] * speed)
        unit_cost = cfg.cost_weeks * revenue * (1.0 - cfg.insured_share)  # per share rebuilt
        own = 1.0 if subsidy_share is None else 1.0 - subsidy_share[idx]
        own_cost = unit_cost * own
        cash = np.maximum(firms.cash[idx], 0.0)
        funds = cash + np.maximum(self.loan_limit[idx] - self.drawn[idx], 0.0)
        done = np.minimum(wanted, np.divide(funds, own_cost, out=wanted.copy(),
                                            where=own_cost > 0))
        paid = done * own_cost
        borrowed = np.maximum(paid - cash, 0.0)
        self.loan[idx] += borrowed
        self.drawn[idx] += borrowed
        self.damage[idx] -= done
        self.damage[self.damage < 1e-6] = 0.0  # done: nothing left worth a tick of work
        self.spending[idx] = done * unit_cost
        self.rebuilt_total += float(done.sum())

    def cost(self) -> np.ndarray:
        """Gross reconstruction spending of the last rebuilding (booked in the accounts;
        a subsidising instrument refunds its share)."""
        return self.spending
