"""The engine's tick helpers, kept out of :mod:`abm.model` so that the model reads as the tick.

- :mod:`~abm.engine.fold`: pass neutral levers through the processes in their fixed order.
- :mod:`~abm.engine.apply`: write the folded levers into the engine's arrays (only the engine
  does).
- :mod:`~abm.engine.records`: the tick's row of the time series and the firm-level outcomes of
  the summary.
"""
