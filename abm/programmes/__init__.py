"""Programmes run by firms (issue 9 "Chain leaders"): processes between the platforms and
the policy instruments, acting only through levers.

- :mod:`~abm.programmes.designation`: the designation score and the leaders' supply trees.
- :mod:`~abm.programmes.backup`: backup-supplier lists (framework agreements).
- :mod:`~abm.programmes.rollout`: the tier-by-tier SaaS roll-out.
- :mod:`~abm.programmes.chain_leaders`: the ``programmes.chain_leaders`` process.

:func:`build_programmes` builds them: the chain-leader programme runs when
``programmes.chain_leaders.enabled`` is on or a policy instrument lists ``chain_leaders`` in
its ``programmes`` attribute (the ``chain_leader_system`` instrument, whose ``params`` then
set the designation: ``masters``, ``leading_firms``, ``review_ticks``). Off, nothing is built
and the engine runs as without them.
"""

from __future__ import annotations

from collections.abc import Sequence

from abm.core.process import Process, World
from abm.core.registry import PROCESSES
from abm.programmes.chain_leaders import ChainLeaderProgramme

__all__ = ["ChainLeaderProgramme", "build_programmes"]


def build_programmes(world: World, instruments: Sequence[Process]) -> list[Process]:
    """The programmes this run needs, each bound to its own view of the world.

    Args:
        world: the engine's view of the world.
        instruments: the run's policy instruments.
    """
    regulator = next((i for i in instruments if "chain_leaders" in getattr(i, "programmes", ())),
                     None)
    if regulator is None and not world.config.programmes.chain_leaders.enabled:
        return []
    factory = PROCESSES["programmes.chain_leaders"]
    return [factory(world.bound_to(factory.name, factory.streams), regulator=regulator)]
