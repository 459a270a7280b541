"""Firm and link attributes from the firm-behaviour layer that the views can show.

Each candidate names where the engine keeps an array (a dotted path from the model; a method at
the end of the path is called). A candidate is offered only when its array exists with one
value per firm or per link, so the ESG, trust, digital and technology options appear or vanish
with the engine's behaviour layer (``EcosystemModel(behaviour=False)`` has none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from abm.model import EcosystemModel


@dataclass(frozen=True)
class Attribute:
    """One array the views can colour by or list.

    Attributes:
        label: the name shown on the page.
        path: where the model keeps it, e.g. ``behaviour.esg.state.rating``.
        per_link: True for one value per link (shown per firm as the share-weighted mean over
            its suppliers), False for one value per firm.
        categories: names of the integer codes of a categorical attribute.
        column: heading of a per-link value in a table of links (default: the label).
    """

    label: str
    path: str
    per_link: bool = False
    categories: tuple[str, ...] | None = None
    column: str | None = None


CANDIDATES: tuple[Attribute, ...] = (
    Attribute("ESG score (true)", "behaviour.esg.state.composite"),
    Attribute("ESG rating (seen by buyers)", "behaviour.esg.state.rating"),
    Attribute("greenwashing gap", "behaviour.esg.state.gap"),
    Attribute("ESG strategy", "behaviour.esg.state.strategy",
              categories=("neither", "improve", "greenwash")),
    Attribute("trust in suppliers", "behaviour.trust.state.trust", per_link=True,
              column="buyer's trust"),
    Attribute("digital maturity", "behaviour.digital.state.maturity"),
    Attribute("digital adopter", "behaviour.digital.state.adopted", categories=("no", "yes")),
    Attribute("technology (log level)", "behaviour.innovation.state.log_tech"),
)


def _lookup(model: EcosystemModel, path: str) -> np.ndarray | None:
    """The array at ``path``, or None if any part of it is missing.

    Args:
        model: the model.
        path: dotted attribute path from the model; a method at its end is called.

    Returns:
        The array, or None.
    """
    value: object = model
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    if callable(value):
        value = value()
    return value if isinstance(value, np.ndarray) else None


def raw_values(model: EcosystemModel, attribute: Attribute) -> np.ndarray | None:
    """The attribute's array (per firm or per link), or None when the model lacks it.

    Args:
        model: the model.
        attribute: a candidate.

    Returns:
        The numeric array of the right length, or None.
    """
    values = _lookup(model, attribute.path)
    size = model.links.n if attribute.per_link else model.firms.n
    if values is None or values.shape != (size,) or values.dtype.kind not in "biuf":
        return None
    return values


def available(model: EcosystemModel) -> list[Attribute]:
    """The candidates this model has.

    Args:
        model: the model.

    Returns:
        The available attributes, in the order of :data:`CANDIDATES`.
    """
    return [a for a in CANDIDATES if raw_values(model, a) is not None]


def firm_values(model: EcosystemModel, attribute: Attribute) -> np.ndarray:
    """One value per firm (for a link attribute: the share-weighted mean over live suppliers;
    NaN for a firm without any).

    Args:
        model: the model.
        attribute: one of :func:`available`.

    Returns:
        Float values per firm.
    """
    values = raw_values(model, attribute)
    assert values is not None, f"{attribute.label} is not available"
    if not attribute.per_link:
        return values.astype(float)
    firms, links = model.firms, model.links
    live = links.active & firms.alive[links.supplier]
    weight = np.bincount(links.buyer[live], links.share[live], firms.n)
    total = np.bincount(links.buyer[live], links.share[live] * values[live], firms.n)
    return np.divide(total, weight, out=np.full(firms.n, np.nan), where=weight > 0)
