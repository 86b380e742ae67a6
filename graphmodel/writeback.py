"""The Cypher detection writes back with, and that exports read the leads with, generated from the declaration.

Which labels a lead may be, which properties a run writes (`by="detect"`) and what each is written
from (`Prop.source`) are all read from graphmodel/schema.py: a label added to FLAGGED_IN's starts, or a
property added to what detection writes, reaches every statement here at once. The rows a statement
takes name their entity by ENTITY_ADDRESS.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphmodel.cypher import find_entity, key_of, type_of
from graphmodel.schema import CLUSTER, DECISION, NodeSchema, Prop, RelSchema, Statement, node, relationship

ENTITY_ADDRESS = ("type", "id")  # the fields of a row that name its entity: its entity type and key
HEADER = "// Generated from graphmodel/schema.py by `duanka docs`: edit the declaration, not this file."
WIDTH = 110  # where a SET list wraps


def entities_of(rel: RelSchema) -> tuple[NodeSchema, ...]:
    """The entities `rel` may start from (a lead may be a person, a SIM, an account, a device, …)."""
    starts = tuple(node(label) for label in rel.starts)
    untyped = [n.label for n in starts if n.entity_type is None]
    if untyped:
        raise ValueError(f"{rel.type} starts from {', '.join(untyped)}, which have no entity_type to address them by")
    return starts


def written(props: Iterable[Prop]) -> tuple[Prop, ...]:
    """The declared properties detection writes."""
    return tuple(p for p in props if p.by == "detect")


def value(p: Prop) -> str:
    """What a generated write sets `p` to: a parameter or constant, else a field of the row."""
    if p.source.startswith(("$", "'")):
        return p.source
    return f"row.{p.source or p.name}"


def row_fields(props: Iterable[Prop]) -> list[str]:
    """The fields of a row the assignments of `props` read, in order, each once."""
    fields = [value(p)[len("row.") :] for p in props if value(p).startswith("row.")]
    return list(dict.fromkeys(fields))


def _set(assignments: list[str]) -> str:
    """`SET a = x, b = y, …`, wrapped at WIDTH."""
    lines, line = [], "SET "
    for i, item in enumerate(assignments):
        piece = item + ("," if i < len(assignments) - 1 else "")
        if len(line) + len(piece) + 1 > WIDTH and line.strip() not in ("SET", ""):
            lines.append(line.rstrip())
            line = "    "
        line += piece + " "
    return "\n".join([*lines, line.rstrip()])


def _assign(var: str, props: Iterable[Prop]) -> list[str]:
    return [f"{var}.{p.name} = {value(p)}" for p in props]


def _entity(rel: RelSchema) -> list[str]:
    """Find each row's entity as `n`, by its address, among the labels `rel` may start from."""
    arms = find_entity("n", f"row.{ENTITY_ADDRESS[1]}", f"row.{ENTITY_ADDRESS[0]}", "  ", entities_of(rel))
    return ["CALL (row) {", arms.rstrip("\n"), "}"]


def _run(var: str = "r") -> str:
    run = node("Run")
    return f"MATCH ({var}:{run.label} {{{run.key}: $run_id}})"


def _parameters(fields: list[str], more: str = "") -> str:
    text = f"// Parameters: $run_id, $rows ({', '.join(fields)}){more}."
    if len(text) <= WIDTH:
        return text
    cut = text.rfind(", ", 0, WIDTH) + 1
    return text[:cut] + "\n//             " + text[cut:].lstrip()


def _scored(name: str, rel: RelSchema, comment: str, extra: list[str], more: str = "") -> Statement:
    """FLAGGED_IN or RANKED_IN: one per entity and run, with what the run thought of it then."""
    props = written(rel.props)
    fields = [*ENTITY_ADDRESS, *row_fields(props), *(["label"] if extra else [])]
    lines = [
        HEADER,
        comment,
        _parameters(fields, more),
        _run(),
        "UNWIND $rows AS row",
        *_entity(rel),
        f"MERGE (n)-[f:{rel.type}]->(r)",
        _set(_assign("f", props)),
        *extra,
    ]
    return Statement(name, "\n".join(lines), ("run_id", "rows"))


