"""The supply chain's tiers, upstream first: where a drawing puts each entity of a cluster.

A drawing reads a cluster left to right as the trade runs: the number dealer (号商) buys from
collectors (卡头), who gather what card farmers (卡农) open in their names — cards and accounts —
which then run in SIM boxes and handsets (猫池). An entity sits in the first tier that declares its
entity type and, where the tier names roles, its suspected role: persons are split by role, a
handset stays with the devices whatever role it plays (its colour says which). A new entity type
slots in by naming it here, beside what it works with (an SMS port beside the cards, an enterprise
beside the farmer who fronts it); one named nowhere is drawn in the OTHER tier, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    key: str
    zh: str
    en: str
    entity_types: tuple[str, ...]  # as lead lists and drawings name them (NodeSchema.entity_type)
    roles: tuple[str, ...] = ()  # only entities suspected of these roles; empty: any role

    def holds(self, entity_type: str, role_key: str | None) -> bool:
        """Whether an entity of this type and suspected role is drawn in this tier."""
        return entity_type in self.entity_types and (not self.roles or role_key in self.roles)


TIERS: tuple[Tier, ...] = (
    Tier("dealer", "号商", "number dealers", ("person",), ("number_dealer",)),
    Tier("collector", "卡头", "card collectors", ("person",), ("card_collector",)),
    Tier("farmer", "卡农 / 持卡人", "card farmers and holders", ("person",)),
    Tier("enterprise", "企业", "enterprises they front", ("enterprise",)),
    Tier("card", "卡与账户", "cards, accounts, ports and middle numbers", ("sim", "account", "port", "middle_number")),
    Tier("device", "猫池与设备", "SIM boxes and handsets", ("device",)),
)
OTHER_TIER = Tier("other", "其他", "other", ())
# Drawn as a count on the entity they name, not as nodes of their own: a victim report names a card or account.
FOLDED: tuple[str, ...] = ("report",)


def tier_of(entity_type: str, role_key: str | None) -> Tier:
    """The first declared tier holding it, OTHER_TIER for an entity type no tier declares."""
    return next((t for t in TIERS if t.holds(entity_type, role_key)), OTHER_TIER)
