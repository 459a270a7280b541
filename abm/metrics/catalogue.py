"""The metrics catalogue: every per-tick series and summary key, declared once.

Each entry gives the name, unit, meaning, documented range and when (if ever) the value may be
NaN, and for a series the browser panel that shows it. The recorder refuses an uncatalogued
column, the engine's finite-state check lets only the catalogued NaN cases through
(:mod:`abm.metrics.finite`), the browser app builds its extension panels from ``panel``, the
sweep collector offers the summary keys, tests check every emitted value against its range, and
the metrics tables of ``docs/ODD.md`` are generated from here::

    python -m abm.metrics.odd docs/ODD.md   # rewrite the tables between the markers
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from abm.network.spec import ASSEMBLY_TIER, N_TIERS

INF = math.inf
SERIES, SUMMARY = "series", "summary"
# Why a value may be undefined (the NaN column of the docs); "" means never NaN.
NO_FIRMS = "no alive firm (in the group)"
NO_LINKS = "no live link"
OFF = "its mechanism is switched off"


@dataclass(frozen=True)
class Metric:
    """One catalogued metric.

    Attributes:
        name: column or summary key.
        kind: ``series`` (one value per tick) or ``summary`` (one per run).
        unit: unit of the value.
        meaning: one-line definition.
        lo: documented lower bound (inclusive; ``-inf`` for none).
        hi: documented upper bound (inclusive; ``inf`` for none).
        nan: when the value is undefined (NaN); empty if it never is.
        panel: browser panel of an extension series (None: not on an extension panel).
        right_axis: drawn on the panel's right axis (counts and totals, not shares or means).
    """

    name: str
    kind: str
    unit: str
    meaning: str
    lo: float = 0.0
    hi: float = INF
    nan: str = ""
    panel: str | None = None
    right_axis: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` is inside the documented range (NaN only where documented, an
        infinity never)."""
        if math.isnan(value):
            return bool(self.nan)
        return math.isfinite(value) and self.lo <= value <= self.hi


def _series(name: str, unit: str, meaning: str, lo: float = 0.0, hi: float = INF, nan: str = "",
            panel: str | None = None, right_axis: bool = False) -> Metric:
    return Metric(name, SERIES, unit, meaning, lo, hi, nan, panel, right_axis)


def _summary(name: str, unit: str, meaning: str, lo: float = 0.0, hi: float = INF,
             nan: str = "") -> Metric:
    return Metric(name, SUMMARY, unit, meaning, lo, hi, nan)


ESG, TRUST, DIGITAL, TECH = ("ESG and greenwashing", "Trust", "Digital adoption", "Technology")
PLATFORMS, CHAIN_LEADERS = "Platforms", "Chain leaders: SaaS roll-out by tier"
#: Extension panels of the browser app, in display order.
PANELS = (ESG, TRUST, DIGITAL, TECH, PLATFORMS, CHAIN_LEADERS)
#: Per-platform series are declared (and reported) for the first this many platforms.
MAX_REPORTED_PLATFORMS = 10
UNITS = "units of goods"
#: Policy instruments whose spending is reported as ``subsidy_spent_<name>`` (every
#: registered instrument must be listed; ``tests/test_policy_spending.py`` checks it).
INSTRUMENT_NAMES = ("carbon_price", "chain_building", "chain_leader_system",
                    "digital_subsidy", "early_warning", "esg_disclosure_mandate",
                    "green_credit", "platform_regulation", "rd_subsidy", "resource_dispatch")

