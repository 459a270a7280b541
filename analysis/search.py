"""The report of an Optuna policy search: best trials, optimisation history, cost vs gain."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # reports are written headless
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis.report import write_page
from experiments.policy_search import best_trials, load_trials

Figure = tuple[Path, str]


def history_figure(trials: pd.DataFrame, out: Path) -> Figure | None:
    """Objective per trial and the best so far."""
    done = trials[trials["state"] == "complete"]
    if done.empty:
        return None
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.scatter(done["trial"], done["objective"], s=18, alpha=0.7, label="trial")
    best = done.set_index("trial")["objective"].cummax()
    ax.step(best.index, best.to_numpy(), where="post", color="k", lw=1.3, label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel("loss avoided per million spent [ticks / 1e6 currency]")
    ax.set_title("Policy search: optimisation history")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "search_history.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, ("Objective (mean resilience loss avoided over the seeds divided by mean budget "
                  "spent, in millions) of each complete trial, and the best value found so far; "
                  "failed, undefined and pruned trials are in the table, not the figure.")


def cost_gain_figure(trials: pd.DataFrame, out: Path) -> Figure | None:
    """Loss avoided (with its 95% CI) vs budget spent per trial, coloured by the mix."""
    done = trials[trials["state"] == "complete"]
    if done.empty:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    sns.scatterplot(data=done, x="spent", y="loss_avoided", hue="policy", ax=ax, s=30)
    ax.errorbar(done["spent"], done["loss_avoided"],
                yerr=[done["loss_avoided"] - done["loss_avoided_ci_low"],
                      done["loss_avoided_ci_high"] - done["loss_avoided"]],
                fmt="none", ecolor="grey", alpha=0.5, lw=0.8)
    ax.axhline(0, color="grey", ls=":", lw=1)
    ax.set_xlabel("budget spent over the run [currency units, mean over seeds]")
    ax.set_ylabel("resilience loss avoided [ticks, mean over seeds]")
    ax.set_title("Policy search: gain vs cost per trial")
    ax.legend(fontsize=6, title="instrument mix", title_fontsize=7)
    fig.tight_layout()
    path = out / "search_cost_gain.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, ("Each complete trial's mean resilience loss avoided against the baseline on "
                  "the same seeds (bars: bootstrap 95% CI over seeds) vs its mean spending; "
                  "the objective is the slope from the origin.")


def search_section(root: Path | str, out: Path) -> list[str]:
    """HTML parts of the search report (figures saved into ``out``)."""
    trials = load_trials(root)
    trials.to_csv(out / "trials.csv", index=False)
    states = trials["state"].value_counts().to_dict()
    parts = [f"<h2>Policy search (Optuna, seeded TPE)</h2><p>{len(trials)} trials: "
             + ", ".join(f"{n} {html.escape(str(s))}" for s, n in states.items()) + ".</p>"]
    top = best_trials(trials)
    if len(top):
        parts.append("<h3>Best trials</h3>" + top.drop(columns=["overrides"]).to_html(
            index=False, float_format="{:.4g}".format))
    for figure, title in ((history_figure(trials, out), "Optimisation history"),
                          (cost_gain_figure(trials, out), "Gain vs cost")):
        if figure is not None:
            path, caption = figure
            parts.append(f"<h3>{title}</h3><figure><img src='{path.name}' "
                         f"style='max-width:100%'><figcaption>{html.escape(caption)}"
                         "</figcaption></figure>")
    parts.append("<h3>All trials</h3>" + trials.drop(columns=["overrides"]).to_html(
        index=False, float_format="{:.4g}".format))
    return parts


def write_search_report(root: Path | str, title: str) -> Path:
    """Write ``report/report.html`` of a policy search directory."""
    out = Path(root) / "report"
    out.mkdir(exist_ok=True)
    parts = [f"<h1>{html.escape(title)}</h1>", *search_section(root, out)]
    return write_page(out / "report.html", title, parts)
