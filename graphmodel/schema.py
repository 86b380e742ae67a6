"""Every label, key, property and relationship type of duanka's graph.

Declared as data, in the manner of lyft/cartography: the loader's Cypher, the
constraints and indexes, and docs/graph-model.md are all generated from these
tuples, so a change here is a change everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graphmodel.roles import CONFIRMED as CONFIRMED  # re-exported: labels of the graph's vocabulary
from graphmodel.roles import ROLES
from graphmodel.roles import SUSPECT as SUSPECT

PropKind = Literal["string", "int", "float", "bool", "datetime", "date"]
MergeRule = Literal["replace", "min", "max"]


@dataclass(frozen=True)
class Prop:
    name: str
    kind: PropKind = "string"
    doc: str = ""
    merge: MergeRule = "replace"  # how a second observation combines with the first
    indexed: bool = False


@dataclass(frozen=True)
class NodeSchema:
    label: str
    key: str
    doc: str
    props: tuple[Prop, ...] = ()
    entity_type: str | None = None  # the name leads and truth files use for it
    analysis: bool = False  # written by duanka's own steps, never loaded from an extract

    def has(self, name: str) -> bool:
        return any(p.name == name for p in self.props)


@dataclass(frozen=True)
class RelSchema:
    type: str
    start: str  # label
    end: str  # label
    doc: str
    props: tuple[Prop, ...] = ()
    key: str | None = None  # a property that tells parallel relationships apart
    key_unique: bool = False  # the key is unique across the whole graph, not just per pair
    stub_end: bool = False  # the end may be named only here: create it as a stub
    stub_start: bool = False
    analysis: bool = False  # written by duanka's own steps (detection, casework), never by ingest

    @property
    def name(self) -> str:
        return f"({self.start})-[:{self.type}]->({self.end})"


SEEN = (
    Prop("first_seen", "datetime", "earliest observation", merge="min"),
    Prop("last_seen", "datetime", "latest observation", merge="max"),
)

PERSON = NodeSchema(
    "Person",
    "person_id",
    "A real-name holder of cards and accounts.",
    (
        Prop("id_number", doc="resident identity number, GB 11643", indexed=True),
        Prop("name", doc="personal data, masked in exports"),
        Prop("birth_date", "date"),
        Prop("region_code"),
    ),
    entity_type="person",
)
SIM = NodeSchema(
    "Sim",
    "msisdn",
    "A mobile number; with a card record when it came from `sims`.",
    (
        Prop("carrier", doc="CMCC, CUCC, CTCC, CBN or an MVNO brand"),
        Prop("is_virtual", "bool", "virtual-operator (MVNO) card"),
        Prop("iccid"),
        Prop("imsi", indexed=True),
        Prop("activated_at", "datetime"),
        Prop("status", doc="active, suspended or cancelled"),
        Prop("on_record", "bool", "true when the number has a card record in an extract"),
    ),
    entity_type="sim",
)
ACCOUNT = NodeSchema(
    "Account",
    "account_id",
    "A bank card or payment account.",
    (
        Prop("account_kind", doc="debit_card, credit_card, corporate or wallet"),
        Prop("bank"),
        Prop("opened_at", "datetime"),
        Prop("status", doc="active, frozen or closed"),
        Prop("on_record", "bool", "true when the account has a record in an extract"),
    ),
    entity_type="account",
)
DEVICE = NodeSchema(
    "Device",
    "device_id",
    "A handset, SIM box or modem: an IMEI or another fingerprint.",
    (Prop("device_kind", doc="phone, sim_box, modem or unknown"), Prop("model")),
    entity_type="device",
)
OUTLET = NodeSchema(
    "Outlet",
    "outlet_id",
    "A SIM sales outlet, agent or bank branch.",
    (Prop("outlet_kind", doc="sim_outlet or bank_branch"), Prop("name"), Prop("region_code")),
    entity_type="outlet",
)
REPORT = NodeSchema(
    "Report",
    "report_id",
    "A victim report or confirmed fraud label.",
    (
        Prop("reported_at", "datetime"),
        Prop("fraud_type", indexed=True),
        Prop("amount_lost", "float", "yuan"),
        Prop("region_code"),
    ),
)
RUN = NodeSchema(
    "Run",
    "run_id",
    "One pipeline step's execution: its parameters, version and timings.",
    (
        Prop("kind", doc="ingest, detect or export", indexed=True),
        Prop("started_at", "datetime"),
        Prop("finished_at", "datetime"),
        Prop("version", doc="duanka version"),
        Prop("status"),
    ),
    analysis=True,
)
CLUSTER = NodeSchema(
    "Cluster",
    "cluster_id",
    "A suspected supply-chain cluster found by one detection run.",
    (
        Prop("run_id", indexed=True),
        Prop("score", "float", "suspicion in [0, 1]: a model's output, never a determination"),
        Prop("rank", "int"),
    ),
    analysis=True,
)

DECISION = NodeSchema(
    "Decision",
    "decision_id",
    "An investigator's recorded decision on one entity: the only source of 'confirmed'.",
    (
        Prop("status", doc="confirmed, dismissed or under_review", indexed=True),
        Prop("by", doc="the investigator who decided"),
        Prop("at", "datetime"),
        Prop("note", doc="the written grounds"),
        Prop("run_id", doc="the detection run whose lead was decided"),
        Prop("score", "float", "the suspicion score the decision refers to"),
        Prop("reported", "bool", "whether the entity was named in a victim report when decided"),
    ),
    analysis=True,
)

# Extra labels a detection run puts on its leads so Neo4j Browser can colour them by suspected role
# (MATCH (n:SuspectedNumberDealer) also works); the next run moves them. A suspicion, not a finding:
# only an investigator's decision adds CONFIRMED. Declared with the roles (graphmodel/roles.py).
SUSPECT_LABELS: dict[str, str] = {r.key: r.label for r in ROLES}

NODES: tuple[NodeSchema, ...] = (PERSON, SIM, ACCOUNT, DEVICE, OUTLET, REPORT, RUN, CLUSTER, DECISION)

RELATIONSHIPS: tuple[RelSchema, ...] = (
    RelSchema("HOLDS_SIM", "Person", "Sim", "The person is the real-name holder of the card."),
    RelSchema("HOLDS_ACCOUNT", "Person", "Account", "The person holds the account."),
    RelSchema(
        "ACTIVATED_AT",
        "Sim",
        "Outlet",
        "The card was activated at this outlet.",
        (Prop("activated_at", "datetime"),),
        stub_end=True,
    ),
    RelSchema(
        "OPENED_AT",
        "Account",
        "Outlet",
        "The account was opened at this branch or agent.",
        (Prop("opened_at", "datetime"),),
        stub_end=True,
    ),
    RelSchema(
        "BOUND_TO",
        "Account",
        "Sim",
        "The number reserved with the bank (预留手机号).",
        stub_end=True,
    ),
    RelSchema(
        "SEEN_IN",
        "Sim",
        "Device",
        "The SIM was seen in the device.",
        (*SEEN, Prop("days_seen", "int", "distinct days observed (largest report kept)", merge="max")),
        stub_end=True,
    ),
    RelSchema("USED_FROM", "Account", "Device", "The account was used from the device.", SEEN, stub_end=True),
    RelSchema(
        "TRANSFER",
        "Account",
        "Account",
        "A movement of funds.",
        (Prop("transfer_id"), Prop("amount", "float", "yuan"), Prop("ts", "datetime")),
        key="transfer_id",
        key_unique=True,
        stub_start=True,
        stub_end=True,
    ),
    RelSchema(
        "CALLED",
        "Sim",
        "Sim",
        "Calls or messages from one number to another, per kind.",
        (
            Prop("kind", doc="voice or sms"),
            Prop("count", "int"),
            Prop("total_duration_s", "int"),
            Prop("first_ts", "datetime", merge="min"),
            Prop("last_ts", "datetime", merge="max"),
        ),
        key="kind",
        stub_start=True,
        stub_end=True,
    ),
    RelSchema("REPORTS_SIM", "Report", "Sim", "The victim was contacted from this number.", stub_end=True),
    RelSchema("REPORTS_ACCOUNT", "Report", "Account", "The victim paid into this account.", stub_end=True),
    RelSchema(
        "MEMBER_OF",
        "Person",
        "Cluster",
        "Membership of a detected cluster (also from Sim, Account, Device).",
        (Prop("role"), Prop("score", "float"), Prop("run_id")),
        analysis=True,
    ),
    RelSchema("FOUND_IN", "Cluster", "Run", "The detection run that found the cluster.", analysis=True),
    RelSchema(
        "FLAGGED_IN",
        "Person",
        "Run",
        "A lead of a detection run, with the evidence then (also from Sim, Account, Device).",
        (
            Prop("rank", "int"),
            Prop("score", "float"),
            Prop("role"),
            Prop("cluster_id"),
            Prop("reasons"),
            Prop("reasons_zh"),
        ),
        analysis=True,
    ),
    RelSchema(
        "ABOUT", "Decision", "Person", "The entity a decision is about (also Sim, Account, Device).", analysis=True
    ),
)


def node(label: str) -> NodeSchema:
    return next(n for n in NODES if n.label == label)


def relationship(rel_type: str) -> RelSchema:
    return next(r for r in RELATIONSHIPS if r.type == rel_type)


def entity_label(entity_type: str) -> NodeSchema:
    return next(n for n in NODES if n.entity_type == entity_type)


@dataclass(frozen=True)
class Statement:
    """A generated Cypher statement with the name it is filed under in queries/."""

    name: str
    cypher: str
    params: tuple[str, ...] = field(default=())
