"""Contracts every plug-in imports: state, world view, levers, processes, registries, errors.

``abm.core`` imports nothing else from ``abm`` (checked by import-linter, see pyproject.toml),
so a mechanism, platform, programme or policy instrument depends on these contracts only.
"""
