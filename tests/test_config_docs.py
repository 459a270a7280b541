"""The ODD parameter tables are generated from the schema and must be up to date."""

from __future__ import annotations

from pathlib import Path

from abm.config import docs

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_tables_are_generated_and_current() -> None:
    assert docs.main(["--check", "--root", str(ROOT)]) == 0, (
        "run `python -m abm.config.docs --write` and commit the docs")


def test_every_declared_key_appears_in_the_docs() -> None:
    from abm.config.fields import spec_of, walk
    from abm.config.schema import SimulationConfig

    text = "".join((ROOT / name).read_text() for name in docs.DOCS)
    keys = [k for k, f, _ in walk(SimulationConfig) if spec_of(f) is not None]
    assert keys and all(f"`{k}`" in text for k in keys)