def write_leads(rel: RelSchema | None = None) -> Statement:
    """queries/detect/write_leads.cypher: a run's leads, each marked Suspect and with its role's label."""
    comment = (
        "// The leads of one detection run, each with the evidence it had then. One FLAGGED_IN per entity and run,\n"
        "// so `explain` can show an entity's scores over time. Each lead also gets the label Suspect and one for\n"
        "// its suspected role (SuspectedNumberDealer, …) for Neo4j Browser's colours: a suspicion, never a\n"
        "// determination."
    )
    labels = ["REMOVE n:$($role_labels)", "SET n:Suspect:$(row.label)"]
    return _scored(
        "write_leads",
        rel or relationship("FLAGGED_IN"),
        comment,
        labels,
        ", $role_labels (every role label, to move them)",
    )


def write_ranked(rel: RelSchema | None = None) -> Statement:
    """queries/detect/write_ranked.cypher: the entities with evidence below a run's lead line."""
    comment = (
        "// The entities with evidence below the lead line of one detection run: ranked and scored, never leads, so\n"
        "// an export's budget can list the best of them after the leads (tier 'ranked'), and a run with few or no\n"
        "// leads still hands case teams a ranking. No Suspect label: only a lead is a suspect."
    )
    return _scored("write_ranked", rel or relationship("RANKED_IN"), comment, [])


def write_members(rel: RelSchema | None = None) -> Statement:
    """queries/detect/write_members.cypher: each entity's membership of its cluster, and on the entity the
    latest run's suspicion."""
    rel = rel or relationship("MEMBER_OF")
    cluster = node(rel.end)
    entity = written(entities_of(rel)[0].props)
    if any(written(n.props) != entity for n in entities_of(rel)):
        raise ValueError(f"{rel.type}: the entities it starts from must declare the same suspicion properties")
    props = written(rel.props)
    lines = [
        HEADER,
        "// Membership of each entity in its cluster, with the role and score this run gave it. The entity itself",
        "// carries the latest run's suspicion (never a determination).",
        _parameters([*ENTITY_ADDRESS, "cluster_id", *row_fields((*props, *entity))]),
        "UNWIND $rows AS row",
        *_entity(rel),
        f"MATCH (c:{cluster.label} {{{cluster.key}: row.{cluster.key}}})",
        f"MERGE (n)-[m:{rel.type}]->(c)",
        _set(_assign("m", props) + _assign("n", entity)),
    ]
    return Statement("write_members", "\n".join(lines), ("run_id", "rows"))


def write_clusters(found_in: RelSchema | None = None) -> Statement:
    """queries/detect/write_clusters.cypher: a run's clusters, and when each was found."""
    found_in = found_in or relationship("FOUND_IN")
    props, found = written(CLUSTER.props), written(found_in.props)
    lines = [
        HEADER,
        "// Upsert the clusters a detection run found. A cluster that keeps most of the members of one the run",
        "// before found keeps its id (duanka/detect/lineage.py); a new one's id is a digest of its members and",
        "// the parameters keyed with the installation's secret (duanka/detect/writeback.py: keyed_cluster_ids).",
        f"// {found_in.type} keeps, per run, the rank, score and size the cluster had then.",
        _parameters([CLUSTER.key, *row_fields((*props, *found))]),
        _run(),
        "UNWIND $rows AS row",
        f"MERGE (c:{CLUSTER.label} {{{CLUSTER.key}: row.{CLUSTER.key}}})",
        _set(_assign("c", props)),
        f"MERGE (c)-[f:{found_in.type}]->(r)",
        _set(_assign("f", found)),
    ]
    return Statement("write_clusters", "\n".join(lines), ("run_id", "rows"))


