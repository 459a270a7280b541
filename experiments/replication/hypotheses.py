"""The registry of hypotheses the replication suite tests.

Each hypothesis is an effect written as a linear contrast of metrics over *arms* (override sets
run on the same seeds), with the sign the claim expects: e.g. "inventories reduce indirect
losses" is ``resilience_loss(safety stock 2 weeks) - resilience_loss(0.5 weeks)``, expected
negative. The suite runs every arm on every seed, computes the contrast per seed and
bootstraps its mean. Verdicts are findings, not targets: nothing here is tuned to pass.

The regional disaster uses a step recovery in the convexity tests, so direct damage grows
exactly linearly with duration and magnitude; any convexity then comes from propagation.
"""

from __future__ import annotations

from dataclasses import dataclass

DISASTER = "scenario.shocks.regional_disaster"
STEP = f"{DISASTER}.recovery.profile=step"

# Arms: label -> overrides on top of the suite's size (network, horizon, shock onset).
ARMS: dict[str, tuple[str, ...]] = {
    "default": (),
    "duration3_step": (STEP, f"{DISASTER}.duration=3"),
    "duration6_step": (STEP, f"{DISASTER}.duration=6"),
    "magnitude04_step": (STEP, f"{DISASTER}.duration=6", f"{DISASTER}.magnitude=0.4"),
    "safety_stock_0.5": ("market.safety_stock_weeks=0.5",),
    "suppliers_1": ("network.suppliers_per_input=1",),
    "concentration_2": ("network.concentration=2.0",),
    "esg_high": ("behaviour.esg.initial_mean=0.7",),
    "unverified_credible": ("behaviour.esg.unverified_weight=0.9",),
    "platform_members_high": ("platforms.membership_rate=0.5",),
    "digital_plus_1sd": ("behaviour.digital.initial_shift_sd=1.0",),
    "upgrading_off": ("behaviour.upgrading.enabled=false",),
    # Both instruments under one budget (about 2% of the ci network's yearly value added; the
    # instruments spend far less). The per-run policy baseline is off: the contrast with the
    # "default" arm on the same seeds is the comparison.
    "early_warning_dispatch": ("policy=[early_warning,resource_dispatch]",
                               "policy.budget_per_year=100000", "metrics.policy_baseline=false"),
    "chain_leader_system": ("policy=chain_leader_system", "policy.budget_per_year=50000"),
}


@dataclass(frozen=True)
class Hypothesis:
    """A claim and the contrast that tests it.

    Attributes:
        id: short identifier.
        claim: the claim in words.
        source: where it comes from.
        metric: what the effect measures (label of the contrast, with units).
        direction: expected sign of the effect, "+" or "-".
        terms: (coefficient, arm, summary metric) summed per seed into the effect.
        tail: a summary metric whose distribution over single-firm failures is tested for a
            heavy tail instead (:mod:`experiments.replication.tails`; the effect is the
            generalized Pareto shape), else None.
        needs: the missing instrument or output that makes it untestable today, else None.
    """

    id: str
    claim: str
    source: str
    metric: str
    direction: str
    terms: tuple[tuple[float, str, str], ...] = ()
    tail: str | None = None
    needs: str | None = None


