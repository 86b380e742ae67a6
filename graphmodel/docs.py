"""docs/graph-model.md, its picture, and the Cypher files in queries/, all from the declaration."""

from __future__ import annotations

from pathlib import Path

from graphmodel.cypher import constraints, loaders, present, with_generated_fragments
from graphmodel.schema import NODES, RELATIONSHIPS
from graphmodel.sql import states
from graphmodel.writeback import cypher_files as written_back

LABEL_COLOURS = {  # one colour per label, in the model picture and the Browser style
    "Person": "#4C78A8",
    "Sim": "#F58518",
    "Account": "#54A24B",
    "Device": "#E45756",
    "Outlet": "#72B7B2",
    "Enterprise": "#8E6C8A",
    "Port": "#2F4B7C",
    "MiddleNumber": "#D4A017",
    "Report": "#B279A2",
    "Run": "#9D755D",
    "Cluster": "#EECA3B",
    "Decision": "#333333",
    "AuditHead": "#79706E",
}
# Fixed places so the picture does not move between regenerations.
LAYOUT = {
    "Outlet": (0.0, 2.2),
    "Sim": (1.6, 2.0),
    "Device": (3.2, 2.0),
    "Person": (0.0, 0.9),
    "Account": (1.6, 0.0),
    "Report": (3.2, 0.0),
    "Cluster": (0.0, -0.6),
    "Run": (1.6, -0.9),
    "Decision": (3.2, -0.9),
    "AuditHead": (3.2, 1.0),
    "Port": (4.4, 1.0),
    "Enterprise": (4.4, 3.0),
    "MiddleNumber": (2.4, 3.2),
}


def markdown() -> str:
    """docs/graph-model.md."""
    lines = [
        "# The graph model",
        "",
        "Generated from `graphmodel/schema.py` by `duanka docs`; edit the declaration, not this page.",
        "",
        "![graph model](graph-model.png)",
        "",
        "## Nodes",
        "",
        "| label | key (unique) | properties | what it is |",
        "|---|---|---|---|",
    ]
    for n in NODES:
        props = ", ".join(f"`{p.name}` ({p.kind}{'' if p.by == 'ingest' else ', ' + p.by})" for p in n.props)
        lines.append(f"| `{n.label}` | `{n.key}` | {props} | {n.doc} |")
    lines += ["", "## Relationships", "", "| pattern | properties | merge rule | what it says |", "|---|---|---|---|"]
    for r in RELATIONSHIPS:
        props = ", ".join(f"`{p.name}`" for p in r.props) or "—"
        rules = ", ".join(f"`{p.name}`: {p.merge}" for p in r.props if p.merge != "replace") or "latest value"
        key = f"; one per `{r.key}`" if r.key else ""
        origin = " (written by duanka: detection or casework)" if r.analysis else ""
        lines.append(f"| `{r.name}` | {props} | {rules}{key} | {r.doc}{origin} |")
    lines += [
        "",
        "## Conventions",
        "",
        "- Times are Neo4j `DateTime` values at +08:00 (Asia/Shanghai); a source time without offset is local time.",
        "- `on_record = true` marks a number or account described by an extract; a node named only by a link",
        "  (another operator's number, a counterparty account, a device seen only in a link) has no `on_record`.",
        "- `load_id` names the ingest run that last wrote a node or relationship; it is indexed on every loaded",
        "  label and relationship type, so an incremental detection run seeks what the day's loads wrote.",
        "- A property marked `detect`, `casework`, `pipeline` or `audit` is written by that step, never loaded from an extract.",
        "- Scores are suspicions, never determinations; a confirmation only comes from an investigator's recorded decision.",
        "",
        "## Constraints and indexes",
        "",
        "```cypher",
        *[c.cypher + ";" for c in constraints()],
        "```",
        "",
    ]
    return "\n".join(lines)