_ENGINE = [
    _series("step", "tick", "the tick (a week)"),
    _series("performance", "share", "final demand delivered on schedule / final demand due", 0, 1),
    _series("final_demand", UNITS, "final demand drawn this tick"),
    _series("final_sales", UNITS, "final goods sold by assemblers this tick"),
    _series("delivered", UNITS, "final goods reaching customers this tick"),
    _series("value_added", "money", "value added of this tick's production"),
    _series("production", UNITS, "units produced, all firms"),
    *(_series(f"production_tier{t}", UNITS, f"units produced by tier {t}")
      for t in range(N_TIERS)),
    *(_series(f"orders_tier{t}", UNITS, f"orders received by tier {t} (bullwhip)")
      for t in range(ASSEMBLY_TIER)),
    _series("inventory_inputs", UNITS, "input stocks, all firms"),
    _series("inventory_finished", UNITS, "finished-goods stocks, all firms"),
    _series("in_transit", UNITS, "goods in the logistics pipeline"),
    _series("backlog", UNITS, "ordered, not yet shipped, all links"),
    _series("written_off", UNITS, "goods lost with exiting firms or in transit to them"),
    _series("mean_availability", "share", "mean capacity availability of alive firms", 0, 1),
    _series("firms_alive", "firms", "firms in the market"),
    _series("smes_alive", "firms", "SMEs in the market"),
    _series("links_active", "links", "live buyer-supplier links"),
    _series("searching", "links", "links whose buyer searches a replacement"),
    _series("supplier_hhi", "index", "mean over buyer input slots of the sum of squared order "
            "shares of live suppliers (0 with no slot)", 0, 1),
    _series("cash_total", "money", "cash of alive firms (negative: credit drawn)", -INF),
    _series("profit_total", "money", "operating profit of alive firms this tick", -INF),
    _series("final_revenue", "money", "revenue from final customers"),
    _series("labour_cost", "money", "labour cost, all firms"),
    _series("fixed_cost", "money", "fixed (capital) cost, all firms"),
    _series("holding_cost", "money", "stock holding cost, all firms"),
    _series("platform_fees", "money", "platform take paid by members (commission, or the "
            "full-managed margin)"),
    _series("interest", "money", "interest on drawn credit"),
    _series("payouts", "money", "cash paid out above target"),
    _series("platform_revenue", "money", "platforms' income from members' platform sales"),
    _series("platform_members", "firms", "alive platform members", panel=PLATFORMS,
            right_axis=True),
    _series("subsidy_spent", "money", "policy subsidy paid this tick"),
    _series("extra_sea_lead", "ticks", "extra lead time on sea routes (chokepoint)"),
    _series("links_rewired", "links", "links switched to a new supplier this tick"),
    _series("links_ended", "links", "links ended because their buyer left"),
    _series("searches_started", "links", "replacement searches begun this tick"),
    _series("exits", "firms", "firms leaving the market this tick"),
    _series("entries", "firms", "firms entering this tick"),
]
_BEHAVIOUR = [
    _series("emissions_total", "t CO2e", "production plus transport emissions this tick",
            panel=ESG, right_axis=True),
    _series("emission_intensity", "t CO2e / money", "emissions per unit of value added (the "
            "latest tick with value added; the steady state's before any)", panel=ESG),
    _series("tech_va_share", "share", "technology segment's share of value added (as for "
            "emission_intensity on ticks without value added)", 0, 1, panel=TECH),
    _series("greenwashing_rate", "share", "alive firms disclosing above true ESG + tolerance",
            0, 1, NO_FIRMS, ESG),
    _series("greenwash_strategy_share", "share", "alive firms with the greenwash strategy", 0, 1,
            NO_FIRMS, ESG),
    _series("improve_strategy_share", "share", "alive firms with the improve strategy", 0, 1,
            NO_FIRMS, ESG),
    _series("mean_esg_true", "score", "mean true ESG of alive firms", 0, 1, NO_FIRMS, ESG),
    _series("mean_esg_disclosed", "score", "mean disclosed ESG of alive firms", 0, 1, NO_FIRMS,
            ESG),
    _series("mean_esg_rating", "score", "mean ESG rating of alive firms", 0, 1, NO_FIRMS, ESG),
    _series("mean_reputation", "score", "mean reputation of alive firms", 0, 1, NO_FIRMS, ESG),
    _series("esg_detections", "firms", "greenwashers detected by audits this period", panel=ESG,
            right_axis=True),
    _series("esg_fines", "money", "ESG fines booked this tick", panel=ESG, right_axis=True),
    _series("mean_trust", "score", "mean trust over live links", 0, 1, NO_LINKS, TRUST),
    _series("trusted_link_share", "share", "live links trusted above the priority threshold",
            0, 1, NO_LINKS, TRUST),
    _series("mean_interest_rate", "per tick", "mean interest rate of alive firms",
            nan=NO_FIRMS),
    _series("backed_firms", "firms", "firms with chain-leader supply-chain finance"),
    _series("mean_technology", "index", "mean technology level of alive firms (1 = initial "
            "reference)", nan=NO_FIRMS, panel=TECH),
    _series("tech_gain_own", "log points", "technology gained by own R&D this period",
            panel=TECH, right_axis=True),
    _series("tech_gain_partner", "log points", "technology gained through partners this period",
            panel=TECH, right_axis=True),
    _series("digital_adoption_rate", "share", "alive SMEs at or above the adoption threshold",
            0, 1, NO_FIRMS, DIGITAL),
    _series("mean_digital_maturity", "score", "mean digital maturity of alive firms", 0, 1,
            NO_FIRMS, DIGITAL),
    _series("upgrades", "firms", "firms switching segment this period"),
    _series("upgrades_pending", "firms", "alive firms stocking a new input"),
    _series("mean_inputs", "inputs", "distinct inputs per alive upstream firm", nan=NO_FIRMS),
    _series("investment_spending", "money", "R&D, digital and ESG spending booked this tick"),
    _series("mean_buffer_weeks", "weeks", "mean extra safety stock of alive firms",
            nan=NO_FIRMS),
]
_NO_PLATFORM_SALES = "no platform sales this tick"
_PLATFORMS = [
    _series("platform_margin", "share", "members' gross margin on platform sales: (list "
            "revenue - platform take - input and labour cost) / list revenue", -INF, 1,
            _NO_PLATFORM_SALES, PLATFORMS),
    _series("platform_joins", "firms", "firms joining a platform this tick", panel=PLATFORMS,
            right_axis=True),
    _series("platform_leaves", "firms", "firms leaving a platform this tick", panel=PLATFORMS,
            right_axis=True),
    *(_series(f"platform{k}_members", "firms", f"alive members of platform {k}",
              panel=PLATFORMS, right_axis=True) for k in range(MAX_REPORTED_PLATFORMS)),
    _series("export_performance_members", "share", "platform members' export sales "
            "delivered on schedule / their export demand due (1 when none falls due)", 0, 1,
            panel=PLATFORMS),
]
_PLATFORM_RESULTS = [
    _summary("platform_revenue_total", "money", "fees collected by all platforms over the run "
             "(= fees members paid)"),
    _summary("platform_joins_total", "firms", "joins over the run"),
    _summary("platform_leaves_total", "firms", "leaves over the run"),
    _summary("platform_margin_mean", "share", "mean over ticks of platform_margin", -INF, 1,
             "no platform sales in the run"),
    _summary("resourcing_ticks_members", "ticks", "mean ticks from a supplier's failure to a "
             "new supplier found by search (links a completed search moved), buyers on a "
             "platform", nan="no search completed by a member"),
    _summary("resourcing_ticks_nonmembers", "ticks", "as resourcing_ticks_members, buyers on "
             "no platform", nan="no search completed by a non-member"),
    _summary("return_ticks_members", "ticks", "mean ticks from a supplier's failure to the "
             "buyer's return to it (relationship memory), buyers on a platform",
             nan="no return by a member"),
    _summary("return_ticks_nonmembers", "ticks", "as return_ticks_members, buyers on no "
             "platform", nan="no return by a non-member"),
    _summary("resourcing_searches_total", "links", "links moved to a new supplier by a "
             "completed search over the run"),
    _summary("resourcing_returns_total", "links", "links returned to the supplier whose "
             "failure they left over the run"),
    _summary("platform_member_wins_total", "links", "replacement links won by SME platform "
             "members over the run (routed orders among them)"),
    _summary("chokepoint_surcharge_members_total", "money", "extra export freight platform "
             "members paid during logistics chokepoints over the run"),
    _summary("export_loss_members", "ticks", "sum of 1 - export_performance_members from "
             "the first logistics-chokepoint tick to the end of the run", 0, INF,
             "no logistics chokepoint in the run"),
    _summary("warehouse_served_total", "units", "export units members served from overseas "
             "warehouses during chokepoints over the run"),
    _summary("sea_transit_members", "ticks", "mean transit time of this tick's shipments on "
             "live sea links from platform members (overseas warehouses), over ticks and links",
             nan="no sea link from a member"),
    _summary("sea_transit_nonmembers", "ticks", "as sea_transit_members, sea links from "
             "firms on no platform", nan="no sea link from a non-member"),
    _summary("platform_member_exits_total", "firms", "platform members that exited over the "
             "run"),
    _summary("green_verified_demand_share", "share", "mean over ticks of the share of final "
             "demand going to verified-green assemblers (green consumers)", 0, 1,
             "no green consumers or no ESG signals"),
]
_NO_HIT = " (0 when no firm is hit directly)"
#: Firm-level recovery (``abm.metrics.firm_recovery``), finite by construction.
_FIRM_RECOVERY = [
    _summary("firms_hit", "firms", "firms hit directly by a shock that had a pre-shock output "
             "(tracked by the firm-level recovery)"),
    _summary("firm_recovery_mean", "ticks", "mean over firms hit directly of the ticks from "
             "the first hit until the firm's smoothed output regains recovery_level x its "
             "pre-shock mean (censored at the horizon)" + _NO_HIT),
    _summary("firm_recovery_median", "ticks", "median of the same firm-level recovery ticks"
             + _NO_HIT),
    _summary("firm_recovery_censored", "share", "share of firms hit directly that never "
             "regained recovery_level x their pre-shock output (by the horizon, or before "
             "leaving the market)" + _NO_HIT, 0, 1),
]
#: Direct and indirect losses (``abm.metrics.losses``); 0 without shocks.
_LOSSES = [
    _summary("loss_direct", "money", "direct loss: capacity destroyed x time, sum over ticks "
             "from onset and firms of (1 - availability) x pre-shock output x unit value added"),
    _summary("loss_total", "money", "value added lost by the whole economy from onset to the "
             "horizon against the twin (else the pre-shock mean; net of catch-up)", -INF),
    _summary("loss_indirect", "money", "loss_total - loss_direct: what propagation through "
             "the network adds", -INF),
    _summary("loss_amplification", "ratio", "loss_total / loss_direct (Hallegatte 2008)",
             -INF, nan="no capacity destroyed (no shock, or a shock that cuts flows or demand "
             "only)"),
    _summary("loss_damage_window", "money", "loss_total summed only from onset to the last "
             "tick with capacity destroyed (mean_availability < 1)", -INF,
             nan="no capacity destroyed"),
]
_NO_TWIN = "a shocked run without its unshocked twin"
_RESULTS = [
    _summary("resistance", "share", "1 - deepest relative drop of performance after onset", 0, 1),
    _summary("recovery_time", "ticks", "ticks from onset until performance stays at or above "
             "recovery_level x reference (censored at the horizon)"),
    _summary("recovery_censored", "flag", "1 if the run never recovered before the horizon",
             0, 1),
    _summary("resilience_loss", "ticks", "sum of relative performance drops after onset "
             "(resilience triangle)"),
    _summary("baseline_performance", "share", "mean performance before onset (all ticks "
             "without shocks)", 0, 1),
    _summary("risk_resistance", "ratio", "value added in the shock window / the reference's "
             "(twin; else pre-shock mean; else the steady state)", nan="reference value added "
             "is zero"),
    _summary("creativity", "ratio", "late-window value added / the twin's - 1", -1,
             nan=_NO_TWIN + ", or the twin has no value added"),
    _summary("creativity_technology", "ratio", "late-window mean technology / the twin's - 1",
             -1, nan=_NO_TWIN + ", or " + OFF),
    _summary("bullwhip_ratio", "ratio", "CV^2 of raw-material orders / CV^2 of final demand, "
             "after warmup", nan="final demand never varies, or no orders"),
    *(_summary(f"bullwhip_tier{t}", "ratio", f"as bullwhip_ratio for orders to tier {t}",
               nan="final demand never varies, or no orders") for t in range(ASSEMBLY_TIER)),
    _summary("supplier_hhi", "index", "mean over ticks of supplier_hhi", 0, 1),
    _summary("performance_mean", "share", "mean performance", 0, 1),
    _summary("value_added_mean", "money", "mean value added per tick"),
    _summary("exits_total", "firms", "exits over the run"),
    _summary("entries_total", "firms", "entries over the run"),
    _summary("subsidy_spent", "money", "policy subsidy over the run"),
    *(_summary(f"subsidy_spent_{name}", "money", f"spent by the {name} instrument over the "
               "run (only when it is on)") for name in INSTRUMENT_NAMES),
    _summary("carbon_revenue", "money", "carbon-price revenue of the state over the run (only "
             "with carbon_price; income, not spending)"),
    _summary("sme_survival_rate", "share", "initial SMEs alive at the end", 0, 1),
    _summary("sme_mean_margin", "ratio", "mean over alive SMEs of total profit / total revenue",
             -INF, nan="no alive SME has revenue"),
    _summary("relationship_stability", "share per year", "yearly share of year-start links "
             "kept (same buyer and supplier, both still in the market), geometric mean over "
             "the run", 0, 1, "no link was live at any year start"),
    _summary("digital_agility", "ticks", "mean ticks from a supplier's failure to its "
             "replacement", nan="no replacement happened"),
    _summary("digital_agility_rate", "per tick", "1 / (1 + digital_agility): per-tick chance "
             "that a pending replacement completes (geometric waiting time)", 0, 1,
             "no replacement happened"),
    _summary("replacements", "links", "suppliers replaced over the run"),
    _summary("steady_value_added", "money", "value added per tick of the initial steady state"),
    *_FIRM_RECOVERY,
    *_LOSSES,
]
_LATE = "late-window mean of the series"
_BEHAVIOUR_RESULTS = [
    *(_summary(name, "score", f"{_LATE} {name}", 0, 1, OFF + ", or " + NO_FIRMS)
      for name in ("greenwashing_rate", "mean_esg_true", "mean_trust", "digital_adoption_rate",
                   "mean_reputation", "mean_digital_maturity")),
    _summary("mean_technology", "index", f"{_LATE} mean_technology", nan=OFF),
    _summary("digital_adoption_rate_start", "share", "digital_adoption_rate at the first tick",
             0, 1, OFF),
    _summary("innovation_collaboration", "share", "technology gains through partners / all "
             "gains", 0, 1, OFF + ", or no gain"),
    _summary("structural_upgrading", "share", "late-window minus first-tick tech_va_share",
             -1, 1),
    _summary("emissions_total", "t CO2e", "emissions over the run"),
    _summary("emission_intensity", "t CO2e / money", "total emissions / total value added",
             nan="no value added over the run"),
    *(_summary(f"relationship_stability_{g}_esg", "share per year", f"yearly share kept of the "
               f"customer links that the {g}est-ESG third of suppliers had at onset", 0, 1,
               "no shock, or fewer than three upstream suppliers with links at onset")
      for g in ("high", "low")),
]