HYPOTHESES: tuple[Hypothesis, ...] = (
    Hypothesis("bullwhip_upstream", "Order variance amplifies upstream",
               "Lee, Padmanabhan & Whang 1997; Forrester 1961",
               "bullwhip_tier0 - bullwhip_tier2 (raw tier minus tier below assembly)", "+",
               ((1, "default", "bullwhip_tier0"), (-1, "default", "bullwhip_tier2"))),
    Hypothesis("loss_convex_duration",
               "Losses grow faster than linearly with shock duration",
               "Hallegatte 2008; Colon et al. 2021",
               "resilience_loss(6 wk) - 2 x resilience_loss(3 wk) [ticks]", "+",
               ((1, "duration6_step", "resilience_loss"),
                (-2, "duration3_step", "resilience_loss"))),
    Hypothesis("loss_convex_damage",
               "Losses grow faster than linearly with direct damage",
               "Hallegatte 2008; Colon et al. 2021",
               "resilience_loss(80%) - 2 x resilience_loss(40%) [ticks]", "+",
               ((1, "duration6_step", "resilience_loss"),
                (-2, "magnitude04_step", "resilience_loss"))),
    Hypothesis("inventories_reduce_losses", "Inventories reduce indirect losses",
               "Otto et al. 2017", "resilience_loss(2 wk stock) - (0.5 wk) [ticks]", "-",
               ((1, "default", "resilience_loss"), (-1, "safety_stock_0.5", "resilience_loss"))),
    Hypothesis("concentration_loses_more", "Concentrated networks lose more",
               "Henriet, Hallegatte & Tabourier 2012",
               "resilience_loss(concentration 2) - (1) [ticks]", "+",
               ((1, "concentration_2", "resilience_loss"), (-1, "default", "resilience_loss"))),
    Hypothesis("indirect_exceed_direct", "Indirect losses exceed direct ones",
               "Hallegatte 2008; Inoue & Todo 2019",
               "loss_indirect - loss_direct, default disaster [value added, money]", "+",
               ((1, "default", "loss_indirect"), (-1, "default", "loss_direct"))),
    Hypothesis("single_failure_heavy_tail", "Single-firm failure losses are heavy-tailed",
               "Inoue & Todo 2019; Diem et al. 2022",
               "GPD shape xi of loss_total over single-firm failures, top half "
               "(0 = exponential; seeds = failures)", "+", tail="loss_total"),
    Hypothesis("digital_faster_recovery", "Digital maturity +1 s.d. -> faster recovery",
               "MODEL_SPEC §7 (seed figure 19%)",
               "recovery_time(+1 s.d.) - recovery_time(default) [weeks]", "-",
               ((1, "digital_plus_1sd", "recovery_time"), (-1, "default", "recovery_time"))),
    Hypothesis("backup_suppliers_resistance", "Backup suppliers -> resistance",
               "MODEL_SPEC §7", "resistance(2 suppliers) - (1 supplier) [0-1]", "+",
               ((1, "default", "resistance"), (-1, "suppliers_1", "resistance"))),
    Hypothesis("buffers_cost", "Buffers come at a cost",
               "MODEL_SPEC §7", "sme_mean_margin(2 wk stock) - (0.5 wk) [share]", "-",
               ((1, "default", "sme_mean_margin"), (-1, "safety_stock_0.5", "sme_mean_margin"))),
    Hypothesis("esg_stability", "ESG -> relationship stability",
               "MODEL_SPEC §7; seed 000",
               "relationship_stability high-ESG minus low-ESG firms [share/yr]", "+",
               ((1, "default", "relationship_stability_high_esg"),
                (-1, "default", "relationship_stability_low_esg"))),
    Hypothesis("esg_faster_recovery", "ESG -> faster recovery", "MODEL_SPEC §7",
               "recovery_time(ESG mean 0.7) - (0.45) [weeks]", "-",
               ((1, "esg_high", "recovery_time"), (-1, "default", "recovery_time"))),
    Hypothesis("unverified_greenwashing", "Unverified disclosure -> greenwashing",
               "MODEL_SPEC §7; seed 000",
               "greenwashing_rate(unverified weight 0.9) - (0.5) [share]", "+",
               ((1, "unverified_credible", "greenwashing_rate"),
                (-1, "default", "greenwashing_rate"))),
    Hypothesis("unverified_trust_erosion", "Unverified disclosure -> trust erosion",
               "MODEL_SPEC §7", "mean_trust(unverified weight 0.9) - (0.5) [0-1]", "-",
               ((1, "unverified_credible", "mean_trust"), (-1, "default", "mean_trust"))),
    Hypothesis("upgrading_value_added", "Structural upgrading -> more value added",
               "MODEL_SPEC §7; seed 001",
               "value_added_mean(upgrading on) - (off) [currency/tick]", "+",
               ((1, "default", "value_added_mean"), (-1, "upgrading_off", "value_added_mean"))),
    Hypothesis("upgrading_exposure", "Structural upgrading -> more exposure",
               "MODEL_SPEC §7; seed 001", "resilience_loss(upgrading on) - (off) [ticks]", "+",
               ((1, "default", "resilience_loss"), (-1, "upgrading_off", "resilience_loss"))),
    Hypothesis("platforms_adoption", "Platforms -> digital adoption",
               "MODEL_SPEC §7; seeds 002, 004",
               "digital_adoption_rate(50% members) - (15%) [share]", "+",
               ((1, "platform_members_high", "digital_adoption_rate"),
                (-1, "default", "digital_adoption_rate"))),
    Hypothesis("platforms_margin_squeeze", "Platforms -> SME margin squeeze",
               "MODEL_SPEC §7; seed 004", "sme_mean_margin(50% members) - (15%) [share]", "-",
               ((1, "platform_members_high", "sme_mean_margin"),
                (-1, "default", "sme_mean_margin"))),
    Hypothesis("chain_leader_upgrading", "The chain-leader system -> SME upgrading",
               "MODEL_SPEC §7; seed 001",
               "structural_upgrading(chain-leader system) - (baseline) [share]", "+",
               ((1, "chain_leader_system", "structural_upgrading"),
                (-1, "default", "structural_upgrading"))),
    Hypothesis("early_warning_losses", "Early warning and re-dispatch -> smaller losses",
               "MODEL_SPEC §7; seed 002",
               "resilience_loss(early warning + re-dispatch) - (no policy) [ticks]", "-",
               ((1, "early_warning_dispatch", "resilience_loss"),
                (-1, "default", "resilience_loss"))),
)
