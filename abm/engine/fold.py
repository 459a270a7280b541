"""Folding levers through the processes: the one way plug-ins influence an engine phase."""

from __future__ import annotations

from collections.abc import Sequence

from abm.core.process import Process, World


def fold[Levers](process_worlds: Sequence[tuple[Process, World]], hook: str, levers: Levers
         ) -> Levers:
    """Pass ``levers`` through every process's ``hook`` in order; each refines the last.

    Args:
        process_worlds: the processes in their fixed order (policy instruments, behaviour,
            platforms, programmes), each with the world bound to its streams.
        hook: the :class:`~abm.core.process.Process` method of the phase (``"order"``,
            ``"source"``, ...).
        levers: the phase's neutral levers.

    Returns:
        The levers the engine applies.
    """
    for process, world in process_worlds:
        levers = getattr(process, hook)(world, levers)
    return levers
