"""Suspected roles and lead statuses, each declared once.

Scoring, drawings, the report, the Browser style, casework and the exports all
read these tuples: a role's key (as truth.csv and leads.csv write it), its
Chinese and English names, its colour, and the extra label a lead carries in
Neo4j so the Browser can colour it. A status says what an investigator
decided; the score never sets one.
"""

from __future__ import annotations

from dataclasses import dataclass

SUSPECT = "Suspect"  # every lead carries it; the role's own label says which suspicion
CONFIRMED = "Confirmed"  # only an investigator's decision adds it


@dataclass(frozen=True)
class Role:
    key: str
    zh: str  # the leads contract's role_label
    en: str
    colour: str  # drawings, report legend and Browser style alike
    label: str  # the Neo4j label a lead of this role carries


ROLES: tuple[Role, ...] = (
    Role("number_dealer", "号商", "number dealer", "#B2182B", "SuspectedNumberDealer"),
    Role("card_collector", "卡头", "card collector", "#EF8A62", "SuspectedCardCollector"),
    Role("card_farmer", "卡农", "card farmer", "#F4A582", "SuspectedCardFarmer"),
    Role("device_farm", "猫池设备", "SIM box / device farm", "#762A83", "SuspectedDeviceFarm"),
    Role("fraud_sim", "涉诈号码", "fraud SIM", "#2166AC", "SuspectedFraudSim"),
    Role("mule_account", "跑分账户", "mule account", "#1B7837", "SuspectedMuleAccount"),
    Role("shell_enterprise", "空壳企业", "shell enterprise", "#8C510A", "SuspectedShellEnterprise"),
    Role("fraud_port", "涉诈短信端口", "fraud SMS port", "#4393C3", "SuspectedFraudPort"),
    Role("fraud_middle_number", "涉诈中间号", "fraud middle number", "#35978F", "SuspectedFraudMiddleNumber"),
    Role("unknown", "待定", "unknown role", "#999999", SUSPECT),
)
# Not a lead's role: what drawings call everything around a cluster that is not suspected.
OTHER = Role("benign", "其他", "other", "#D9D9D9", "")
ROLE: dict[str, Role] = {r.key: r for r in (*ROLES, OTHER)}
UNKNOWN = ROLE["unknown"]  # a lead whose own evidence is too weak to say which part it plays


def role(key: str | None) -> Role:
    """The declared role, `unknown` for anything else."""
    return ROLE.get(key or UNKNOWN.key, UNKNOWN)


@dataclass(frozen=True)
class Status:
    key: str
    zh: str
    decided: bool  # recorded by an investigator (`duanka decide`); `suspected` is where every lead starts

    @property
    def shown(self) -> str:
        """As lead lists print it: the key and its Chinese meaning."""
        return f"{self.key} {self.zh}"


STATUSES: tuple[Status, ...] = (
    Status("suspected", "疑似（未经核实）", decided=False),
    Status("under_review", "核查中", decided=True),
    Status("confirmed", "已由侦查员确认", decided=True),
    Status("dismissed", "已排除", decided=True),
)
STATUS: dict[str, Status] = {s.key: s for s in STATUSES}
DECISIONS: tuple[str, ...] = tuple(s.key for s in STATUSES if s.decided)
