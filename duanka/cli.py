"""The `duanka` command: one entry point for operators, analysts and tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from duanka import neo4j_server
from duanka.errors import DuankaError
from duanka.settings import Settings

app = typer.Typer(help="断卡 duanka: find the black-market supply chain behind telecom fraud.", no_args_is_help=True)
neo4j_app = typer.Typer(help="The project's own Neo4j server.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
console = Console()
err = Console(stderr=True)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Print a DuankaError as one clear line and exit 1, instead of a traceback."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DuankaError as exc:
            err.print(f"[bold red]duanka:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper


@neo4j_app.command("install")
@friendly
def neo4j_install() -> None:
    """Fetch Neo4j Community and Neo4j Browser from Maven Central (once)."""
    result = neo4j_server.install(Settings.from_env().local)
    verb = "installed" if result.fetched else "already installed"
    console.print(f"Neo4j {result.version} {verb} in {result.lib}")


@neo4j_app.command("start")
@friendly
def neo4j_start(timeout: float = typer.Option(120.0, help="Seconds to wait for Bolt.")) -> None:
    """Start the local server and return when Bolt answers."""
    settings = Settings.from_env()
    seconds = neo4j_server.start(settings, timeout=timeout)
    local = settings.local
    console.print(f"Neo4j is up at {local.bolt_uri} (Bolt ready after {seconds:.1f} s)")
    console.print(f"Browser: {local.browser_url}  user neo4j, password in {local.credentials_file}")


@neo4j_app.command("stop")
@friendly
def neo4j_stop() -> None:
    """Stop the local server."""
    stopped = neo4j_server.stop(Settings.from_env().local)
    console.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j_app.command("status")
@friendly
def neo4j_status() -> None:
    """Say where the server listens, which database is used, and whether it answers."""
    from duanka import db

    settings = Settings.from_env()
    conn = settings.connection
    if conn.is_local and not neo4j_server.is_running(settings.local):
        console.print(f"Local Neo4j is not running (would listen on {conn.uri}).")
        raise typer.Exit(3)
    with db.session(settings, retries=0) as sess:
        info = db.read(sess, "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition")[0]
    console.print(f"{info['name']} {info['version']} {info['edition']} at {conn.uri}, database {conn.database!r}")
    if conn.is_local:
        console.print(f"Browser: {settings.local.browser_url}")


@neo4j_app.command("schema")
@friendly
def neo4j_schema() -> None:
    """Apply the declared constraints and indexes (idempotent)."""
    from duanka import db
    from graphmodel.apply import apply_schema

    with db.session(Settings.from_env()) as sess:
        created = apply_schema(sess)
    console.print(f"Schema applied: {len(created)} created" + (f" ({', '.join(created)})" if created else ", nothing to change"))


@app.command("stats")
@friendly
def stats() -> None:
    """Node counts per label and relationship counts per type in the database in use."""
    from duanka import db
    from duanka.graphstats import graph_counts

    with db.session(Settings.from_env()) as sess:
        counts = graph_counts(sess)
    table = Table("kind", "name", "count")
    for (kind, name), count in sorted(counts.items()):
        table.add_row(kind, name, f"{count:,}")
    console.print(table)


@app.command("generate")
@friendly
def generate_cmd(
    out: Path = typer.Option(..., help="Directory to write the scenario into."),
    profile: str = typer.Option("demo", help="demo | small | medium | large"),
    persons: Optional[int] = typer.Option(None, help="Override the profile's population size."),
    seed: int = typer.Option(1, help="Same seed and options, same bytes."),
    difficulty: str = typer.Option("easy", help="easy | hard (camouflaged rings)"),
    dirty_rows: float = typer.Option(0.0, help="Fraction of malformed rows to add to each file."),
    fmt: str = typer.Option("csv", "--format", help="csv | parquet"),
) -> None:
    """Write a synthetic extract with planted supply chains and its ground truth."""
    from duanka.generate import generate

    try:
        summary = generate(out, profile, persons, seed, difficulty, dirty_rows, fmt)
    except ValueError as exc:
        raise DuankaError(str(exc)) from exc
    rows = summary["rows"]
    console.print(f"Wrote {sum(rows.values()):,} rows in {len(rows)} files to {out} "
                  f"({summary['persons']:,} persons, {summary['rings']} planted rings, {difficulty}).")


@app.command("ingest")
@friendly
def ingest_cmd(
    source: Path = typer.Option(..., help="Source directory laid out as the input contract says."),
    encoding: Optional[str] = typer.Option(None, help="CSV encoding (utf-8, gb18030…); detected when omitted."),
    bulk: bool = typer.Option(False, help="First load into an empty local database: neo4j-admin import, offline and faster."),
) -> None:
    """Validate, quarantine and load one extract into Neo4j (the `ingest` flow)."""
    from flows.ingest import ingest

    summary = ingest(str(source), encoding, bulk)
    table = Table("file", "read", "loaded", "quarantined", "reconciled", title=f"ingest {summary['run_id']}")
    for row in summary["files"]:
        table.add_row(row["file"], f"{row['read']:,}", f"{row['loaded']:,}", f"{row['quarantined']:,}", "✓" if row["reconciled"] else "✗")
    console.print(table)
    console.print(f"Manifest: {summary['manifest']}\nQuarantine: {summary['quarantine']}")


@app.command("detect")
@friendly
def detect_cmd(
    engine: str = typer.Option("igraph", help="igraph (fast, multilevel) | leiden | louvain (reference, python-louvain)"),
    resolution: float = typer.Option(1.0, help="Community resolution: higher gives smaller clusters."),
    seed: int = typer.Option(1, help="Same data, parameters and seed give the same clusters and ranks."),
    min_score: float = typer.Option(0.35, help="Entities at or above this score are leads."),
    lang: str = typer.Option("en", help="Language of the printed reasons: en | zh"),
    top: int = typer.Option(10, help="How many leads to print."),
) -> None:
    """Find, score and explain supply-chain clusters; write them back to Neo4j (the `detect` flow)."""
    from duanka import db, queries
    from flows.detect import detect

    summary = detect(engine, resolution, seed, min_score)
    console.print(f"detect {summary['run_id']}: {summary['figures']}")
    with db.session(Settings.from_env()) as sess:
        leads = db.read(sess, queries.load("latest_leads"), limit=top)
    print_leads(leads, lang)


def print_leads(leads: list[dict[str, Any]], lang: str = "en") -> None:
    from duanka.detect.score import ROLE_LABELS

    table = Table("rank", "type", "id", "role", "score", "reasons", title="Top leads (suspicions, not determinations)")
    for r in leads:
        role = f"{r['role']} {ROLE_LABELS.get(r['role'], '')}"
        table.add_row(str(r["rank"]), r["entity_type"], str(r["entity_id"]), role, f"{r['score']:.2f}",
                      (r.get("reasons_zh") if lang == "zh" else r.get("reasons")) or "")
    console.print(table)


@app.command("evaluate")
@friendly
def evaluate_cmd(
    truth: Path = typer.Option(..., help="truth.csv of a generated scenario (hard_negatives.csv is read beside it)."),
) -> None:
    """Score the latest detection run against a scenario's truth, with the single-rule baselines beside it."""
    from duanka import db, queries
    from duanka.detect import evaluate as ev

    settings = Settings.from_env()
    t = ev.Truth.read(truth)
    with db.session(settings) as sess:
        leads = db.read(sess, queries.load("latest_leads"), limit=10**9)
    if not leads:
        raise DuankaError("No completed detection run in this database: run `duanka detect` first.")
    ranked = [f"{r['entity_type']}:{r['entity_id']}" for r in leads]
    roles = {f"{r['entity_type']}:{r['entity_id']}": r["role"] for r in leads}
    rows = [ev.score_ranking(f"duanka ({leads[0]['run_id']})", ranked, t, roles=roles), *ev.baselines(settings, t)]
    table = Table(*rows[0].keys(), title=f"Against {truth}")
    for r in rows:
        table.add_row(*("—" if v is None else str(v) for v in r.values()))
    console.print(table)


