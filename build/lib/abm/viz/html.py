"""Small HTML tables for values that change every tick.

Solara's Markdown builds a new browser widget (and re-runs its math and diagram loaders) for
every change of text, so per-tick tables are sent as plain, escaped HTML instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

#: Style of the ``ecosim-table`` class, added once to the page.
TABLE_CSS = """
.ecosim-table { border-collapse: collapse; font-size: 0.85rem; width: 100%; }
.ecosim-table th, .ecosim-table td { padding: 2px 8px; border-bottom: 1px solid #e0e0e0;
  text-align: right; }
.ecosim-table th:first-child, .ecosim-table td:first-child { text-align: left; }
.ecosim-note { font-size: 0.85rem; font-style: italic; margin: 4px 0; }
.ecosim-legend { font-size: 0.8rem; text-align: center; margin: 4px 0 2px; }
.ecosim-legend span { margin: 0 8px; white-space: nowrap; }
.ecosim-legend b { font-size: 1.1rem; }
"""


def table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """An HTML table of text cells (escaped), with an optional header row.

    Args:
        rows: the cells, row by row.
        header: column titles, or None for a table without a header.

    Returns:
        The markup, styled by :data:`TABLE_CSS`.
    """
    head = ("<tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>"
            if header else "")
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table class="ecosim-table">{head}{body}</table>'


def note(text: str) -> str:
    """A short italic paragraph (escaped).

    Args:
        text: the text.

    Returns:
        The markup.
    """
    return f'<p class="ecosim-note">{escape(text)}</p>'


def legend(entries: Sequence[tuple[str, str, str]]) -> str:
    """A one-line legend: a coloured symbol and a label per entry (labels escaped).

    Args:
        entries: (symbol, CSS colour, label) triples, e.g. ``("●", "#4f7cac", "normal")``.

    Returns:
        The markup, styled by :data:`TABLE_CSS`.
    """
    items = "".join(f'<span><b style="color:{escape(colour)}">{escape(symbol)}</b> '
                    f"{escape(label)}</span>" for symbol, colour, label in entries)
    return f'<div class="ecosim-legend">{items}</div>'
