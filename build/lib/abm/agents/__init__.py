"""The Mesa agents users see and script: firms (chain leaders, SMEs), platforms, the regulator."""

from abm.agents.firms import SME, ChainLeader, Firm
from abm.agents.platform import Platform
from abm.agents.regulator import Regulator

__all__ = ["SME", "ChainLeader", "Firm", "Platform", "Regulator"]