def write_lineage(rel: RelSchema | None = None) -> Statement:
    """queries/detect/write_lineage.cypher: which clusters of the run before a run's clusters derive from."""
    rel = rel or relationship("DERIVED_FROM")
    key = next(p for p in rel.props if p.name == rel.key)
    props = tuple(p for p in written(rel.props) if p is not key)
    start, end = node(rel.start), node(rel.end)
    lines = [
        HEADER,
        "// Lineage between a run's clusters and the run before's: a cluster that the majority of another merged",
        "// into, or that a minority of another split off to (duanka/detect/lineage.py).",
        _parameters([start.key, "parent_id", *row_fields(props)]),
        "UNWIND $rows AS row",
        f"MATCH (c:{start.label} {{{start.key}: row.{start.key}}})",
        f"MATCH (p:{end.label} {{{end.key}: row.parent_id}})",
        f"MERGE (c)-[d:{rel.type} {{{key.name}: {value(key)}}}]->(p)",
        _set(_assign("d", props)),
    ]
    return Statement("write_lineage", "\n".join(lines), ("run_id", "rows"))


# What an export lists of each lead or ranked entity, beside its rank and address (a choice of the
# export's: the ordering keys and rule score stay in the graph); each must be declared on the relationship.
LISTED = ("role", "cluster_id", "score", "reasons", "reasons_zh")


def export_list(rel: RelSchema, comment: str, limit: bool = False) -> str:
    """An export's list of `rel` (FLAGGED_IN or RANKED_IN) for one run, in rank order, with the latest decision."""
    declared = {p.name for p in rel.props}
    missing = [name for name in (*LISTED, "rank", "status") if name not in declared]
    if missing:
        raise ValueError(f"{rel.type} declares no {', '.join(missing)}, which an export lists")
    entities = entities_of(rel)
    run, decision, about = node(rel.end), DECISION, relationship("ABOUT")
    listed = ", ".join(f"f.{name} AS {name}" for name in LISTED)
    lines = [
        HEADER,
        comment,
        f"// Parameters: $run_id{', $limit' if limit else ''}.",
        f"MATCH (n)-[f:{rel.type}]->(:{run.label} {{{run.key}: $run_id}})",
        *(["WITH n, f ORDER BY f.rank LIMIT $limit"] if limit else []),
        f"OPTIONAL MATCH (d:{decision.label})-[:{about.type}]->(n)",
        "WITH n, f, d ORDER BY d.at DESC",
        "WITH n, f, collect(d)[0] AS d",
        "RETURN f.rank AS rank,",
        f"       {type_of('n', entities)} AS entity_type,",
        f"       {key_of('n', entities)} AS entity_id,",
        f"       {listed},",
        "       coalesce(f.status, 'suspected') AS status, d.status AS decision, d.by AS decided_by,"
        " toString(d.at) AS decided_at",
        "ORDER BY rank",
    ]
    return "\n".join(lines)


def cypher_files() -> dict[str, str]:
    """queries/detect/write_*.cypher and queries/export/{leads,ranked}.cypher."""
    files = {
        f"detect/{s.name}.cypher": s.cypher + "\n"
        for s in (write_clusters(), write_lineage(), write_members(), write_leads(), write_ranked())
    }
    files["export/leads.cypher"] = (
        export_list(
            relationship("FLAGGED_IN"),
            "// Every lead of one detection run, in rank order, with the latest investigator decision.",
        )
        + "\n"
    )
    files["export/ranked.cypher"] = (
        export_list(
            relationship("RANKED_IN"),
            "// The best entities below one detection run's lead line (RANKED_IN), in rank order, with the latest\n"
            "// investigator decision: what an export's budget lists after the leads (tier 'ranked').",
            limit=True,
        )
        + "\n"
    )
    return files
