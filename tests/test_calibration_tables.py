"""The calibration tables quoted in docs/ODD.md §7.10 are regenerated from the stored results.

Each quoted table is formatted from its CSV by ``experiments.calibration.tables`` (the CSVs are
written by ``recovery.py`` / ``threshold.py``); the numbers must equal the ODD's, up to one unit
in the last printed digit (the CSVs keep 4 decimals, and the ODD rounded some medians that
end in .5 down, others up).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from experiments.calibration import tables
from experiments.calibration.threshold import grid

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "calibration" / "results"
ODD = (ROOT / "docs" / "ODD.md").read_text()
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _close(ours: str, quoted: str) -> bool:
    """Same cells with the same numbers, each within one unit of its last digit."""
    a, b = ours.split("|"), quoted.split("|")
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        nx, ny = NUMBER.findall(x), NUMBER.findall(y)
        if NUMBER.sub("#", x).strip() != NUMBER.sub("#", y).strip() or len(nx) != len(ny):
            return False
        for u, v in zip(nx, ny, strict=True):
            unit = 10.0 ** -len(v.split(".")[1]) if "." in v else 1.0
            if abs(float(u) - float(v)) > unit * 1.001:
                return False
    return True


def _block(after: str) -> str:
    return ODD[ODD.index(after):]


@pytest.mark.parametrize("csv,heading", [("recovery_before.csv", "Before (commit"),
                                         ("recovery_after.csv", "After (measured")])
def test_recovery_tables_match_the_odd(csv: str, heading: str) -> None:
    ours = tables.recovery_table(pd.read_csv(RESULTS / csv)).splitlines()[2:]
    block = _block(heading)
    quoted = tables.odd_rows(block, r"(?!scenario)[a-z_]+")[:len(ours)]
    assert len(quoted) == len(ours) == 6
    for mine, theirs in zip(ours, quoted, strict=True):
        assert _close(mine, theirs), (mine, theirs)


def test_threshold_tables_match_the_odd() -> None:
    ours = [r for r in tables.threshold_tables(RESULTS / "threshold").splitlines()
            if r.startswith(("| magnitude", "| 0."))]
    block = _block("*Extreme shocks*")
    quoted = tables.odd_rows(block, r"(magnitude [\d.]+|0\.\d)")[:len(ours)]
    rows = len(tables.RD_MAGNITUDES) + len(tables.PD_SHARES)
    assert len(ours) == rows and [_close(a, b) for a, b in zip(ours, quoted, strict=True)] == [
        True] * rows, (ours, quoted)
    assert {f"{tag}.csv" for tag in grid()} == {p.name for p in (RESULTS / "threshold").iterdir()}


def test_variants_table_matches_the_odd_rows_it_has_results_for() -> None:
    runs = {"default (table above)": pd.read_csv(RESULTS / "recovery_after_runs.csv"),
            "supplier canvassing, `sourcing.canvass_ticks=4` (7.6)":
                pd.read_csv(RESULTS / "embargo_canvass4_runs.csv")}
    ours = tables.variants_table(runs).splitlines()[2:]
    quoted = tables.odd_rows(_block("Tried (20 seeds"), r"(default|supplier canvassing)[^|]*")
    for mine, theirs in zip(ours, quoted[:2], strict=True):
        assert _close(mine, theirs), (mine, theirs)


def test_behaviour_rows_run_on_common_seeds(tmp_path: Path) -> None:
    from experiments.calibration.behaviour import ROWS, run_row
    from experiments.sweep import ExecutorConfig

    table = run_row("greenwashing_detection", tmp_path, 2,
                    ["network.n_firms=100", "ticks=60"], ExecutorConfig("serial"))
    row = ROWS["greenwashing_detection"]
    assert set(table["condition"]) == set(row.conditions)
    assert set(table["metric"]) == {"greenwashing_rate", "greenwashing_rate@first_tick"}
    assert (table["seeds"] == 2).all()
    first = table[table["metric"] == "greenwashing_rate@first_tick"]
    assert first["mean"].nunique() == 1  # common seeds: the same start in both conditions
    moved = table[table["condition"] == "detection_0.9"]
    assert ((moved["higher_than_first"] + moved["lower_than_first"]) <= 2).all()
