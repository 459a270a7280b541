"""Industrial-policy regimes (spec §4). Each is a :class:`Policy` selected by ``policy.name``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from abm.model import EcosystemModel


class Policy(Protocol):
    """A policy regime the regulator applies in phase 1 of every tick."""

    name: str

    def apply(self, model: EcosystemModel, allowance: float) -> float:
        """Act on the model; spend at most ``allowance``; return the amount spent."""
        ...


class Baseline:
    """No intervention: the reference regime that other policies are compared with."""

    name = "baseline"

    def apply(self, model: EcosystemModel, allowance: float) -> float:
        """Do nothing and spend nothing."""
        return 0.0


POLICIES: dict[str, type] = {"baseline": Baseline}


def make_policy(name: str) -> Policy:
    """The policy regime called ``name``."""
    return POLICIES[name]()