def draw(path: Path) -> None:
    """docs/graph-model.png: labels as circles in fixed places, relationship types as arrows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12.5, 8.5), dpi=110)
    for r in RELATIONSHIPS:
        (x1, y1), (x2, y2) = LAYOUT[r.start], LAYOUT[r.end]
        if r.start == r.end:  # a small loop above the node, named beside it where an edge comes from above
            ax.annotate(
                "",
                xy=(x1 + 0.1, y1 + 0.17),
                xytext=(x1 - 0.1, y1 + 0.17),
                arrowprops={"arrowstyle": "-|>", "connectionstyle": "arc3,rad=-1.8", "color": "#555"},
            )
            from_above = any(o.end == r.start and LAYOUT[o.start][1] > y1 and o.start != o.end for o in RELATIONSHIPS)
            ax.text(
                x1 + 0.05 if from_above else x1,
                y1 + 0.36 if from_above else y1 + 0.42,
                r.type,
                fontsize=8,
                ha="left" if from_above else "center",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#ccc"},
            )
            continue
        ax.annotate(
            "",
            xy=(x2, y2),
            xytext=(x1, y1),
            arrowprops={"arrowstyle": "-|>", "color": "#555", "shrinkA": 24, "shrinkB": 24, "mutation_scale": 16},
        )
        ax.text(
            x1 + (x2 - x1) * 0.4,
            y1 + (y2 - y1) * 0.4,
            r.type,
            fontsize=8,
            ha="center",
            va="center",
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#ccc"},
        )
    for n in NODES:
        x, y = LAYOUT[n.label]
        ax.scatter([x], [y], s=2600, color=LABEL_COLOURS[n.label], zorder=3)
        size = 9 if len(n.label) <= 8 else 7  # a longer label still fits its circle
        ax.text(x, y, n.label, color="white", fontweight="bold", ha="center", va="center", zorder=4, fontsize=size)
        ax.text(x, y - 0.24, n.key, color="#333", ha="center", va="center", fontsize=8, style="italic", zorder=4)
    ax.set_xlim(-0.6, 5.0)
    ax.set_ylim(-1.2, 3.6)
    ax.set_title(
        "duanka graph model (generated from graphmodel/schema.py; MEMBER_OF, FLAGGED_IN and ABOUT also reach Sim, Account, Device)"
    )
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def cypher_files() -> dict[str, str]:
    """queries/load/*.cypher and queries/schema/constraints.cypher: what ingest runs, readable;
    queries/store/state_*.sql and nodes_*.sql: how the analysis store's rows fold into the graph's state; and what
    detection writes back and exports read its leads with (graphmodel/writeback.py)."""
    files = {f"load/{s.name}.cypher": s.cypher + "\n" for s in [*loaders(), present()]}
    files |= {f"store/{s.name}.sql": s.cypher + "\n" for s in states()}
    files["schema/constraints.cypher"] = (
        "// Constraints and indexes every duanka database has (applied by `duanka neo4j schema`).\n"
        + "\n".join(c.cypher + ";" for c in constraints())
        + "\n"
    )
    return files | written_back()


def write_all(root: Path) -> list[Path]:
    """Regenerate every file derived from the schema; the paths written."""
    written = []
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "graph-model.md").write_text(markdown(), encoding="utf-8")
    draw(docs / "graph-model.png")
    written += [docs / "graph-model.md", docs / "graph-model.png"]
    generated = cypher_files()
    for name, text in generated.items():
        target = root / "queries" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    for query in hand_written(root):
        text = query.read_text(encoding="utf-8")
        if (fresh := with_generated_fragments(text)) != text:
            query.write_text(fresh, encoding="utf-8")
            written.append(query)
    return written


def hand_written(root: Path) -> list[Path]:
    """The queries written by hand, in which only the fragments of `with_generated_fragments` are generated."""
    generated = {root / "queries" / name for name in cypher_files()}
    return sorted(p for p in (root / "queries").rglob("*.cypher") if p not in generated)