@app.command("demo")
@friendly
def demo(
    out: Path = typer.Option(Path("data/generated/demo"), help="Where the demo scenario is written."),
    profile: str = typer.Option("demo", help="Scenario size."),
    seed: int = typer.Option(1),
) -> None:
    """The main job on the local default: start Neo4j, generate a demo scenario, load it, detect, show the top leads."""
    import json

    from duanka.generate import generate

    settings = Settings.from_env()
    if settings.connection.is_local:
        neo4j_server.start(settings)
        console.print(f"[green]✓[/] Neo4j running at {settings.connection.uri}")
    wanted = {"profile": profile, "seed": seed}
    marker = out / "scenario.json"
    current = json.loads(marker.read_text()) if marker.exists() else {}
    if {k: current.get(k) for k in wanted} != wanted:
        summary = generate(out, profile, seed=seed)
        console.print(f"[green]✓[/] Generated the {profile} scenario in {out}: {summary['persons']:,} persons, {summary['rings']} planted rings")
    else:
        console.print(f"[green]✓[/] Using the {profile} scenario already in {out}")
    ingest_cmd(source=out, encoding=None, bulk=False)
    detect_cmd(engine="igraph", resolution=1.0, seed=seed, min_score=0.35, lang="en", top=10)
    if settings.connection.is_local:
        console.print(
            f"\nNeo4j Browser: [bold]{settings.local.browser_url}[/]  (connect to {settings.connection.uri}, "
            f"user neo4j, password: `cat {settings.local.credentials_file}`)\n"
            + escape("Try:  MATCH (c:Cluster)<-[m:MEMBER_OF]-(n) WHERE c.rank <= 3 RETURN c, n"),
        )
    console.print(f"Against the planted truth:  duanka evaluate --truth {out / 'truth.csv'}")


@app.command("docs")
def docs_cmd() -> None:
    """Regenerate docs/graph-model.md, its picture and queries/load from the schema declaration."""
    from duanka.settings import project_root
    from graphmodel.docs import write_all

    for path in write_all(project_root()):
        console.print(f"wrote {path}")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
