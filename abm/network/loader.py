"""Load a user's firms and links tables (CSV or Parquet) into a :class:`NetworkSpec`.

Firms table columns: ``firm_id`` (unique), ``chain`` (integer 0..9999), ``tier`` (0 raw material
.. 3 assembly), ``product`` (0..7), ``region`` (integer 0..9999); optional ``segment``
(``labour``/``technology``, default ``labour``), ``kind`` (``chain_leader``/``sme``, default
``sme``) and ``size`` (finite, > 0 and <= 1e6, default 1). Links table columns: ``buyer_id``,
``supplier_id``; optional ``share`` (finite, > 0 and <= 1e6, renormalised per buyer and input
product; default by supplier size). Chain and region ids index arrays, hence their bound; sizes
and shares are relative weights, and the bound keeps every product of them finite.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from abm.core.errors import ConfigError
from abm.network.spec import ASSEMBLY_TIER, N_TIERS, SEGMENTS, NetworkSpec, normalise_shares

FIRM_COLUMNS = ("firm_id", "chain", "tier", "product", "region")
LINK_COLUMNS = ("buyer_id", "supplier_id")
KINDS = ("chain_leader", "sme")
#: Largest chain or region id: ids index per-chain and per-region arrays.
MAX_GROUP_ID = 9_999
#: Largest size or share: relative weights, bounded so that sums and products stay finite.
MAX_WEIGHT = 1e6


def _bad(path: str, problem: str, allowed: str) -> ConfigError:
    return ConfigError(
        f"Malformed network file {path}: {problem}. Allowed: {allowed}. "
        "See docs/ODD.md (section 'Input data') for the table formats."
    )


def read_table(path: str) -> pd.DataFrame:
    """Read a CSV or Parquet table, with a clear error for missing or unreadable files."""
    file = Path(path)
    allowed = "an existing, readable, non-empty .csv or .parquet file"
    if not file.exists():
        raise _bad(path, "the file does not exist", allowed)
    if file.is_dir():
        raise _bad(path, "it is a directory, not a file", allowed)
    if not file.is_file():
        raise _bad(path, "it is not a regular file (a device, pipe or socket such as /dev/null)",
                   allowed)
    if not os.access(file, os.R_OK):
        raise _bad(path, "it is not readable (permission denied)", allowed)
    if file.stat().st_size == 0:
        raise _bad(path, "the file is empty (0 bytes)", allowed)
    try:
        if file.suffix.lower() == ".parquet":
            return pd.read_parquet(file)
        if file.suffix.lower() == ".csv":
            return pd.read_csv(file)
    except Exception as exc:
        raise _bad(path, f"it could not be parsed ({type(exc).__name__}: {exc})",
                   "a well-formed .csv or .parquet table") from None
    raise _bad(path, f"unknown file type '{file.suffix}'", ".csv or .parquet")


def _rows(bad: pd.Series | np.ndarray) -> str:
    """The first offending rows, counted as in the table (0 = first row after the header)."""
    rows = [int(r) for r in np.flatnonzero(np.asarray(bad))[:3]]
    return f"rows {rows} (counted from 0 after the header)"


def _show(value: object) -> str:
    """A cell value as the user wrote it (plain Python, not numpy's repr)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _int_column(frame: pd.DataFrame, column: str, path: str, low: int, high: int
                ) -> np.ndarray:
    # Parsed as float first: an integer too large for int64 must be refused, not wrap around.
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    bad = (values.isna() | ~np.isfinite(values) | (values != values.round()) | (values < low)
           | (values > high))
    if bad.any():
        raise _bad(path, f"column '{column}' has invalid values in {_rows(bad)} "
                   f"(e.g. {_show(frame[column][bad].iloc[0])})", f"integers from {low} to {high}")
    return values.to_numpy().astype(np.int64)


def _weight_column(frame: pd.DataFrame, column: str, path: str) -> np.ndarray:
    """A positive, finite, bounded weight column (sizes, shares)."""
    values = pd.to_numeric(frame[column], errors="coerce").astype(float).to_numpy()
    bad = ~np.isfinite(values) | (values <= 0) | (values > MAX_WEIGHT)
    if bad.any():
        raise _bad(path, f"column '{column}' has missing, non-finite, non-positive or too large "
                   f"values in {_rows(bad)} (e.g. {_show(frame[column][bad].iloc[0])})",
                   f"finite numbers greater than 0 and at most {MAX_WEIGHT:g}")
    return values


