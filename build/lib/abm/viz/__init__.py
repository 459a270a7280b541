"""Visualisation: static run plots and the browser app (``launch()`` serves it)."""

from abm.viz.launch import launch

__all__ = ["launch"]
