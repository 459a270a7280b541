"""Platform regulation: caps on the platforms' commission and full-managed price-setting
(spec §4; seeds 002, 004).

Seed 002 describes cross-border platforms whose full-managed mode sets the supplier's price
and leaves suppliers thin margins; seed 004 asks the state to keep platform rules fair to
SMEs. The regulator can cap two things, each ``None`` for no cap:

* ``commission_cap``: the highest take per unit of list price of any platform sale: the
  marketplace commission (on exports and on sales between members) and the implied take of a
  full-managed purchase (``managed share x gross margin``).
* ``managed_share_cap``: in full-managed mode, the highest share of the supplier's gross
  margin the platform may keep when it sets the purchase price (the bargaining power
  ``platforms.managed_bargaining_power`` is cut to it).

The caps reach the acting platforms through :class:`~abm.core.levers.PlatformLevers` every
tick; members' fees, the platforms' revenue and the membership decisions all follow them.
Enforcement costs the budget nothing (a rule, not a payment). The instrument needs acting
platforms: with ``platforms.acting=false`` the platforms only collect a fixed export
commission and the configuration is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from abm.config.fields import param
from abm.core.errors import ConfigError
from abm.core.levers import PlatformLevers
from abm.core.process import World
from abm.core.registry import INSTRUMENTS
from abm.policies import Instrument


@INSTRUMENTS.register("platform_regulation")
class PlatformRegulation(Instrument):
    """Caps the platforms' take (see the module docstring)."""

    name = "platform_regulation"

    @dataclass
    class Params:
        """Platform regulation parameters."""

        commission_cap: float | None = param(0.03, low=0.0, high=1.0, unit="share",
            meaning="highest platform take per unit of list price (commission, and the "
                    "implied full-managed take); null: no cap",
            source="assumption (seed 004: fair platform rules); default below the 5% "
                   "commission")
        managed_share_cap: float | None = param(None, low=0.0, high=1.0, unit="share",
            meaning="full-managed: highest share of the supplier's gross margin the platform "
                    "keeps by setting the price; null: no cap",
            source="seed 002 (full-managed price-setting)")

    params_type = Params

    @classmethod
    def check_config(cls, config: Any, params: Any) -> None:
        """Refuse the instrument without acting platforms (nothing to regulate)."""
        if not config.platforms.acting:
            raise ConfigError(
                "Invalid configuration: `policy.instruments.platform_regulation` needs "
                "`platforms.acting=true` (got false). Passive platforms only collect a fixed "
                "export commission, so caps on the commission and on full-managed "
                "price-setting would do nothing; set platforms.acting=true or drop the "
                "instrument.")

    def platform_rules(self, world: World, levers: PlatformLevers) -> PlatformLevers:
        """This tick's caps (the tighter of these and any earlier instrument's)."""
        return levers.with_caps(self.params.commission_cap, self.params.managed_share_cap)
