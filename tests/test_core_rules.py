"""Shared rules that replace a numpy idiom for speed give the idiom's result bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from abm.core.rules import by_column


@pytest.mark.parametrize("op", [np.multiply, np.add, np.subtract, np.divide])
@pytest.mark.parametrize("shape", ["vector", "column", "number", "matrix"])
def test_by_column_equals_the_broadcast(op: np.ufunc, shape: str) -> None:
    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(500, 3)) * 10.0 ** rng.integers(-5, 5, size=(500, 3))
    matrix[::7, 1] = 0.0
    per_firm = {"vector": rng.normal(size=500), "column": rng.normal(size=(500, 1)),
                "number": 1.7, "matrix": rng.normal(size=(500, 3))}[shape]
    broadcast = np.reshape(per_firm, (-1, 1)) if shape in ("vector", "column") else per_firm
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = op(matrix, broadcast)
        got = by_column(op, matrix, per_firm)
        in_place = matrix.copy()
        by_column(op, in_place, per_firm, out=in_place)
    assert got.tobytes() == expected.tobytes()
    assert in_place.tobytes() == expected.tobytes()


def test_by_column_on_masks_in_place() -> None:
    rng = np.random.default_rng(3)
    mask, alive = rng.random((400, 4)) < 0.6, rng.random(400) < 0.8
    expected = mask & alive[:, None]
    by_column(np.logical_and, mask, alive, out=mask)
    assert np.array_equal(mask, expected)