_NO_BASELINE = "metrics.policy_baseline=false with instruments on"
_POLICY_RESULTS = [
    _summary("resilience_loss_avoided", "ticks", "resilience_loss of the shocked baseline (no "
             "instruments, same seed and network) - the policy's (0 for the baseline itself)",
             -INF, nan=_NO_BASELINE),
    _summary("upgrading_gained", "share", "structural_upgrading of the policy - the baseline's "
             "(0 for the baseline itself)", -2, 2, _NO_BASELINE),
    _summary("cost_effectiveness", "ticks per million", "resilience_loss_avoided / "
             "(subsidy_spent / 1e6): loss avoided per million spent", -INF,
             nan="nothing was spent (the baseline, a free or unfunded policy), or "
                 + _NO_BASELINE),
    _summary("early_warning_alerts", "buyers", "buyers alerted by early warning (a buyer "
             "counts once per alert episode)"),
    _summary("early_warning_searches", "links", "supplier searches early warning started on "
             "links to suppliers observed down whose deliveries fell short"),
    _summary("resource_dispatch_served", "link-ticks", "links to down suppliers the "
             "re-dispatch platform served, summed over ticks"),
    _summary("resource_dispatch_started", "links", "re-matches the re-dispatch platform "
             "began on delayed orders (links to down suppliers that fell short)"),
    _summary("resource_dispatch_rematches", "links", "served links re-matched to a new "
             "supplier"),
    _summary("chain_building_entries", "firms", "entrants into vacant rows of thin niches "
             "promoted by chain building"),
]
_NO_CL = "no such link this tick (the roll-out has not reached one, or none is left)"
# Chain-leader programmes (abm.programmes; only when they run).
_CHAIN_LEADERS = [
    _series("cl_designated", "firms", "alive firms designated as chain leaders",
            panel=CHAIN_LEADERS, right_axis=True),
    *(_series(f"cl_connected_tier{d}", "firms", f"alive suppliers connected to a leader's "
              f"SaaS at the roll-out's tier {d} (depth {d} of the leaders' supply trees)",
              panel=CHAIN_LEADERS, right_axis=True)
      for d in (1, 2, 3)),
    _series("cl_connected_link_share", "share", "live links from a leader or connected buyer "
            "to a connected supplier / live links", 0, 1, panel=CHAIN_LEADERS),
    _series("cl_order_lead_connected", "ticks", "mean order lead time (transit + queue wait, "
            "capped at 52) of connected links", nan=_NO_CL),
    _series("cl_order_lead_other", "ticks", "as cl_order_lead_connected, other live links "
            "into the leaders' supply trees", nan=_NO_CL),
    _series("cl_development_cost", "money", "leaders' payments for their suppliers' R&D "
            "and digital spending this tick"),
    _series("cl_backup_switches", "links", "links re-sourced to a listed backup this tick"),
    *(_summary(f"cl_rollout_tier{d}_tick", "tick", f"first tick a tier-{d} supplier was "
               "connected", nan="the roll-out never reached it") for d in (1, 2, 3)),
    _summary("cl_backup_switches_total", "links", "links re-sourced to a listed backup"),
    _summary("cl_development_cost_total", "money", "leaders' supplier-development payments "
             "over the run"),
    _summary("cl_rebuild_support_total", "money", "leaders' payments toward connected "
             "suppliers' reconstruction over the run (endogenous recovery; part of "
             "cl_development_cost_total)"),
    _summary("cl_connected_tech_gap", "log points", "log-technology gain since the start of "
             "connected SMEs minus non-connected SMEs of the same tier (weighted by "
             "connected count)", -INF, nan="innovation off, or no tier with both groups"),
]

