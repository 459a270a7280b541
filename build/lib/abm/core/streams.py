"""Named random streams: each is derived from (seed, name), never from a position in a list.

Adding, removing or reordering mechanisms therefore never shifts another mechanism's draws:
the stream called ``"demand"`` is the same for a given seed whatever else exists.
"""

from __future__ import annotations

import zlib

import numpy as np


def stable_key(name: str) -> int:
    """A stable 32-bit key for a stream name (CRC-32, the same on every platform and run)."""
    return zlib.crc32(name.encode("utf-8"))


def named_stream(seed: int, name: str) -> np.random.Generator:
    """The random generator called ``name`` for ``seed``.

    Example:
        >>> a = named_stream(1, "demand").random()
        >>> a == named_stream(1, "demand").random() != named_stream(1, "entry").random()
        True
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stable_key(name),)))


class Streams(dict[str, np.random.Generator]):
    """The streams of one model, created on first use by name (see :func:`named_stream`)."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.seed = seed

    def __missing__(self, name: str) -> np.random.Generator:
        rng = named_stream(self.seed, name)
        self[name] = rng
        return rng
