"""The static description of a supply network, before any simulation state is attached."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from abm.core.state import ASSEMBLY_TIER, N_TIERS, TIER_NAMES

__all__ = ["ASSEMBLY_TIER", "N_TIERS", "SEGMENTS", "TIER_NAMES", "NetworkSpec"]

SEGMENTS = ("labour", "technology")


@dataclass
class NetworkSpec:
    """Firms and buyer-supplier links as index arrays (firm ``i`` is row ``i``).

    A buyer at tier ``t`` needs one unit of each product it sources per unit of output; every
    link connects a buyer at tier ``t`` to a supplier at tier ``t-1`` of the same chain, and the
    input slot of a link is the supplier's product.

    Attributes:
        names: external firm identifiers (strings), kept for inspection and output.
        chain, tier, product, region: integer attributes per firm.
        technology_intensive: True for the technology-intensive segment.
        chain_leader: True for chain-leader firms (assembly tier only).
        size: relative firm size; assemblers' final demand is proportional to it.
        buyer, supplier: firm indices of each link.
        share: order share of each link within its buyer's input slot (sums to 1 per slot).
    """

    names: np.ndarray
    chain: np.ndarray
    tier: np.ndarray
    product: np.ndarray
    region: np.ndarray
    technology_intensive: np.ndarray
    chain_leader: np.ndarray
    size: np.ndarray
    buyer: np.ndarray
    supplier: np.ndarray
    share: np.ndarray

    @property
    def n_firms(self) -> int:
        """Number of firms."""
        return len(self.tier)

    @property
    def n_links(self) -> int:
        """Number of buyer-supplier links."""
        return len(self.buyer)

    def firms_frame(self) -> pd.DataFrame:
        """The firms as a table in the loader's format."""
        return pd.DataFrame(
            {
                "firm_id": self.names,
                "chain": self.chain,
                "tier": self.tier,
                "product": self.product,
                "region": self.region,
                "segment": np.where(self.technology_intensive, SEGMENTS[1], SEGMENTS[0]),
                "kind": np.where(self.chain_leader, "chain_leader", "sme"),
                "size": self.size,
            }
        )

    def links_frame(self) -> pd.DataFrame:
        """The links as a table in the loader's format."""
        return pd.DataFrame(
            {
                "buyer_id": self.names[self.buyer],
                "supplier_id": self.names[self.supplier],
                "share": self.share,
            }
        )


def normalise_shares(buyer: np.ndarray, slot: np.ndarray, weight: np.ndarray, n_slots: int
                     ) -> np.ndarray:
    """Scale link weights so they sum to one within each (buyer, input slot)."""
    key = buyer.astype(np.int64) * n_slots + slot
    total = np.bincount(key, weights=weight, minlength=int(key.max(initial=0)) + 1)
    return weight / total[key]
