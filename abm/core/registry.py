"""Registries by name: processes, shock kinds and policy instruments.

A plug-in module registers itself when imported (``@PROCESSES.register("name")``). Validation,
the browser app's menus and the generated docs read the registries, so a new kind or
instrument shows up everywhere without editing a list. :func:`load_plugins` imports the
project's own plug-in packages (the engine and the config checks call it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

PLUGIN_PACKAGES = ("abm.shocks", "abm.platforms", "abm.programmes", "abm.policies",
                   "abm.behaviour")


class Registry[T]:
    """Named entries of one kind, in registration order.

    Args:
        what: what the entries are, for error messages (e.g. "shock kind").
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator that registers its target under ``name`` (names are unique)."""

        def add(entry: T) -> T:
            if name in self._entries and self._entries[name] is not entry:
                raise ValueError(f"{self.what} `{name}` is registered twice")
            self._entries[name] = entry
            return entry

        return add

    def unregister(self, name: str) -> None:
        """Remove an entry (tests that register a throw-away entry clean up with this)."""
        self._entries.pop(name, None)

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(f"unknown {self.what} `{name}`; known: {', '.join(self)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> tuple[str, ...]:
        """Registered names, in registration order."""
        return tuple(self._entries)


def load_plugins() -> None:
    """Import the project's plug-in packages so that their entries are registered."""
    for package in PLUGIN_PACKAGES:
        importlib.import_module(package)


# The project's registries. Entries: a process class or factory (the engine builds
# ``behaviour`` as ``(world, **context)``; ``behaviour.<mechanism>`` are the mechanism
# processes it composes), a shock-kind object (see ``abm.shocks.kinds``), a
# policy-instrument class (see ``abm.policies``).
PROCESSES: Registry = Registry("process")
SHOCK_KINDS: Registry = Registry("shock kind")
INSTRUMENTS: Registry = Registry("policy instrument")
