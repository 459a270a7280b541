"""Firm behaviour (docs/odd_firm_behaviour.md): one module per mechanism.

* :mod:`abm.behaviour.esg` - ESG signal transmission, audits and greenwashing;
* :mod:`abm.behaviour.trust` - per-link trust and the supplier-choice rule;
* :mod:`abm.behaviour.finance` - resource empowerment: credit and trade credit;
* :mod:`abm.behaviour.innovation` - R&D, spill-overs, technology and prices;
* :mod:`abm.behaviour.digital` - digital maturity and its effects;
* :mod:`abm.behaviour.upgrading` - structural upgrading (new inputs, new links);
* :mod:`abm.behaviour.investment` - the period budget and its split;

:mod:`abm.behaviour.layer` is the process the engine calls (registered as ``behaviour``),
:mod:`abm.behaviour.period` the order of the period's decisions and
:mod:`abm.behaviour.metrics` the outputs.
"""

from abm.behaviour.layer import MECHANISMS, BehaviourLayer

__all__ = ["MECHANISMS", "BehaviourLayer"]
