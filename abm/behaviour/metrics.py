"""Per-tick series and summary scalars of the behaviour layer (spec §6).

Per-tick series (only for mechanisms that are on; emissions and the technology segment's
share of value added always). Flows and trust are measured every tick; state statistics
(ESG, digital, technology, credit, buffers) are sampled at each quarterly review (and at the
start) and recorded as of the latest one:

* ESG: ``greenwashing_rate`` (share of alive firms whose disclosure exceeds true ESG by more
  than ``esg.gap_tolerance``), ``greenwash_strategy_share``, ``improve_strategy_share``,
  ``mean_esg_true``, ``mean_esg_disclosed``, ``mean_esg_rating``, ``mean_reputation``,
  ``esg_detections``, ``esg_fines``;
* trust: ``mean_trust`` over live links, ``trusted_link_share`` (above the priority threshold);
* finance: ``mean_interest_rate``, ``backed_firms`` (chain-leader supply-chain finance);
* innovation: ``mean_technology``, ``tech_gain_own``, ``tech_gain_partner`` (log gains of the
  period, recorded at period ticks);
* digital: ``digital_adoption_rate`` (alive SMEs at or above the adoption threshold),
  ``mean_digital_maturity``;
* upgrading: ``upgrades``, ``upgrades_pending``, ``mean_inputs`` (distinct inputs per firm);
* investment: ``investment_spending``, ``mean_buffer_weeks``;
* always: ``emissions_total`` (production plus transport), ``emission_intensity`` (per unit
  of value added), ``tech_va_share``. On a tick without value added (nothing produced) the two
  ratios are undefined; they keep their latest value (before any tick, the initial steady
  state's), so the series stays a ratio of something computed, not 0/0.

Summary scalars: late-window means (``metrics.late_window`` ticks) of the state series,
``innovation_collaboration`` (share of all technology gains that came through partners),
``structural_upgrading`` (late-window minus first-tick technology share of value added),
``emissions_total`` (sum over the run) and ``emission_intensity`` (total emissions / total value
added), and the yearly stability of the customer links that the top and bottom third of
suppliers by true ESG had at the shock onset (``relationship_stability_high_esg`` /
``_low_esg``: the share kept since onset, turned into a yearly share under a constant break
rate, in [0, 1] like ``relationship_stability``). ``creativity`` needs the unshocked
twin and is computed with the resilience metrics (:func:`abm.metrics.resilience.creativity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from abm.behaviour.esg import GREENWASH, IMPROVE
from abm.core.calendar import TICKS_PER_YEAR
from abm.core.rules import live_links
from abm.core.state import ASSEMBLY_TIER, FirmState

if TYPE_CHECKING:
    from abm.behaviour.layer import BehaviourLayer

STATE_SERIES = ("greenwashing_rate", "mean_esg_true", "mean_trust", "digital_adoption_rate",
                "mean_technology", "mean_reputation", "mean_digital_maturity")


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    """Mean of ``values`` where ``mask`` holds (NaN if nowhere)."""
    count = np.count_nonzero(mask)
    if not count:
        return float("nan")
    # Where the mask holds everywhere, multiplying by it changes nothing: skip that pass.
    total = values.sum() if count == len(mask) else (values * mask).sum()
    return float(total / count)


def tick_series(layer: BehaviourLayer) -> dict[str, float]:
    """This tick's behaviour series (see the module docstring).

    Flows (emissions, value added, spending, trust) are computed every tick; state statistics
    that only change in the period step are taken from its cache (:func:`period_series`).
    """
    model, on = layer.world, layer.on
    firms, links = model.firms, model.links
    out: dict[str, float] = {}
    result = layer.last_result
    produced = firms.produced
    value_added_by_firm = firms.unit_value_added * produced
    value_added = float(value_added_by_firm.sum())
    # Multiply-and-sum, not ``@``: BLAS threads stall when the cores are busy.
    emissions = float((layer.esg.emission_rate * produced).sum())
    if result is not None:
        shipped = result.shipped  # links added after production shipped nothing yet
        transport = layer.esg.route_emission[: len(shipped)] * shipped
        # A process may shorten suppliers' routes (platform route optimisation): per firm,
        # the factor on the kilometres, hence the transport emissions, of its shipments.
        km = model.observe("shipment_km_factor")
        if km is not None:
            transport = transport * km[links.supplier[: len(shipped)]]
        emissions += float(transport.sum())
    out["emissions_total"] = emissions
    if value_added > 0:
        tech_va = float(value_added_by_firm[layer.record.technology_rows(firms)].sum())
        # A share of value added: clip the round-off of the two sums above 1.
        layer.record.last_ratios = (emissions / value_added, min(1.0, tech_va / value_added))
    out["emission_intensity"], out["tech_va_share"] = layer.record.last_ratios
    if not layer.record.period_cache:
        layer.record.period_cache = period_series(layer)
    out.update(layer.record.period_cache)
    period = model.tick % layer.cfg.period == 0
    events = layer.record.period_stats if period else {}
    ledger = model.ledger
    other = getattr(ledger, "other", {}) if ledger is not None else {}
    if on["esg"]:
        out["esg_detections"] = events.get("esg_detections", 0.0)
        out["esg_fines"] = float(other.get("fines", 0.0))
    if on["trust"]:
        out["mean_trust"] = _mean(layer.trust.state.trust, links.active)
    if on["innovation"]:
        out["tech_gain_own"] = events.get("tech_gain_own", 0.0)
        out["tech_gain_partner"] = events.get("tech_gain_partner", 0.0)
    if on["upgrading"]:
        out["upgrades"] = events.get("upgrades", 0.0)
    if on["investment"]:
        out["investment_spending"] = float(other.get("investment", 0.0))
    return out


@dataclass
class PeriodRecord:
    """What the outputs remember between ticks: the latest period step's events and state
    statistics, the ratios of the last tick with value added, and who supplied whom at the
    shock's onset.

    Attributes:
        period_stats: events of the latest period step.
        period_cache: state statistics as of that step (:func:`period_series`).
        last_ratios: emission intensity and technology share of value added.
        onset_tick: the tick outcome metrics measure from.
        onset_supplier: per link at onset, its supplier (-1 if not live); None before.
        esg_at_onset: per firm, true ESG at onset.
    """

    period_stats: dict[str, float]
    period_cache: dict[str, float]
    last_ratios: tuple[float, float]
    onset_tick: int
    onset_supplier: np.ndarray | None
    esg_at_onset: np.ndarray
    _technology_rows: np.ndarray

    @classmethod
    def start(cls, layer: BehaviourLayer, onset: int | None) -> PeriodRecord:
        """The record before the first tick (``onset``: the shocks' first tick, or None)."""
        firms = layer.world.firms
        return cls(period_stats={}, period_cache={}, last_ratios=steady_ratios(layer),
                   onset_tick=onset if onset is not None else 1, onset_supplier=None,
                   esg_at_onset=np.zeros(firms.n),
                   _technology_rows=np.flatnonzero(firms.technology_intensive))

    def snapshot_onset(self, layer: BehaviourLayer) -> None:
        """Who supplied whom, and suppliers' true ESG, when the shock starts (tick 1 without)."""
        firms, links = layer.world.firms, layer.world.links
        self.onset_supplier = np.where(live_links(firms, links), links.supplier, -1)
        self.esg_at_onset = layer.esg.state.composite().copy()

    def technology_rows(self, firms: FirmState) -> np.ndarray:
        """Indices of the technology-intensive firms."""
        # Firms only ever join the segment (upgrading), so an unchanged count is an
        # unchanged set: a count is much cheaper than a mask selection every tick.
        if np.count_nonzero(firms.technology_intensive) != len(self._technology_rows):
            self._technology_rows = np.flatnonzero(firms.technology_intensive)
        return self._technology_rows


def steady_ratios(layer: BehaviourLayer) -> tuple[float, float]:
    """Emission intensity (production only) and technology share of value added at normal
    output: the ratios' values before the first tick with value added."""
    firms = layer.world.firms
    value_added = firms.unit_value_added * firms.normal_output
    total = float(value_added.sum())
    if not total > 0:
        return 0.0, 0.0
    return (float((layer.esg.emission_rate * firms.normal_output).sum()) / total,
            float(value_added[firms.technology_intensive].sum()) / total)


def period_series(layer: BehaviourLayer) -> dict[str, float]:
    """State statistics of the behaviour layer, refreshed by each period step."""
    model, on = layer.world, layer.on
    firms, links = model.firms, model.links
    alive = firms.alive
    out: dict[str, float] = {}
    if on["esg"]:
        state = layer.esg.state
        disclosed, true = state.disclosed(), state.composite()
        out["greenwashing_rate"] = _mean(disclosed - true > layer.cfg.esg.gap_tolerance, alive)
        out["greenwash_strategy_share"] = _mean(state.strategy == GREENWASH, alive)
        out["improve_strategy_share"] = _mean(state.strategy == IMPROVE, alive)
        out["mean_esg_true"] = _mean(true, alive)
        out["mean_esg_disclosed"] = _mean(disclosed, alive)
        out["mean_esg_rating"] = _mean(state.rating, alive)
        out["mean_reputation"] = _mean(state.reputation, alive)
    if on["trust"]:
        out["trusted_link_share"] = _mean(
            layer.trust.state.trust >= layer.cfg.trust.priority_threshold, links.active)
    if on["finance"]:
        out["mean_interest_rate"] = _mean(layer.finance.state.rate, alive)
        out["backed_firms"] = float((layer.finance.state.backed & alive).sum())
    if on["innovation"]:
        out["mean_technology"] = _mean(np.exp(layer.innovation.state.log_tech), alive)
    if on["digital"]:
        sme = alive & ~firms.chain_leader
        out["digital_adoption_rate"] = _mean(layer.digital.state.adopted, sme)
        out["mean_digital_maturity"] = _mean(layer.digital.state.maturity, alive)
    if on["upgrading"]:
        out["upgrades_pending"] = float(((layer.upgrading.state.pending_slot >= 0) & alive).sum())
        upstream = alive & (firms.tier > 0)
        # Column by column: a sum along the short trailing axis is slow.
        inputs = sum((firms.input_coef[:, slot] > 0).astype(np.int64)
                     for slot in range(firms.n_slots))
        out["mean_inputs"] = _mean(np.asarray(inputs), upstream)
    if on["investment"]:
        out["mean_buffer_weeks"] = _mean(layer.investing.extra_safety, alive)
    return out


def summary_scalars(layer: BehaviourLayer) -> dict[str, float]:
    """Summary scalars of the behaviour layer (see the module docstring)."""
    model = layer.world
    window = model.config.metrics.late_window
    frame = model.timeseries()
    late = frame.tail(window)
    out = {name: float(late[name].mean()) if name in frame else float("nan")
           for name in STATE_SERIES}
    out["digital_adoption_rate_start"] = (float(frame["digital_adoption_rate"].iloc[0])
                                          if "digital_adoption_rate" in frame else float("nan"))
    tech = layer.innovation.state
    own, partner = float(tech.gain_own.sum()), float(tech.gain_partner.sum())
    out["innovation_collaboration"] = (partner / (own + partner) if layer.on["innovation"]
                                       and own + partner > 0 else float("nan"))
    if "tech_va_share" in frame and len(frame):
        out["structural_upgrading"] = float(late["tech_va_share"].mean()
                                            - frame["tech_va_share"].iloc[0])
    else:
        out["structural_upgrading"] = float("nan")
    emissions = float(frame["emissions_total"].sum()) if "emissions_total" in frame else 0.0
    value_added = float(frame["value_added"].sum()) if "value_added" in frame else 0.0
    out["emissions_total"] = emissions
    out["emission_intensity"] = emissions / value_added if value_added > 0 else float("nan")
    out.update(_retention_by_esg(layer))
    return out


def _retention_by_esg(layer: BehaviourLayer) -> dict[str, float]:
    """Yearly stability of the customer links suppliers had at onset, by true-ESG third.

    A link counts as kept while its buyer still sources from the same supplier; links whose
    buyer has left the market (or whose row a later entrant took) are not counted.
    """
    nan = {"relationship_stability_high_esg": float("nan"),
           "relationship_stability_low_esg": float("nan")}
    model = layer.world
    years = (model.tick - layer.record.onset_tick + 1) / TICKS_PER_YEAR
    onset = layer.record.onset_supplier
    if onset is None or years <= 0:
        return nan
    firms, links = model.firms, model.links
    rows = np.flatnonzero(onset >= 0)
    buyer = links.buyer[rows]
    counted = firms.alive[buyer] & (firms.entered_at[buyer] < layer.record.onset_tick)
    rows = rows[counted]
    supplier = onset[rows]
    kept = links.supplier[rows] == supplier
    upstream = firms.tier[supplier] < ASSEMBLY_TIER
    if upstream.sum() < 3:
        return nan
    score = layer.record.esg_at_onset[supplier]
    low, high = np.quantile(np.unique(score[upstream]), [1 / 3, 2 / 3])
    out = {}
    for name, group in (("high", upstream & (score >= high)), ("low", upstream & (score <= low))):
        share = kept[group].mean() if group.any() else float("nan")
        out[f"relationship_stability_{name}_esg"] = float(share ** (1.0 / years))
    return out