CATALOGUE: dict[tuple[str, str], Metric] = {
    (m.kind, m.name): m for m in (*_ENGINE, *_BEHAVIOUR, *_PLATFORMS, *_RESULTS,
                                  *_BEHAVIOUR_RESULTS, *_POLICY_RESULTS, *_PLATFORM_RESULTS,
                                  *_CHAIN_LEADERS)}


def series(name: str) -> Metric:
    """The catalogue entry of a per-tick series (KeyError naming it if uncatalogued)."""
    try:
        return CATALOGUE[SERIES, name]
    except KeyError:
        raise KeyError(f"series `{name}` is not in the metrics catalogue "
                       "(abm/metrics/catalogue.py): declare it there") from None


def names(kind: str) -> list[str]:
    """Catalogued names of one kind, in catalogue order."""
    return [name for k, name in CATALOGUE if k == kind]


#: Series that may be NaN in some states (the finite-state check lets them through).
MAY_BE_NAN = frozenset(m.name for m in CATALOGUE.values() if m.kind == SERIES and m.nan)


def out_of_range(kind: str, values: dict[str, float]) -> list[str]:
    """Descriptions of the values that are uncatalogued or outside their documented range."""
    bad = []
    for name, value in values.items():
        metric = CATALOGUE.get((kind, name))
        if metric is None:
            bad.append(f"{kind} `{name}` is not catalogued")
        elif not metric.contains(float(value)):
            bad.append(f"{kind} `{name}` = {value} outside [{metric.lo}, {metric.hi}]"
                       + ("" if metric.nan else " (never NaN)"))
    return bad


def markdown_table(kind: str) -> str:
    """The docs table of one kind: name, unit, range, when NaN, meaning."""
    rows = ["| name | unit | range | NaN when | meaning |", "|---|---|---|---|---|"]
    for metric in CATALOGUE.values():
        if metric.kind == kind:
            low = "(−∞" if math.isinf(metric.lo) else f"[{metric.lo:g}"
            high = "∞)" if math.isinf(metric.hi) else f"{metric.hi:g}]"
            span = f"{low}, {high}"
            rows.append(f"| `{metric.name}` | {metric.unit} | {span} | {metric.nan or 'never'} "
                        f"| {metric.meaning} |")
    return "\n".join(rows)


BEGIN, END = "<!-- metrics-catalogue:{kind}:begin -->", "<!-- metrics-catalogue:{kind}:end -->"


def render_docs(text: str) -> str:
    """``text`` with the generated tables between each kind's markers."""
    for kind in (SERIES, SUMMARY):
        begin, end = BEGIN.format(kind=kind), END.format(kind=kind)
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"docs lack the markers {begin} ... {end}")
        text = pattern.sub(lambda _m, b=begin, e=end, k=kind:
                           f"{b}\n{markdown_table(k)}\n{e}", text)
    return text
