"""Parameters declared once: each config field carries its range or choices, unit, meaning and
source, and validation (:mod:`abm.config.validate`) and the ODD parameter tables
(:mod:`abm.config.docs`) are generated from that declaration.

Example:
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Example:
    ...     rate: float = param(0.1, low=0.0, high=1.0, unit="share",
    ...                         meaning="share of x per tick", source="C")
    >>> Example().rate
    0.1
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import MISSING
from typing import Any


@dataclasses.dataclass(frozen=True)
class Spec:
    """What a field allows and means.

    Attributes:
        low, high: inclusive bounds of a number (or of every entry of a list); None: none.
        choices: the allowed values of a string.
        length: required length of a list.
        unit: e.g. ``ticks``, ``share``, ``count``.
        meaning: one line.
        source: where the default comes from (seed note, literature, calibration choice C).
    """

    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    length: int | None = None
    unit: str = ""
    meaning: str = ""
    source: str = ""

    def allowed(self) -> str:
        """The allowed values in words, e.g. ``between 0.0 and 1.0``."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        low, high = self.low, self.high
        if low is not None and high is not None:
            words = f"a finite number between {low} and {high}"
        elif low is not None:
            words = f"a finite number of at least {low}"
        elif high is not None:
            words = f"a finite number of at most {high}"
        else:
            words = "a finite number"
        if self.length is not None:
            return f"a list of {self.length} entries, each {words}"
        return words


def param(default: Any = MISSING, *, factory: Callable[[], Any] | None = None,
          low: float | None = None, high: float | None = None,
          choices: Sequence[str] = (), length: int | None = None, unit: str = "",
          meaning: str = "", source: str = "") -> Any:
    """A dataclass field with its :class:`Spec` in ``metadata["spec"]``.

    Args:
        default: the default value (use ``factory`` for lists).
        factory: builds a mutable default.
        low, high, choices, length, unit, meaning, source: see :class:`Spec`.
    """
    spec = Spec(low=low, high=high, choices=tuple(choices), length=length, unit=unit,
                meaning=meaning, source=source)
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={"spec": spec})
    return dataclasses.field(default=default, metadata={"spec": spec})


def spec_of(field: dataclasses.Field) -> Spec | None:
    """The declared spec of a field (None for sections and free-form fields)."""
    return field.metadata.get("spec")


def walk(cls: type, prefix: str = "") -> list[tuple[str, dataclasses.Field, type]]:
    """Every leaf field of a dataclass tree as (dotted key, field, owning class)."""
    out: list[tuple[str, dataclasses.Field, type]] = []
    for f in dataclasses.fields(cls):
        default = f.default_factory() if callable(f.default_factory) else f.default
        if dataclasses.is_dataclass(default):
            out.extend(walk(type(default), f"{prefix}{f.name}."))
        else:
            out.append((f"{prefix}{f.name}", f, cls))
    return out
