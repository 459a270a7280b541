"""The base of every behaviour mechanism process."""

from __future__ import annotations

from typing import ClassVar

from abm.core.process import Process, World


class Mechanism(Process):
    """A behaviour mechanism: its switch, its parameters and its view of the world.

    Args:
        world: the world bound to this mechanism's streams.
        on: whether the mechanism acts (``behaviour.<name>.enabled``).
    """

    key: ClassVar[str] = ""  # the mechanism's config section under ``behaviour``

    def __init__(self, world: World, on: bool) -> None:
        self.world, self.on = world, on
        self.cfg = getattr(world.config.behaviour, self.key)

