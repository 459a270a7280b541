"""Errors every layer may raise."""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value or input file that the model cannot use.

    The message is one paragraph naming the key (or file and row) and what is allowed.
    """
