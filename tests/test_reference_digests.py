"""Refactors keep results bit for bit: every reference case matches its stored digest.

Regenerate the digests only for a change meant to alter results (see tests/reference_runs.py).
"""

from __future__ import annotations

import json

import pytest
from reference_runs import DIGESTS, cases, digest

STORED = json.loads(DIGESTS.read_text())


def test_every_case_has_a_stored_digest() -> None:
    assert set(STORED) == set(cases())


@pytest.mark.parametrize("name", sorted(cases()))
def test_result_is_bit_identical_to_reference(name: str) -> None:
    assert digest(cases()[name]) == STORED[name], (
        f"{name} changed; if intended, regenerate with `PYTHONPATH=. python "
        "tests/reference_runs.py --write` and explain why in the commit")
