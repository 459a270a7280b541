"""The behaviour mechanisms as processes: each owns its state, declares its random streams and
answers the per-tick hooks it needs.

Each is registered by name (``behaviour.esg``, ``behaviour.trust``, ...) and gets a World
bound to its own streams, so a mechanism can only draw from what it declared. The
``behaviour`` process (:mod:`abm.behaviour.layer`) builds them in a fixed order, folds each
hook through them in that order, and orders their decisions in the period step
(:mod:`abm.behaviour.period`); the quantities several of them share (the period's accounts
and spending, :mod:`abm.behaviour.accounts`) are their own small objects.

A mechanism that is switched off keeps its state (emissions and the reports read it) but
never changes it, and leaves its levers as the engine would have them.

Modules: :mod:`~.base` (the :class:`Mechanism` base), :mod:`~.signals` (ESG and trust),
:mod:`~.capabilities` (innovation, digital maturity, structural upgrading) and
:mod:`~.resources` (finance and investment). Importing this package registers them all.
"""

from abm.behaviour.mechanisms.base import Mechanism
from abm.behaviour.mechanisms.capabilities import (
    DigitalProcess,
    InnovationProcess,
    UpgradingProcess,
)
from abm.behaviour.mechanisms.resources import FinanceProcess, InvestmentProcess
from abm.behaviour.mechanisms.signals import EsgProcess, TrustProcess

__all__ = ["DigitalProcess", "EsgProcess", "FinanceProcess", "InnovationProcess",
           "InvestmentProcess", "Mechanism", "TrustProcess", "UpgradingProcess"]
