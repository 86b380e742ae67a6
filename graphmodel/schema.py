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
Writer = Literal["ingest", "detect", "casework", "pipeline", "audit"]  # the step that writes a property


@dataclass(frozen=True)
class Prop:
    name: str
    kind: PropKind = "string"
    doc: str = ""
    merge: MergeRule = "replace"  # how a second observation combines with the first
    indexed: bool = False
    by: Writer = "ingest"
    # What a step's generated write sets it to (graphmodel/writeback.py): the field of its rows named
    # here (by default the property's own name), `$run_id` (the run's id) or a quoted constant.
    source: str = ""


@dataclass(frozen=True)
class NodeSchema:
    label: str
    key: str
    doc: str
    props: tuple[Prop, ...] = ()
    entity_type: str | None = None  # the name leads and truth files use for it
    analysis: bool = False  # written by duanka's own steps, never loaded from an extract

    def has(self, name: str) -> bool:
        """Whether the label declares property `name`."""
        return any(p.name == name for p in self.props)

    def names(self) -> set[str]:
        """Every property a node of this label may carry."""
        return {self.key, *(p.name for p in self.props), *(() if self.analysis else (LOAD_ID.name,))}


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
    also_from: tuple[str, ...] = ()  # further start labels (a lead may be a person, a SIM, an account, a device)
    also_to: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The pattern as Cypher writes it, every start and end label included."""
        return f"({'|'.join(self.starts)})-[:{self.type}]->({'|'.join(self.ends)})"

    def names(self) -> set[str]:
        """Every property a relationship of this type may carry."""
        return {p.name for p in self.props} | (set() if self.analysis else {LOAD_ID.name})

    @property
    def starts(self) -> tuple[str, ...]:
        """Every label a relationship of this type may start from."""
        return (self.start, *self.also_from)

    @property
    def ends(self) -> tuple[str, ...]:
        """Every label a relationship of this type may end at."""
        return (self.end, *self.also_to)


# On every loaded node and relationship; indexed on each loaded label and relationship type, so an
# incremental detection run seeks what the loads since the run before wrote instead of scanning the graph.
LOAD_ID = Prop("load_id", doc="the ingest run that last wrote it", indexed=True)
# What the latest detection run thought of a scored entity: a suspicion, never a determination.
SUSPICION = (
    Prop("suspicion_score", "float", "the latest run's score in [0, 1]", by="detect", source="score"),
    Prop("suspected_role", doc="the latest run's suspected role", by="detect", source="role"),
    Prop("suspicion_run", doc="the run that scored it", by="detect", source="$run_id"),
    Prop("suspicion_reasons", doc="that run's reasons, in English", by="detect", source="reasons"),
    # What an investigator last decided about it (the Decision nodes keep every decision).
    Prop("decision_status", doc="confirmed, dismissed or under_review", by="casework"),
    Prop("decision_by", by="casework"),
    Prop("decision_at", "datetime", by="casework"),
)

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
        *SUSPICION,
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
        *SUSPICION,
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
        *SUSPICION,
    ),
    entity_type="account",
)
DEVICE = NodeSchema(
    "Device",
    "device_id",
    "A handset, SIM box or modem: an IMEI or another fingerprint.",
    (Prop("device_kind", doc="phone, sim_box, modem or unknown"), Prop("model"), *SUSPICION),
    entity_type="device",
)
OUTLET = NodeSchema(
    "Outlet",
    "outlet_id",
    "A SIM sales outlet, agent or bank branch.",
    (Prop("outlet_kind", doc="sim_outlet or bank_branch"), Prop("name"), Prop("region_code")),
    entity_type="outlet",
)
ENTERPRISE = NodeSchema(
    "Enterprise",
    "enterprise_id",
    "A company that leases SMS ports or middle numbers, or resells them (an agent or service provider).",
    (
        Prop("credit_code", doc="unified social credit code, GB 32100", indexed=True),
        Prop("name", doc="a company's name; masked in exports where it names a person"),
        Prop("registered_at", "datetime"),
        Prop("region_code"),
        *SUSPICION,
    ),
    entity_type="enterprise",
)
PORT = NodeSchema(
    "Port",
    "port_code",
    "An SMS port (短信端口): the `106…` sending code recipients see.",
    (
        Prop("opened_at", "datetime"),
        Prop("status", doc="active, suspended or cancelled"),
        *SUSPICION,
    ),
    entity_type="port",
)
MIDDLE_NUMBER = NodeSchema(
    "MiddleNumber",
    "middle_number",
    "A privacy middle number (中间号): the number the other party sees instead of the real one.",
    tuple(SUSPICION),
    entity_type="middle_number",
)
# What detection scores and lead lists name: holders, cards, accounts, devices, and the black market's other
# resources (enterprises, SMS ports, middle numbers).
SCORED: tuple[NodeSchema, ...] = (PERSON, SIM, ACCOUNT, DEVICE, ENTERPRISE, PORT, MIDDLE_NUMBER)
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


def _run(name: str, kind: PropKind = "string", doc: str = "") -> Prop:
    return Prop(name, kind, doc, by="pipeline")


RUN = NodeSchema(
    "Run",
    "run_id",
    "One pipeline step's execution: its parameters, version, figures and timings.",
    (
        _run("kind", doc="ingest, detect or export"),
        _run("status", doc="writing, completed or failed"),
        _run("version", doc="duanka version"),
        _run("started_at", doc="ISO 8601 text, as the step's manifest has it"),
        _run("finished_at", doc="ISO 8601 text"),
        # ingest
        _run("source", doc="the extract's folder"),
        _run("source_sha256", doc="digest of the extract's files and mapping"),
        _run("files_json", doc="per file: rows read, loaded, quarantined"),
        _run("rows_read", "int"),
        _run("rows_quarantined", "int"),
        _run("loading", doc="the path the rows took: bulk import (an empty local database) or bolt"),
        _run("tokens_json", doc="columns read as pseudonymised tokens (file.column) and their tokens' shape"),
        # detect
        _run("model_version", doc="the scoring model's version (duanka/detect/model.py)"),
        _run("calibration", doc="the worlds its score calibration was fitted on, or none"),
        _run("learned", doc="the learned ranking blended into its scores (`duanka train`), or none"),
        _run("engine", doc="community detection engine"),
        _run("executor", doc="where the heavy steps ran: local (this process) or dask (shards on a Dask cluster)"),
        _run("read_from", doc="where it read the graph's rows: store (the analysis store) or neo4j, and why"),
        _run("loads_read", doc="the loads (ingest run ids) the graph held and the run read, comma-separated"),
        _run("shards", "int", "parts of whole components a distributed run scored apart"),
        _run("workers", "int", "the Dask workers a distributed run had"),
        _run("resolution", "float"),
        _run("seed", "int"),
        _run("min_score", "float", "the lead threshold"),
        _run("evidence_json", doc="relationships of each evidence kind the graph held"),
        _run("scope", doc="full, or incremental: only the components new rows touched were re-scored"),
        _run("scope_why", doc="why that scope: what the rows since the run before touched, or why a full run"),
        _run("built_on", doc="an incremental run's previous run, whose other results it kept"),
        _run("rescored", "int", "entities an incremental run re-scored"),
        _run("keeps_increments", "bool", "it wrote what the next incremental run builds on"),
        _run("money_suspects_json", doc="accounts the first pass suspected: the money signal of the next increment"),
        _run("co_callers_json", doc="busy callers' shared-target partners: what the next increment compares"),
        _run("nodes", "int", "nodes of the community graph read (an incremental run: its region's)"),
        _run("edges", "int"),
        _run("clusters", "int"),
        _run("leads", "int"),
        _run("ranked", "int", "entities with evidence ranked below the lead line"),
        _run("well_evidenced", "int", "entities with two kinds of evidence of their own"),
        *(
            _run(f"with_evidence_{kind}", "int", f"{kind}s with evidence of their own, scored")
            for kind in (str(n.entity_type) for n in SCORED)
        ),
        *(
            _run(f"seconds_{step}", "float")
            for step in ("projection", "reading", "region", "communities", "facts", "scoring", "shards", "write_back")
        ),
        # export
        _run("detect_run", doc="the detection run exported"),
        _run("masked", "bool"),
        _run("out", doc="where the files went"),
        _run("by", doc="who exported"),
    ),
    analysis=True,
)
CLUSTER = NodeSchema(
    "Cluster",
    "cluster_id",
    "A suspected supply-chain cluster found by a detection run: a suspicion, never a determination.",
    (
        Prop("run_id", doc="the latest run that found it", indexed=True, by="detect", source="$run_id"),
        Prop("score", "float", "suspicion in [0, 1]: a model's output, never a determination", by="detect"),
        Prop("rank", "int", by="detect"),
        *(
            Prop(kind, "int", f"{kind} among its members", by="detect")
            for kind in ("persons", "sims", "accounts", "devices")
        ),
        Prop("reports", "int", "members named in victim reports", by="detect"),
        Prop("top_reasons", doc="its strongest members' reasons", by="detect"),
        Prop("status", doc="suspected: only decisions on members confirm anything", by="detect", source="'suspected'"),
    ),
    analysis=True,
)

DECISION = NodeSchema(
    "Decision",
    "decision_id",
    "An investigator's recorded decision on one entity: the only source of 'confirmed'.",
    (
        Prop("status", doc="confirmed, dismissed or under_review", indexed=True, by="casework"),
        Prop("by", doc="the investigator who decided", by="casework"),
        Prop("at", "datetime", by="casework"),
        Prop("note", doc="the written grounds", by="casework"),
        Prop("run_id", doc="the detection run whose lead was decided", by="casework"),
        Prop("score", "float", "the suspicion score the decision refers to", by="casework"),
        Prop("reported", "bool", "whether the entity was named in a victim report when decided", by="casework"),
        Prop("recorded_at", "datetime", "when duanka recorded a decision brought from an outcomes file", by="casework"),
        Prop("batch", doc="the run (`duanka decide --file`) that recorded it from an outcomes file", by="casework"),
        Prop("line", "int", "its line in that outcomes file", by="casework"),
        Prop(
            "outcome_key",
            doc="entity, outcome and decided time: an outcomes file's decision is on record once",
            indexed=True,
            by="casework",
        ),
    ),
    analysis=True,
)

AUDIT_HEAD = NodeSchema(
    "AuditHead",
    "log",
    "Where an audit log's chain stood at its latest append: its length and last MAC, kept apart from the log so"
    " that cutting or rebuilding the log shows.",
    (
        Prop("entries", "int", "entries in the log at that append (only ever grows)", by="audit"),
        Prop("head", doc="the HMAC of its last entry", by="audit"),
        Prop("at", "datetime", "when the database recorded it (the server's clock)", by="audit"),
    ),
    analysis=True,
)

# Extra labels a detection run puts on its leads so Neo4j Browser can colour them by suspected role
# (MATCH (n:SuspectedNumberDealer) also works); the next run moves them. A suspicion, not a finding:
# only an investigator's decision adds CONFIRMED. Declared with the roles (graphmodel/roles.py).
SUSPECT_LABELS: dict[str, str] = {r.key: r.label for r in ROLES}

NODES: tuple[NodeSchema, ...] = (
    PERSON,
    SIM,
    ACCOUNT,
    DEVICE,
    OUTLET,
    ENTERPRISE,
    PORT,
    MIDDLE_NUMBER,
    REPORT,
    RUN,
    CLUSTER,
    DECISION,
    AUDIT_HEAD,
)
KEYED: tuple[NodeSchema, ...] = tuple(n for n in NODES if not n.analysis)  # what an extract names by its key

_MERGE_ORDER = (  # what an incremental run needs to put kept results and re-scored ones in one order
    Prop("priority", "float", "the lead order's key: rule score, spread within a cluster", by="detect"),
    Prop("kinds", "int", "kinds of evidence of its own", by="detect"),
)
# What a detection run records of each entity it scores, lead or ranked below the lead line.
_SCORED_PROPS = (
    Prop("rank", "int", by="detect"),
    Prop("score", "float", "calibrated where a calibration exists, a learned ranking blended in", by="detect"),
    Prop("rule_score", "float", "the model's rule score before calibration", by="detect"),
    Prop("role", by="detect"),
    Prop("cluster_id", by="detect"),
    Prop("reasons", by="detect"),
    Prop("reasons_zh", by="detect"),
)
_SCORED_TOO = tuple(n.label for n in SCORED if n is not PERSON)  # beside Person: the other entities detection scores
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
    RelSchema(
        "LEGAL_PERSON_OF",
        "Person",
        "Enterprise",
        "The person is the enterprise's legal representative (法定代表人).",
    ),
    RelSchema(
        "LEASED_BY",
        "Port",
        "Enterprise",
        "The enterprise the SMS port is leased to.",
        stub_end=True,
    ),
    RelSchema(
        "RESOLD_BY",
        "Port",
        "Enterprise",
        "The reseller or service provider that leased the SMS port out.",
        stub_end=True,
    ),
    RelSchema(
        "SENT_TO",
        "Port",
        "Sim",
        "Texts from an SMS port to a number, per kind (a port's texts arrive among the calls).",
        (
            Prop("kind", doc="sms (or voice, where a source says so)"),
            Prop("count", "int"),
            Prop("total_duration_s", "int"),
            Prop("first_ts", "datetime", merge="min"),
            Prop("last_ts", "datetime", merge="max"),
        ),
        key="kind",
        stub_start=True,
        stub_end=True,
    ),
    RelSchema(
        "BINDS",
        "MiddleNumber",
        "Sim",
        "The middle number is (or was) bound to this real number: calls through it reach or come from it.",
        (
            Prop("first_bound", "datetime", "earliest binding", merge="min"),
            Prop("last_bound", "datetime", "latest binding", merge="max"),
            Prop("last_unbound", "datetime", "latest end of a binding", merge="max"),
            Prop("longest_minutes", "float", "the longest binding's life in minutes", merge="max"),
            Prop("other_msisdn", doc="the fixed counterpart of a pair (AXB) binding"),
        ),
        stub_start=True,
        stub_end=True,
    ),
    RelSchema(
        "HELD_BY",
        "MiddleNumber",
        "Enterprise",
        "The platform or enterprise customer the middle number's bindings belong to.",
        (Prop("first_bound", "datetime", "earliest binding", merge="min"),),
        stub_start=True,
        stub_end=True,
    ),
    RelSchema(
        "DIALS_AS",
        "MiddleNumber",
        "Sim",
        "The middle number as a phone number: the calls through it, and the victim reports naming it, are"
        " that number's.",
        (Prop("first_bound", "datetime", "earliest binding", merge="min"),),
        stub_start=True,
        stub_end=True,
    ),
    RelSchema("REPORTS_SIM", "Report", "Sim", "The victim was contacted from this number.", stub_end=True),
    RelSchema("REPORTS_PORT", "Report", "Port", "The victim was texted from this SMS port.", stub_end=True),
    RelSchema("REPORTS_ACCOUNT", "Report", "Account", "The victim paid into this account.", stub_end=True),
    RelSchema(
        "MEMBER_OF",
        "Person",
        "Cluster",
        "Membership of a detected cluster, with the role and score the run gave the member.",
        (
            Prop("run_id", by="detect", source="$run_id"),
            Prop("role", by="detect"),
            Prop("score", "float", by="detect"),
            Prop("rule_score", "float", "the model's rule score before calibration", by="detect"),
            Prop("rank", "int", "the member's place in the run's lead order", by="detect"),
            Prop("reasons", by="detect"),
            Prop("reasons_zh", by="detect"),
            Prop("status", doc="suspected, or an investigator's status", by="detect"),
            *_MERGE_ORDER,
        ),
        analysis=True,
        also_from=_SCORED_TOO,
    ),
    RelSchema(
        "FOUND_IN",
        "Cluster",
        "Run",
        "The detection run that found the cluster, with its rank, score and size then.",
        (
            Prop("rank", "int", by="detect"),
            Prop("score", "float", by="detect"),
            Prop("members", "int", "its members in that run", by="detect"),
        ),
        analysis=True,
    ),
    RelSchema(
        "DERIVED_FROM",
        "Cluster",
        "Cluster",
        "Lineage: a cluster that another of the run before merged into, or split off from (ids stay with"
        " the cluster holding most of the members).",
        (
            Prop("run_id", doc="the run that recorded it", by="detect", source="$run_id"),
            Prop("kind", doc="merge or split", by="detect"),
            Prop("shared", "int", "members the two have in common", by="detect"),
        ),
        key="run_id",
        analysis=True,
    ),
    RelSchema(
        "FLAGGED_IN",
        "Person",
        "Run",
        "A lead of a detection run, with the evidence then.",
        (
            *_SCORED_PROPS,
            Prop("status", doc="the lead's status when flagged (an investigator's, or suspected)", by="detect"),
            *_MERGE_ORDER,
        ),
        analysis=True,
        also_from=_SCORED_TOO,
    ),
    RelSchema(
        "RANKED_IN",
        "Person",
        "Run",
        "An entity with evidence below a detection run's lead line: ranked and scored, never a lead (an export's"
        " --budget lists the best of them after the leads, tier 'ranked').",
        (
            *_SCORED_PROPS,
            Prop("status", doc="the entity's status then (an investigator's, or suspected)", by="detect"),
            *_MERGE_ORDER,
        ),
        analysis=True,
        also_from=_SCORED_TOO,
    ),
    RelSchema("ABOUT", "Decision", "Person", "The entity a decision is about.", analysis=True, also_to=_SCORED_TOO),
)
LOADED_RELATIONSHIPS: tuple[RelSchema, ...] = tuple(r for r in RELATIONSHIPS if not r.analysis)  # what an extract holds


def node(label: str) -> NodeSchema:
    """The declared node of `label`."""
    return next(n for n in NODES if n.label == label)


def relationship(rel_type: str) -> RelSchema:
    """The declared relationship of `rel_type`."""
    return next(r for r in RELATIONSHIPS if r.type == rel_type)


@dataclass(frozen=True)
class Statement:
    """A generated Cypher statement with the name it is filed under in queries/."""

    name: str
    cypher: str
    params: tuple[str, ...] = field(default=())
