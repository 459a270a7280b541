"""Per-tick series and summary metrics (the results contract, spec §6)."""

from abm.metrics.recorder import Recorder
from abm.metrics.resilience import ShockWindow, summarise

__all__ = ["Recorder", "ShockWindow", "summarise"]
