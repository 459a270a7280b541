"""Supply-network construction: the tiered generator and the firms/links table loader."""

from abm.network.generator import generate_network
from abm.network.loader import load_network
from abm.network.spec import ASSEMBLY_TIER, N_TIERS, TIER_NAMES, NetworkSpec

__all__ = ["ASSEMBLY_TIER", "N_TIERS", "TIER_NAMES", "NetworkSpec", "generate_network",
           "load_network"]
