"""Firm inspector: one firm's attributes, suppliers and customers as Markdown tables."""

from __future__ import annotations

import numpy as np

from abm.model import EcosystemModel
from abm.network.spec import TIER_NAMES
from abm.viz.attributes import available, firm_values, raw_values
from abm.viz.html import note, table
from abm.viz.network import DISRUPTED, RECOVERING, STATE_NAMES, firm_states

MAX_ROWS = 12  # suppliers or customers listed per firm (largest shares first)


def _number(value: float) -> str:
    """A compact number: thousands separators, three significant decimals for small values."""
    if not np.isfinite(value):
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def firm_attributes(model: EcosystemModel, index: int) -> list[tuple[str, str]]:
    """The firm's identity, state and stocks as (label, value) rows.

    Args:
        model: the model.
        index: the firm's row.

    Returns:
        Rows in display order; the behaviour layer's attributes (ESG, digital, technology, mean
        trust in suppliers) follow when the model has them.
    """
    firms, agent = model.firms, model.firm_at(index)
    slots = np.flatnonzero(firms.input_coef[index] > 0)
    inputs = ", ".join(f"p{s}: {_number(firms.input_inventory[index, s])}" for s in slots)
    platform = int(firms.platform[index])
    rows = [
        ("Firm", f"{agent.name} (#{index}, {type(agent).__name__})"),
        ("State", STATE_NAMES[int(firm_states(model)[index])]),
        ("Tier / chain / product", f"{TIER_NAMES[int(firms.tier[index])].replace('_', ' ')} / "
                                   f"{int(firms.chain[index])} / {int(firms.product[index])}"),
        ("Region / segment", f"{int(firms.region[index])} / "
                             f"{'technology' if firms.technology_intensive[index] else 'labour'}"),
        ("Platform", "none" if platform < 0 else str(platform)),
        ("Entered at tick", str(int(firms.entered_at[index]))),
        ("Output this tick / normal", f"{_number(firms.produced[index])} / "
                                      f"{_number(firms.normal_output[index])}"),
        ("Capacity × availability", f"{_number(firms.capacity[index])} × "
                                    f"{firms.availability[index]:.2f}"),
        ("Finished goods", _number(firms.finished_goods[index])),
        ("Input inventory", inputs or "— (raw material)"),
        ("Cash", _number(firms.cash[index])),
    ]
    rows += [(attribute.label, _attribute_text(attribute.categories,
                                               firm_values(model, attribute)[index]))
             for attribute in available(model)]
    return rows


def _attribute_text(categories: tuple[str, ...] | None, value: float) -> str:
    """A category name, or the value with three decimals (a dash for NaN)."""
    if not np.isfinite(value):
        return "—"
    return categories[int(value)] if categories else f"{value:.3f}"


def _status(model: EcosystemModel, link: int, other: int) -> str:
    """What is going on with a link: exited partner, supplier search, blocked, or ok."""
    links = model.links
    if not model.firms.alive[other]:
        return "exited"
    if links.search_timer[link] >= 0:
        return f"searching ({int(links.search_timer[link])} ticks left)"
    if links.flow_availability[link] < 1.0:
        return "blocked"
    return "ok"


def link_table(model: EcosystemModel, index: int, as_buyer: bool) -> str:
    """An HTML table of the firm's suppliers (``as_buyer``) or customers.

    Args:
        model: the model.
        index: the firm's row.
        as_buyer: True for its suppliers, False for its business customers.

    Returns:
        The table, largest order shares first, at most MAX_ROWS rows plus a count of the rest.
    """
    links = model.links
    side, far = (links.buyer, links.supplier) if as_buyer else (links.supplier, links.buyer)
    rows = np.flatnonzero((side == index) & links.active)
    if not len(rows):
        return note("None: raw material comes from outside the model." if as_buyer
                    else "None: it sells to final markets.")
    rows = rows[np.argsort(-links.share[rows], kind="stable")]
    extra = [(a.column or a.label, raw_values(model, a)) for a in available(model) if a.per_link]
    header = ["supplier" if as_buyer else "customer", "region", "product", "order share",
              "backlog", "fill rate", "status", *(label for label, _ in extra)]
    cells = []
    for link in rows[:MAX_ROWS]:
        other = int(far[link])
        cells.append([f"{model.firm_at(other).name} (#{other})",
                      str(int(model.firms.region[other])), f"p{int(links.slot[link])}",
                      f"{links.share[link]:.2f}", _number(float(links.backlog[link])),
                      f"{links.fill_rate[link]:.2f}", _status(model, int(link), other),
                      *(f"{float(values[link]):.2f}" for _, values in extra)])
    more = note(f"… and {len(rows) - MAX_ROWS} more") if len(rows) > MAX_ROWS else ""
    return table(cells, header) + more


def most_affected(model: EcosystemModel) -> int | None:
    """The disrupted or recovering firm with the largest normal output.

    Args:
        model: the model.

    Returns:
        Its row, or None when no firm is disrupted or recovering.
    """
    states = firm_states(model)
    candidates = np.flatnonzero((states == DISRUPTED) | (states == RECOVERING))
    if not len(candidates):
        return None
    return int(candidates[np.argmax(model.firms.normal_output[candidates])])
