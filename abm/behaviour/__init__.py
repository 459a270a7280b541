"""Firm behaviour (docs/odd_firm_behaviour.md): one module per mechanism.

* :mod:`abm.behaviour.esg` - ESG signal transmission, audits and greenwashing;
* :mod:`abm.behaviour.trust` - per-link trust and the supplier-choice rule;
* :mod:`abm.behaviour.finance` - resource empowerment: credit and trade credit;
* :mod:`abm.behaviour.innovation` - R&D, spill-overs, technology and prices;
* :mod:`abm.behaviour.digital` - digital maturity and its effects;
* :mod:`abm.behaviour.upgrading` - structural upgrading (new inputs, new links);
* :mod:`abm.behaviour.investment` - the period budget and its split;

:mod:`abm.behaviour.mechanisms` makes each of them a process that owns its state and streams
(registered as ``behaviour.esg``, ``behaviour.trust``, ...); :mod:`abm.behaviour.layer` is
the ``behaviour`` process the engine calls, which composes them; :mod:`abm.behaviour.period`
orders their decisions in the period step, which plans on a draft of the engine state
(:mod:`abm.behaviour.draft`) returned to the engine as plan levers;
:mod:`abm.behaviour.accounts` holds the period accounts and spending they share and
:mod:`abm.behaviour.metrics` the outputs.
"""

from abm.behaviour.layer import MECHANISMS, BehaviourLayer

__all__ = ["MECHANISMS", "BehaviourLayer"]
