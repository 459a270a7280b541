"""The tiered generator and the firms/links loader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from abm import simulate
from abm.config.schema import NetworkConfig
from abm.network import ASSEMBLY_TIER, generate_network, load_network
from abm.network.spec import NetworkSpec


def _spec(**overrides: object) -> NetworkSpec:
    return generate_network(NetworkConfig(**overrides), np.random.default_rng(3))


def test_generated_network_is_a_valid_tiered_supply_network() -> None:
    spec = _spec(n_firms=1500, n_chains=2)
    assert spec.n_firms == 1500
    assert set(np.unique(spec.tier)) == {0, 1, 2, 3}
    # Links go one tier down within a chain, once per pair.
    assert np.all(spec.tier[spec.buyer] == spec.tier[spec.supplier] + 1)
    assert np.all(spec.chain[spec.buyer] == spec.chain[spec.supplier])
    assert len(np.unique(spec.buyer * spec.n_firms + spec.supplier)) == spec.n_links
    has_customer = np.isin(np.arange(spec.n_firms), spec.supplier)
    has_supplier = np.isin(np.arange(spec.n_firms), spec.buyer)
    assert np.all(has_customer | (spec.tier == ASSEMBLY_TIER))
    assert np.all(has_supplier | (spec.tier == 0))
    key = spec.buyer * 8 + spec.product[spec.supplier]
    totals = pd.Series(spec.share).groupby(key).sum()
    np.testing.assert_allclose(totals, 1.0)
    assert spec.chain_leader.sum() == 2 * 3
    assert np.all(spec.tier[spec.chain_leader] == ASSEMBLY_TIER)


def test_technology_intensive_firms_need_more_inputs() -> None:
    spec = _spec(n_firms=2000, inputs_labour=2, inputs_technology=3, tech_share=0.5)
    inputs = pd.DataFrame({"buyer": spec.buyer, "product": spec.product[spec.supplier]})
    distinct = inputs.groupby("buyer")["product"].nunique()
    tech = spec.technology_intensive[distinct.index]
    assert distinct[tech].mean() > distinct[~tech].mean()


def test_concentration_makes_large_suppliers_win_more_customers() -> None:
    def top_share(concentration: float) -> float:
        spec = _spec(n_firms=3000, concentration=concentration)
        customers = np.bincount(spec.supplier, minlength=spec.n_firms)[spec.tier < 3]
        top = np.sort(customers)[::-1][: len(customers) // 10]
        return float(top.sum() / customers.sum())

    assert top_share(0.0) < top_share(1.0) < top_share(3.0)


def test_same_seed_same_network() -> None:
    first, second = _spec(n_firms=500), _spec(n_firms=500)
    np.testing.assert_array_equal(first.supplier, second.supplier)
    np.testing.assert_array_equal(first.size, second.size)


def test_a_generated_network_round_trips_through_files(tmp_path: Path) -> None:
    spec = _spec(n_firms=400)
    spec.firms_frame().to_parquet(tmp_path / "firms.parquet")
    spec.links_frame().to_csv(tmp_path / "links.csv", index=False)
    loaded = load_network(str(tmp_path / "firms.parquet"), str(tmp_path / "links.csv"))
    np.testing.assert_array_equal(loaded.supplier, spec.supplier)
    np.testing.assert_allclose(loaded.share, spec.share)
    files = ["network=file", f"network.firms_path={tmp_path / 'firms.parquet'}",
             f"network.links_path={tmp_path / 'links.csv'}"]
    from_file = simulate([*files, "scenario=none", "ticks=30", "seed=1"])
    assert from_file.timeseries["performance"].min() > 0.99
    assert from_file.timeseries["firms_alive"].iloc[-1] == 400


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    from abm import ConfigError

    (tmp_path / "firms.csv").write_text("firm_id,chain\n\"unterminated")
    with pytest.raises(ConfigError, match="Malformed network file"):
        load_network(str(tmp_path / "firms.csv"), str(tmp_path / "links.csv"))
