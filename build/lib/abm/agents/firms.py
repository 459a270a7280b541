"""Firm agents: Mesa objects that read and write their row of the model's firm arrays.

The per-tick rules run vectorised over all firms (``abm.market``), so firm agents have no
``step``; what a user changes through an agent (``firm.capacity = 0``) is what the next tick's
rules see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from abm.network.spec import TIER_NAMES

if TYPE_CHECKING:
    from abm.model import EcosystemModel


def _row_property(array: str, doc: str) -> property:
    def getter(self: Firm) -> float:
        return float(getattr(self.model.firms, array)[self.index])

    def setter(self: Firm, value: float) -> None:
        getattr(self.model.firms, array)[self.index] = value

    return property(getter, setter, doc=doc)


class Firm(mesa.Agent):
    """A firm in the supply network.

    Args:
        model: the ecosystem model.
        index: the firm's row in ``model.firms``.
        name: external identifier (from the generator or the user's firms table).
    """

    model: EcosystemModel

    def __init__(self, model: EcosystemModel, index: int, name: str) -> None:
        super().__init__(model)
        self.index = index
        self.name = name

    capacity = _row_property("capacity", "Units the firm can make per tick at full availability.")
    availability = _row_property("availability", "Share of capacity usable this tick (shocks).")
    finished_goods = _row_property("finished_goods", "Finished goods in stock.")
    cash = _row_property("cash", "Cash (negative = overdraft on the credit line).")
    forecast = _row_property("forecast", "Smoothed demand the firm plans for.")
    produced = _row_property("produced", "Output this tick.")
    price = _row_property("price", "Unit price of the firm's product.")

    @property
    def tier(self) -> str:
        """Tier name: raw_material, component, module or assembly."""
        return TIER_NAMES[int(self.model.firms.tier[self.index])]

    @property
    def chain(self) -> int:
        """Industrial chain the firm belongs to."""
        return int(self.model.firms.chain[self.index])

    @property
    def region(self) -> int:
        """Region the firm produces in."""
        return int(self.model.firms.region[self.index])

    @property
    def technology_intensive(self) -> bool:
        """True in the technology-intensive segment."""
        return bool(self.model.firms.technology_intensive[self.index])

    @property
    def input_inventory(self) -> np.ndarray:
        """Units on hand of each input product (a copy)."""
        return self.model.firms.input_inventory[self.index].copy()

    def _links(self, as_buyer: bool) -> np.ndarray:
        links = self.model.links
        side = links.buyer if as_buyer else links.supplier
        return np.flatnonzero((side == self.index) & links.active)

    @property
    def suppliers(self) -> list[Firm]:
        """Current suppliers (alive or not) of all input products."""
        return [self.model.firm_at(j) for j in self.model.links.supplier[self._links(True)]]

    @property
    def customers(self) -> list[Firm]:
        """Current business customers (final consumers are not agents)."""
        return [self.model.firm_at(j) for j in self.model.links.buyer[self._links(False)]]

    def supplier_table(self) -> list[dict[str, float | int | str]]:
        """Each supplier link with its product, share, backlog and fill rate."""
        links = self.model.links
        return [
            {"supplier": self.model.firm_at(int(links.supplier[link])).name,
             "product": int(links.slot[link]), "share": float(links.share[link]),
             "backlog": float(links.backlog[link]), "fill_rate": float(links.fill_rate[link])}
            for link in self._links(True)
        ]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}, {self.tier}, chain={self.chain})"


class ChainLeader(Firm):
    """A large final assembler near the end market with many suppliers (链主, seed 001)."""


class SME(Firm):
    """A small or medium supplier (or assembler) at any tier."""
