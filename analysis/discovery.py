"""Scenario discovery: which parameter ranges make a metric fail, as boxes with coverage/density.

A shallow classification tree (scikit-learn) splits the swept parameters; every leaf is a box
(a conjunction of ranges). For a leaf predicted "fail": coverage = failures inside the box / all
failures, density = failures inside / runs inside (the PRIM vocabulary, Bryant & Lempert 2010).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def failure_labels(table: pd.DataFrame, rule: Mapping[str, object]) -> tuple[pd.Series, str]:
    """Boolean failure per run and a description, from ``{metric, fail_above}`` /
    ``{metric, fail_below}`` (thresholds) or ``fail_above_quantile`` / ``fail_below_quantile``
    (quantiles over the sweep)."""
    metric = str(rule["metric"])
    values = pd.to_numeric(table[metric], errors="coerce")
    if "fail_above" in rule:
        return values > float(rule["fail_above"]), f"{metric} > {rule['fail_above']}"  # type: ignore[arg-type]
    if "fail_below" in rule:
        return values < float(rule["fail_below"]), f"{metric} < {rule['fail_below']}"  # type: ignore[arg-type]
    if "fail_below_quantile" in rule:
        cut = float(values.quantile(float(rule["fail_below_quantile"])))  # type: ignore[arg-type]
        return values < cut, f"{metric} < {cut:.4g}"
    cut = float(values.quantile(float(rule.get("fail_above_quantile", 0.75))))  # type: ignore[arg-type]
    return values > cut, f"{metric} > {cut:.4g}"


def _features(table: pd.DataFrame, params: Sequence[str]) -> pd.DataFrame:
    """Numeric parameter columns as they are; categorical ones one-hot."""
    numeric = {p: pd.to_numeric(table[p], errors="coerce") for p in params}
    frame = pd.DataFrame({p: v for p, v in numeric.items() if v.notna().all()})
    cats = [p for p in params if p not in frame]
    if cats:
        frame = pd.concat([frame, pd.get_dummies(table[cats].astype(str), prefix_sep="=")
                           .astype(float)], axis=1)
    return frame.loc[:, frame.nunique() > 1]


def _simplify(conditions: list[str]) -> list[str]:
    """Drop ``key != a`` where the same box says ``key == b`` (implied by it)."""
    equal = {c.split(" == ")[0] for c in conditions if " == " in c}
    return [c for c in conditions if not (" != " in c and c.split(" != ")[0] in equal)]


def _collapse(structure: object) -> np.ndarray:
    """Nodes that end a box: leaves, and splits whose two sides predict the same class."""
    left, right = structure.children_left, structure.children_right  # type: ignore[attr-defined]
    predicted = structure.value[:, 0, :].argmax(axis=1)  # type: ignore[attr-defined]
    terminal = np.zeros(len(left), dtype=bool)
    uniform = predicted.copy()

    def visit(node: int) -> bool:
        if left[node] < 0:
            terminal[node] = True
            return True
        done_l, done_r = visit(left[node]), visit(right[node])
        if done_l and done_r and uniform[left[node]] == uniform[right[node]]:
            terminal[node], uniform[node] = True, uniform[left[node]]
            return True
        return False

    visit(0)
    return terminal


def discover(table: pd.DataFrame, params: Sequence[str], rule: Mapping[str, object],
             max_depth: int = 3) -> tuple[pd.DataFrame, str]:
    """Failure boxes of a sweep.

    Args:
        table: ok runs with parameter columns and the metric.
        params: swept parameters to explain failures with.
        rule: see :func:`failure_labels`.
        max_depth: tree depth (boxes of at most this many conditions).

    Returns:
        (boxes with conditions, n_runs, n_fail, coverage, density; description of failure).
    """
    from sklearn.tree import DecisionTreeClassifier

    fail, description = failure_labels(table, rule)
    features = _features(table, params)
    if features.empty or fail.nunique() < 2:
        return pd.DataFrame(), description
    leaf_size = max(2, len(table) // 20)
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=leaf_size,
                                  random_state=0).fit(features.to_numpy(), fail.to_numpy())
    structure = tree.tree_
    terminal = _collapse(structure)
    # each run's box: the first node on its path that is terminal after collapsing
    paths = tree.decision_path(features.to_numpy()).tocsr()
    leaves = np.array([next(n for n in paths.indices[paths.indptr[i]:paths.indptr[i + 1]]
                            if terminal[n]) for i in range(len(features))])
    conditions: dict[int, list[str]] = {0: []}
    for node in range(structure.node_count):
        left, right = structure.children_left[node], structure.children_right[node]
        if left < 0:
            continue
        name, cut = features.columns[structure.feature[node]], structure.threshold[node]
        if "=" in name:  # one-hot: left branch is "not this category"
            key, value = name.split("=", 1)
            conditions[left] = [*conditions[node], f"{key} != {value}"]
            conditions[right] = [*conditions[node], f"{key} == {value}"]
        else:
            conditions[left] = [*conditions[node], f"{name} <= {cut:.4g}"]
            conditions[right] = [*conditions[node], f"{name} > {cut:.4g}"]
    total_fail = int(fail.sum())
    rows = []
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        n_fail = int(fail.to_numpy()[inside].sum())
        rows.append({"box": " and ".join(_simplify(conditions[leaf])) or "(everything)",
                     "n_runs": int(inside.sum()), "n_fail": n_fail,
                     "coverage": n_fail / total_fail, "density": n_fail / int(inside.sum())})
    boxes = pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False)
    return boxes.reset_index(drop=True), description
