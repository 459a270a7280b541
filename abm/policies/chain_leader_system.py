"""The chain-leader system 链长制 (spec §4; seed 001: per industrial chain the state names
"chain masters" and leading firms, backs them with credit guidance and subsidies, and holds
them to "protect / build / fill / extend / strengthen the chain").

The regulator designates, per chain, ``masters`` chain masters among the assemblers and
``leading_firms`` further leading firms of any tier, by the documented designation score
(``programmes.chain_leaders.score_*``: size, technology, centrality), and reviews the
designation every ``review_ticks``. The designated firms are obliged to run the chain-leader
programme (``abm.programmes``: requirements, supplier development with the tier-by-tier SaaS
roll-out, backup lists), with backup lists chain-wide so that broken links in their trees are
re-matched from framework agreements; the instrument switches the programme on (its
``programmes`` attribute) and the programme does the designation with these parameters.

What the regulator gives them:

* **priority credit** (credit guidance): ``priority_credit_weeks`` more weeks of revenue of
  credit line for every designated firm (bank credit the state steers, not budget money);
* **subsidies**: ``subsidy_share`` of the designated firms' supplier-development bill (what
  they pay toward their suppliers' R&D and digital spending), paid from the regulator's
  yearly budget as far as it goes (a zero budget pays nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from abm.config.fields import param
from abm.core.levers import AccountLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Instrument


@INSTRUMENTS.register("chain_leader_system")
class ChainLeaderSystem(Instrument):
    """Designated chain masters and leading firms, backed and obliged (module docstring)."""

    name = "chain_leader_system"
    programmes: ClassVar[tuple[str, ...]] = ("chain_leaders",)

    @dataclass
    class Params:
        """Parameters of the chain-leader system."""

        masters: int = param(3, low=1, high=100, unit="firms per chain",
            meaning="chain masters designated among each chain's assemblers",
            source="S001 (3–4 链主 per chain)")
        leading_firms: int = param(5, low=0, high=1000, unit="firms per chain",
            meaning="further leading firms designated per chain (any tier)",
            source="S001 (5–6 leading firms per chain)")
        review_ticks: int = param(52, low=1, high=520, unit="ticks",
            meaning="ticks between reviews of the designation", source="S001 (yearly review)")
        priority_credit_weeks: float = param(8.0, low=0.0, high=104.0,
            unit="weeks of revenue",
            meaning="extra credit line of designated firms (credit guidance)",
            source="S001 (priority credit); C")
        subsidy_share: float = param(0.5, low=0.0, high=1.0, unit="share",
            meaning="share of designated firms' supplier-development bill the budget pays",
            source="S001 (subsidies to chain masters); C")

    params_type = Params

    def _designated(self, world: World) -> np.ndarray | None:
        role = world.observe("chain_leader_designation")
        return None if role is None else (role > 0) & world.firms.alive

    def account(self, world: World, levers: AccountLevers) -> AccountLevers:
        """Pay ``subsidy_share`` of the designated firms' development bill (within budget)."""
        bill = world.observe("chain_leader_development_cost")
        designated = self._designated(world)
        if bill is None or designated is None or self.params.subsidy_share == 0:
            return levers
        wanted = self.params.subsidy_share * bill * designated
        total = float(wanted.sum())
        granted = self.budget.request(self.name, total) if total > 0 else 0.0
        if granted <= 0:
            return levers
        return levers.with_subsidy(self.name, wanted * (granted / total))

    def publish(self, name: str) -> np.ndarray | None:
        """``chain_leader_priority_credit``: per firm, extra credit-line weeks (the
        programme applies them after the firms' own credit lines)."""
        if name != "chain_leader_priority_credit":
            return None
        designated = self._designated(self.world)
        if designated is None:
            return None
        return self.params.priority_credit_weeks * designated

    def outcomes(self) -> dict[str, float]:
        """What the instrument spent over the run."""
        return {f"subsidy_spent_{self.name}": self.budget.by_instrument.get(self.name, 0.0)}