def load_network(firms_path: str, links_path: str) -> NetworkSpec:
    """Read and validate a firms table and a links table.

    Args:
        firms_path: CSV or Parquet file of firms.
        links_path: CSV or Parquet file of buyer-supplier links.

    Returns:
        The network as index arrays.

    Raises:
        ConfigError: naming the file, the column and what is allowed.
    """
    firms = read_table(firms_path)
    links = read_table(links_path)
    for path, frame, required in ((firms_path, firms, FIRM_COLUMNS),
                                  (links_path, links, LINK_COLUMNS)):
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise _bad(path, f"missing column(s) {missing}", "columns " + ", ".join(required))
    if firms.empty or links.empty:
        raise _bad(firms_path if firms.empty else links_path, "the table is empty",
                   "at least one row")
    names = firms["firm_id"].astype(str).to_numpy(dtype=object)
    duplicated = pd.Series(names).duplicated()
    if duplicated.any():
        raise _bad(firms_path, f"duplicate firm_id {names[duplicated.to_numpy()][0]!r}",
                   "unique firm ids")
    chain = _int_column(firms, "chain", firms_path, 0, MAX_GROUP_ID)
    tier = _int_column(firms, "tier", firms_path, 0, N_TIERS - 1)
    product = _int_column(firms, "product", firms_path, 0, 7)
    region = _int_column(firms, "region", firms_path, 0, MAX_GROUP_ID)
    default_segment = pd.Series(["labour"] * len(firms))
    segment = firms["segment"].astype(str) if "segment" in firms else default_segment
    if not segment.isin(SEGMENTS).all():
        wrong = segment[~segment.isin(SEGMENTS)].iloc[0]
        raise _bad(firms_path, f"column 'segment' has value {wrong!r}", " or ".join(SEGMENTS))
    kind = firms["kind"].astype(str) if "kind" in firms else pd.Series(["sme"] * len(firms))
    if not kind.isin(KINDS).all():
        raise _bad(firms_path, f"column 'kind' has value {kind[~kind.isin(KINDS)].iloc[0]!r}",
                   " or ".join(KINDS))
    size = _weight_column(firms, "size", firms_path) if "size" in firms else np.ones(len(firms))
    leader = (kind == "chain_leader").to_numpy()
    if (leader & (tier != ASSEMBLY_TIER)).any():
        raise _bad(firms_path, "a chain_leader is not at the assembly tier",
                   f"kind=chain_leader only with tier={ASSEMBLY_TIER}")

    index = pd.Series(np.arange(len(names)), index=names)
    buyer_ids = links["buyer_id"].astype(str)
    supplier_ids = links["supplier_id"].astype(str)
    unknown = ~buyer_ids.isin(index.index) | ~supplier_ids.isin(index.index)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise _bad(links_path, f"row {row} names a firm not in the firms table "
                   f"({buyer_ids.iloc[row]!r} -> {supplier_ids.iloc[row]!r})", "firm_id values "
                   "from the firms table")
    buyer = index[buyer_ids].to_numpy()
    supplier = index[supplier_ids].to_numpy()
    wrong = (tier[buyer] != tier[supplier] + 1) | (chain[buyer] != chain[supplier])
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise _bad(links_path, f"row {row} links tier {tier[supplier[row]]} -> tier "
                   f"{tier[buyer[row]]} or crosses chains", "links from a supplier at tier t "
                   "to a buyer at tier t+1 of the same chain")
    if pd.Series(buyer * len(names) + supplier).duplicated().any():
        raise _bad(links_path, "a buyer-supplier pair appears twice", "unique pairs")
    has_customer = np.zeros(len(names), dtype=bool)
    has_customer[supplier] = True
    orphan = (~has_customer) & (tier < ASSEMBLY_TIER)
    needs_inputs = np.zeros(len(names), dtype=bool)
    needs_inputs[buyer] = True
    starved = (~needs_inputs) & (tier > 0)
    for mask, what in ((orphan, "has no customer"), (starved, "has no supplier")):
        if mask.any():
            raise _bad(firms_path, f"firm {names[mask][0]!r} (tier {tier[mask][0]}) {what}",
                       "every firm below assembly sells to someone and every firm above raw "
                       "material buys from someone")
    weight = _weight_column(links, "share", links_path) if "share" in links else size[supplier]
    n_slots = int(product.max()) + 1
    share = normalise_shares(buyer, product[supplier], weight, n_slots)
    return NetworkSpec(
        names=names, chain=chain, tier=tier, product=product, region=region,
        technology_intensive=(segment == "technology").to_numpy(), chain_leader=leader,
        size=size, buyer=buyer, supplier=supplier, share=share,
    )
