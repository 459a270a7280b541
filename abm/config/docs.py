"""Generate the parameter tables of the ODD documents from the schema's declarations.

``python -m abm.config.docs --write`` rewrites every block between
``<!-- BEGIN GENERATED PARAMETERS: <section> -->`` and ``<!-- END GENERATED PARAMETERS -->``
in ``docs/ODD.md`` and ``docs/odd_firm_behaviour.md``; ``--check`` exits 1 if any block is
stale (``tests/test_config_docs.py`` runs it). Shock kinds and policy instruments are listed
from their registries.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

from abm.config.fields import Spec, spec_of, walk
from abm.config.schema import ShockConfig, SimulationConfig
from abm.core.registry import INSTRUMENTS, SHOCK_KINDS, load_plugins

DOCS = ("docs/ODD.md", "docs/odd_firm_behaviour.md")
BLOCK = re.compile(r"(<!-- BEGIN GENERATED PARAMETERS: (?P<section>[\w.<>]+) -->\n)"
                   r"(?P<body>.*?)(<!-- END GENERATED PARAMETERS -->)", re.S)
TOP_LEVEL = ("seed", "ticks", "twin")


def _default(field: dataclasses.Field) -> str:
    value = field.default_factory() if callable(field.default_factory) else field.default
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _allowed(spec: Spec) -> str:
    if spec.choices:
        return ", ".join(f"`{c}`" for c in spec.choices)
    low = "" if spec.low is None else f"{spec.low:g}"
    high = "" if spec.high is None else f"{spec.high:g}"
    bounds = f"[{low or '−∞'}, {high or '∞'}]" if low or high else "finite"
    return f"{spec.length} × {bounds}" if spec.length else bounds


def _rows(cls: type, prefix: str) -> list[str]:
    rows = []
    for key, field, _ in walk(cls):
        spec = spec_of(field)
        if spec is None:
            continue
        rows.append(f"| `{prefix}{key}` | {_default(field)} | {_allowed(spec)} | {spec.unit} | "
                    f"{spec.meaning} | {spec.source} |")
    return rows


def table(section: str) -> str:
    """The markdown table of one section (``top``, ``network``, ``behaviour.esg``, ...)."""
    load_plugins()
    head = ["| key | default | allowed | unit | meaning | source |", "|---|---|---|---|---|---|"]
    if section == "top":
        rows = [r for r in _rows(SimulationConfig, "") if r.split("`")[1] in TOP_LEVEL]
    elif section == "scenario.shocks.<name>":
        rows = _rows(ShockConfig, "")
        rows.append("")
        rows.append("Shock kinds (registered in `abm.shocks.kinds`): " + "; ".join(
            f"`{name}` ({SHOCK_KINDS[name].meaning})" for name in SHOCK_KINDS) + ".")
    elif section == "behaviour":
        rows = [r for r in _rows(SimulationConfig, "") if r.startswith("| `behaviour.")
                and r.split("`")[1].count(".") == 1]
    else:
        node: object = SimulationConfig()
        for part in section.split("."):
            node = getattr(node, part)
        rows = _rows(type(node), section + ".")
        if section == "policy":
            for name in INSTRUMENTS:  # each instrument's own parameters
                rows += _rows(INSTRUMENTS[name].params_type, f"policy.instruments.{name}.")
            rows.append("")
            rows.append("Policy instruments (registered in `abm.core.registry.INSTRUMENTS`): "
                        + (", ".join(f"`{n}`" for n in INSTRUMENTS) or "none yet") + ".")
    return "\n".join(head + rows) + "\n"


def render(text: str) -> str:
    """``text`` with every generated block rewritten."""
    return BLOCK.sub(lambda m: m.group(1) + table(m.group("section")) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    """Write (``--write``) or check (``--check``) the generated tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--root", default=".", help="repository root")
    args = parser.parse_args(argv)
    stale = []
    for name in DOCS:
        path = Path(args.root) / name
        text = path.read_text()
        new = render(text)
        if new != text:
            stale.append(name)
            if args.write:
                path.write_text(new)
    if stale and not args.write:
        print("stale parameter tables in " + ", ".join(stale)
              + "; run `python -m abm.config.docs --write`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
