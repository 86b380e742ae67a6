"""The `duanka` command: one entry point for operators, analysts and tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from duanka import neo4j_server, private, progress
from duanka.choices import Decided, Difficulty, Engine, Executor, Lang, ReadFrom
from duanka.entity_keys import entity_key, entity_keys
from duanka.errors import DuankaError
from duanka.library import LIBRARY
from duanka.params import DetectParams, ExportParams
from duanka.settings import Settings

READ_FROM_HELP = (
    "Where detection reads the graph's rows: store (the analysis store ingest writes beside the graph) or neo4j"
    " (a graph loaded without it). Default: the store when it holds every load the graph holds, else Neo4j."
)
EXECUTOR_HELP = (
    "Where detection's heavy steps run: local (this process) or dask (shards on the Dask cluster at "
    "DUANKA_DASK_SCHEDULER, else a local one of DUANKA_DASK_WORKERS processes); the leads are the same."
)
INCREMENTAL_HELP = (
    "Re-score only what the rows and decisions since the last run touched, where a completed run of the same model"
    " and parameters holds the rest and they touched a small share of the graph (the same leads); --full: the whole"
    " graph. The run records which, and why."
)
ENGINE_HELP = "igraph (fast, multilevel), leiden, louvain (the reference), gds (inside Neo4j: needs the GDS plugin, untested here)"

app = typer.Typer(help="断卡 duanka: find the black-market supply chain behind telecom fraud.", no_args_is_help=True)
neo4j_app = typer.Typer(help="The project's own Neo4j server.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
prefect_app = typer.Typer(
    help="A local Prefect server for the UI (loopback, SQLite under .prefect/).", no_args_is_help=True
)
app.add_typer(prefect_app, name="prefect")
console = Console()
err = Console(stderr=True)


@app.callback()
def _owner_only() -> None:
    # before any command writes: every file and folder it (or a server it starts) makes is 0600 / 0700
    private.owner_only()


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
        info = db.read(
            sess, "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
        )[0]
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
    console.print(
        f"Schema applied: {len(created)} created" + (f" ({', '.join(created)})" if created else ", nothing to change")
    )


@neo4j_app.command("empty")
@friendly
def neo4j_empty(
    empty_the_database: bool = typer.Option(False, help="Say so: every node and relationship is deleted."),
    reason: str = typer.Option("", help="Why (recorded in the audit log)."),
    by: str | None = typer.Option(None, help="Who empties it (recorded; default DUANKA_USER, else the login name)."),
) -> None:
    """Empty the configured database (constraints and indexes stay); recorded in the audit log first."""
    from duanka.maintenance import empty_database

    if not empty_the_database:
        raise DuankaError("This deletes everything in the configured database: add --empty-the-database to say so.")
    settings = Settings.from_env()
    held = empty_database(settings, reason, by)
    console.print(
        f"[green]✓[/] emptied {settings.connection.uri}: {held['entities']:,} persons, cards, accounts "
        f"and devices and {held['relationships']:,} relationships deleted (audit log: empty_database)"
    )


@prefect_app.command("start")
@friendly
def prefect_start() -> None:
    """Start the local Prefect server; flows run from this project then report to it."""
    from duanka import keys, prefect_server

    url = prefect_server.start()
    console.print(f"Prefect server at {url.removesuffix('/api')} (API {url}); data in {prefect_server.home()}")
    console.print(f"It asks for its auth string: `cat {keys.key_file(keys.PREFECT_API)}`")


@prefect_app.command("stop")
@friendly
def prefect_stop() -> None:
    """Stop the local Prefect server."""
    from duanka import prefect_server

    console.print("Prefect server stopped." if prefect_server.stop() else "Prefect server was not running.")


@app.command("serve")
@friendly
def serve_cmd(
    inbox: Path = typer.Option(..., help="Inbox root: extracts are dropped into INBOX/incoming/<name>/."),
    out: Path = typer.Option(..., help="Exports go to OUT/<extract name>/."),
    cron: str = typer.Option("*/15 * * * *", help="When to look in the inbox (cron, Asia/Shanghai time)."),
    engine: Engine = typer.Option(DetectParams.engine),
    lang: Lang = typer.Option(ExportParams.lang),
) -> None:
    """Serve the `process-inbox` deployment on a schedule (one run at a time) until stopped."""
    from prefect.schedules import Cron

    from duanka.inbox import Inbox
    from flows.inbox import process_inbox

    Inbox(inbox)  # create the folders, so users see where to drop extracts
    console.print(f"Serving process-inbox/inbox: {inbox.resolve() / 'incoming'} → {out.resolve()}, cron {cron!r}")
    process_inbox.serve(
        name="inbox",
        schedule=Cron(cron, timezone="Asia/Shanghai"),
        limit=1,
        global_limit=1,
        parameters={"inbox": str(inbox.resolve()), "out": str(out.resolve()), "engine": str(engine), "lang": str(lang)},
    )


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
    persons: int | None = typer.Option(None, help="Override the profile's population size."),
    seed: int = typer.Option(1, help="Same seed and options, same bytes."),
    difficulty: Difficulty = typer.Option(Difficulty.EASY, help="hard: camouflaged rings"),
    dirty_rows: float = typer.Option(0.0, help="Fraction of malformed rows to add to each file."),
    fmt: str = typer.Option("csv", "--format", help="csv | parquet"),
    ports: bool = typer.Option(
        False,
        "--ports",
        help="Rings also lease SMS ports through shell enterprises fronted by card farmers and rent middle numbers; "
        "hard worlds add banks, couriers and schools texting customers and a platform's driver bindings.",
    ),
    pseudonymise: str | None = typer.Option(
        None,
        help="hex64 | hex32 | base64: share it as a source would under the personal-information law, every "
        "number, card, device and person id a salted-hash token (the same in every file and in truth.csv).",
    ),
    view: str | None = typer.Option(
        None,
        help="calls | projection: only the call graph, as operators share it — who called whom with no times, "
        "durations or counts, or its symmetric projection (two numbers linked when both contacted a common "
        "number, every pair both ways, count 1); numbers without holders.",
    ),
) -> None:
    """Write a synthetic extract with planted supply chains and its ground truth."""
    import tempfile

    from duanka.generate import generate
    from duanka.generate.views import SCHEMES, calls_view
    from duanka.generate.views import pseudonymise as pseudonymised

    if pseudonymise is not None and pseudonymise not in SCHEMES:
        raise DuankaError(f"--pseudonymise is one of {', '.join(SCHEMES)}, not {pseudonymise!r}.")
    if view not in (None, "calls", "projection"):
        raise DuankaError(f"--view is calls or projection, not {view!r}.")
    try:
        if view is None:
            summary = generate(out, profile, persons, seed, difficulty, dirty_rows, fmt, ports=ports)
        else:
            with tempfile.TemporaryDirectory() as whole:
                summary = generate(Path(whole), profile, persons, seed, difficulty, dirty_rows, "csv", ports=ports)
                calls_view(Path(whole), out, projection=view == "projection")
                tables = [out / f"{t}.csv" for t in ("persons", "sims", "calls")]
                summary["rows"] = {f.stem: sum(1 for _ in f.open(encoding="utf-8")) - 1 for f in tables}
    except ValueError as exc:
        raise DuankaError(str(exc)) from exc
    if pseudonymise is not None:
        pseudonymised(out, out, pseudonymise)
    rows = summary["rows"]
    console.print(
        f"Wrote {sum(rows.values()):,} rows in {len(rows)} files to {out} "
        f"({summary['persons']:,} persons, {summary['rings']} planted rings, {difficulty})"
        + (f", every id a {pseudonymise} token." if pseudonymise else ".")
    )


MAPPING_HELP = (
    "TOML or YAML file mapping the source's own file names, headers and codes onto the contract "
    "(docs/mapping.md); default: the extract's own mapping.toml, if it has one."
)


@app.command("ingest")
@friendly
def ingest_cmd(
    source: Path = typer.Option(..., help="Source directory laid out as the input contract says."),
    encoding: str | None = typer.Option(None, help="CSV encoding (utf-8, gb18030…); detected when omitted."),
    bulk: bool | None = typer.Option(
        None,
        "--bulk/--bolt",
        help="neo4j-admin import (an empty local database only; offline, fast) or Bolt; "
        "default: bulk for a large extract into an empty local database, Bolt otherwise.",
    ),
    force: bool = typer.Option(False, help="Load again even if this database already holds this exact extract."),
    mapping: Path | None = typer.Option(None, help=MAPPING_HELP),
) -> None:
    """Validate, quarantine and load one extract into Neo4j (the `ingest` flow)."""
    from flows.ingest import ingest

    with progress.bars(console):
        summary = ingest(str(source), encoding, bulk, force, str(mapping) if mapping else None).summary()
    print_ingest(summary)


def print_ingest(summary: dict[str, Any]) -> None:
    """The reconciliation table of an ingest run, or a word that it was skipped."""
    if summary.get("skipped"):
        console.print(
            f"[green]✓[/] Extract unchanged since ingest run {summary['run_id']}: not loaded again (--force reloads)."
        )
        return
    title = f"ingest {summary['run_id']} ({summary['loading']})"
    table = Table("file", "read", "loaded", "quarantined", "reconciled", title=title)
    for row in summary["files"]:
        table.add_row(
            row["file"],
            f"{row['read']:,}",
            f"{row['loaded']:,}",
            f"{row['quarantined']:,}",
            "✓" if row["reconciled"] else "✗",
        )
    console.print(table)
    if summary.get("tokens"):
        listed = ", ".join(f"{column} ({shape})" for column, shape in summary["tokens"].items())
        console.print(f"Read as pseudonymised tokens (keys as written, nothing derived from them): {listed}")
    console.print(f"Manifest: {summary['manifest']}\nQuarantine: {summary['quarantine']}")


@app.command("detect")
@friendly
def detect_cmd(
    engine: Engine = typer.Option(DetectParams.engine, help=ENGINE_HELP),
    resolution: float = typer.Option(
        DetectParams.resolution, help="Community resolution: higher gives smaller clusters."
    ),
    seed: int = typer.Option(
        DetectParams.seed, help="Same data, parameters and seed give the same clusters and ranks."
    ),
    min_score: float = typer.Option(DetectParams.min_score, help="Entities at or above this score are leads."),
    lang: Lang = typer.Option(ExportParams.lang, help="Language of the printed reasons."),
    top: int = typer.Option(10, help="How many leads to print."),
    incremental: bool = typer.Option(True, "--incremental/--full", help=INCREMENTAL_HELP),
    executor: Executor = typer.Option(Executor.LOCAL, help=EXECUTOR_HELP),
    read_from: ReadFrom | None = typer.Option(None, help=READ_FROM_HELP),
) -> None:
    """Find, score and explain supply-chain clusters; write them back to Neo4j (the `detect` flow)."""
    from duanka import db, queries
    from duanka.export.shown import masked_leads
    from flows.detect import detect

    found = detect(engine, resolution, seed, min_score, incremental, executor=executor, read_from=read_from)
    console.print(f"detect {found.run_id}: {found.figures}")
    with db.session(Settings.from_env()) as sess:
        leads = masked_leads(sess, db.read(sess, queries.load("latest_leads"), limit=top))
    print_leads(leads, lang)
    print_lead_note(found.run_id, lang)


def print_lead_note(run_id: str, lang: Lang = ExportParams.lang) -> None:
    """Why the run has the leads it has (evidence held and lacked, what lies below the lead line): never silent."""
    from duanka.detect.evidence import lead_note
    from duanka.export.run import evidence_held, read_run

    run = read_run(Settings.from_env(), run_id)
    console.print(f"Leads: {escape(lead_note(evidence_held(run), run, 'zh' if lang == Lang.ZH else 'en'))}")


def print_leads(leads: list[dict[str, Any]], lang: Lang = ExportParams.lang) -> None:
    """Leads (masked: duanka.export.shown) as a table, reasons in `lang`; each says it is a suspicion."""
    from graphmodel.roles import role

    table = Table("rank", "type", "id", "role", "score", "reasons", title="Top leads (suspicions, not determinations)")
    for r in leads:
        named = f"{r['role']} {role(r['role']).zh}"
        shown = "confirmed" if r.get("status") == "confirmed" else f"{r['score']:.2f}"
        table.add_row(
            str(r["rank"]),
            r["entity_type"],
            escape(str(r["entity_id"])),
            named,
            shown,
            escape((r.get("reasons_zh") if lang == Lang.ZH else r.get("reasons")) or ""),
        )
    console.print(table)


@app.command("export")
@friendly
def export_cmd(
    out: Path = typer.Option(..., help="Export directory (created if needed)."),
    unmasked: bool = typer.Option(
        False, help="Write source identifiers in clear: needs --by and --reason, both recorded."
    ),
    by: str | None = typer.Option(None, help="Who exports (recorded in the manifest and the audit log)."),
    reason: str | None = typer.Option(None, help="Why unmasked output is needed (recorded)."),
    lang: Lang = typer.Option(ExportParams.lang, help="Language of the reasons."),
    run_id: str | None = typer.Option(None, help="Detection run to export; the latest completed by default."),
    top_clusters: int = typer.Option(ExportParams.top_clusters, help="Clusters drawn in the report."),
    budget: int | None = typer.Option(
        ExportParams.budget, help="The team's review capacity: export at most this many leads, the best first."
    ),
) -> None:
    """Write the lead lists, workbook, report and manifest for case teams (the `export` flow)."""
    from flows.export import export

    summary = export(str(out), not unmasked, lang, run_id, top_clusters, by, reason, budget)
    console.print(
        f"[green]✓[/] Exported {summary['leads']:,} leads in {summary['clusters']:,} clusters "
        f"({'masked' if summary['masked'] else '[bold red]UNMASKED[/]'}) to {out} in {summary['seconds']:.1f} s"
    )
    console.print(f"Report: {(out / 'report.html').resolve()}")


@app.command("query")
@friendly
def query_cmd(
    name: str = typer.Argument(..., help=f"A saved query of the investigator's library: {', '.join(LIBRARY)}."),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v (numbers are read as numbers)."),
    limit: int = typer.Option(50, help="Rows printed."),
) -> None:
    """Run one of the investigator's saved queries, read-only, and print a table."""
    from duanka import db
    from duanka.library import saved
    from duanka.querytool import parse_params, run_query

    cypher = saved(name)
    with db.session(Settings.from_env()) as sess:
        columns, rows = run_query(sess, cypher, parse_params(param, cypher))
    table = Table(*columns, title=f"{name} ({len(rows)} rows)")
    for row in rows[:limit]:
        table.add_row(*(escape(v) for v in row))
    console.print(table)


@app.command("decide")
@friendly
def decide_cmd(
    entity: str | None = typer.Argument(
        None, help="type:id (sim:13800138000), a bare id, or a lead reference RUN#RANK."
    ),
    status: Decided | None = typer.Option(None, help="What the investigator found."),
    by: str | None = typer.Option(
        None, help="The investigator deciding; with --file, for the rows that name no one (and who ran it)."
    ),
    note: str | None = typer.Option(None, help="The written grounds."),
    file: Path | None = typer.Option(
        None,
        "--file",
        help="A case team's outcomes (.csv or .xlsx): one row per entity, its outcome, who decided, when, a note; "
        "Chinese or English headers. Every row is recorded as a decision; rows that match nothing are listed.",
    ),
    sheet: str | None = typer.Option(
        None, help="With --file: the workbook's sheet (default: the first with outcomes)."
    ),
) -> None:
    """Record an investigator's decision: the only way a suspicion becomes 'confirmed'. With --file, a case
    team's whole outcomes file at once."""
    if file is not None:
        if entity is not None or status is not None or note is not None:
            raise DuankaError("With --file the outcomes come from the file: give no entity, --status or --note.")
        return _decide_file(file, by, sheet)
    from duanka.casework import decide

    if entity is None or status is None or by is None or note is None:
        raise DuankaError("Name the entity and give --status, --by and --note; or give --file outcomes.xlsx.")
    d = decide(Settings.from_env(), entity, str(status), by, note)
    on = f" on the lead of run {d['run_id']} (score {d['score']:.2f})" if d["run_id"] else " (no lead on record)"
    console.print(
        f"[green]✓[/] {d['entity']}: {d['status']} by {escape(d['by'])} at {d['at']}{on}; decision {d['decision_id']}"
    )


def _decide_file(file: Path, by: str | None, sheet: str | None) -> None:
    from duanka.outcomes.record import record_file

    done = record_file(Settings.from_env(), file, by, sheet)
    per = ", ".join(f"{n:,} {status}" for status, n in sorted(done.outcomes.items())) or "none new"
    console.print(
        f"[green]✓[/] {escape(file.name)} (sha256 {done.sha256[:12]}…): {done.read:,} rows read; "
        f"{done.recorded:,} decisions recorded ({per}); {done.already:,} already on record; "
        f"{done.unmatched:,} unmatched. Run {done.run_id}."
    )
    if done.unmatched:
        err.print(
            f"[yellow]{done.unmatched:,} row(s) not recorded:[/] each with its line and why in {done.unmatched_file}",
            highlight=False,
            soft_wrap=True,  # a path broken by a hard line wrap cannot be copied whole
        )


@app.command("train")
@friendly
def train_cmd(
    blend: float = typer.Option(0.5, min=0.0, max=1.0, help="The learned probability's share of each lead's score."),
    off: bool = typer.Option(False, "--off", help="Stop using a learned ranking: the rules alone order the leads."),
    graph: bool = typer.Option(
        True,
        "--graph/--no-graph",
        help="Also learn from where each entity sits in the call graph and the community graph, and how close "
        "to the entities investigators confirmed or dismissed (runs then score the whole graph at once).",
    ),
) -> None:
    """Learn a ranking from the graph's confirmed and dismissed decisions and victim reports; detection runs
    use it from then on (recorded on each Run and in each manifest). The rules still write every reason."""
    from duanka.detect import learn
    from duanka.detect.train import train

    settings = Settings.from_env()
    if off:
        removed = learn.switch_off(learn.folder(settings))
        console.print(
            f"[green]✓[/] learned ranking {removed or '(none)'} off: the rules alone order the next run's leads"
        )
        return
    ranker, labels = train(settings, blend=blend, graph=graph)
    console.print(
        f"[green]✓[/] {ranker.version}: trained on {len(labels):,} labels ({ranker.positives:,} members); "
        f"the next detection run uses it. Its labels: {learn.folder(settings) / (ranker.version + '.labels.csv')}"
    )


@app.command("explain")
@friendly
def explain_cmd(
    entity: str = typer.Argument(..., help="type:id, a bare id, or a lead reference RUN#RANK."),
    lang: Lang = typer.Option(ExportParams.lang),
) -> None:
    """Why an entity was flagged, across runs: scores over time, clusters, reports, decisions."""
    from duanka.casework import explain
    from graphmodel.roles import role

    e = explain(Settings.from_env(), entity)
    console.print(
        f"[bold]{e['label']} {escape(e['ref'])}[/]  "
        + (
            f"decision: [bold]{e['entity'].get('decision_status')}[/] by {escape(str(e['entity'].get('decision_by')))}"
            if e["entity"].get("decision_status")
            else "no decision recorded: any score is a suspicion"
        )
    )
    console.print("[bold]Scores over time[/] (suspicions, each with the run that made it):")
    for f in e["flags"]:
        console.print(
            f"  {(f['finished_at'] or '')[:16]}  run {f['run_id']} (duanka {f['version']}, {f['engine']} "
            f"resolution {f['resolution']} seed {f['seed']}): rank {f['rank']}, score {f['score']:.2f}, "
            f"{f['role']} {role(f['role']).zh}, cluster {f['cluster_id'] or '—'}, {f['status']}"
        )
        console.print(f"      {escape(f['reasons'] or '')}", style="dim")
    for title, rows in (("Clusters", e["clusters"]), ("Victim reports", e["reports"]), ("Decisions", e["decisions"])):
        if rows:
            table = Table(*rows[0].keys(), title=title)
            for r in rows:
                table.add_row(*(escape("" if v is None else str(v)) for v in r.values()))
            console.print(table)
        else:
            console.print(f"{title}: none")


@app.command("audit")
@friendly
def audit_cmd(
    since: str = typer.Option("1970-01-01", help="ISO date or time (UTC)."),
    verify: bool = typer.Option(True, help="Check the log's MACs and its anchor in the database first."),
) -> None:
    """Every load, detection, export and decision since a date: who (as named, and the account that ran it),
    what, where; and any decision found in the graph that the log lacks, marked UNAUDITED."""
    from duanka import audit
    from duanka.casework import decisions_frame

    settings = Settings.from_env()
    if verify:
        checked = audit.verify(settings)
        anchor = checked.anchor
        where = f"; anchored in the database at entry {anchor.entries} ({anchor.at})" if anchor else ""
        console.print(f"Audit log {audit.log_path(settings)}: {checked.entries} entries, every MAC intact{where}.")
        for warning in checked.warnings:
            err.print(f"[yellow]audit log:[/] {escape(warning)}", highlight=False)
    rows = audit.entries(settings, since)
    logged = {r.get("decision_id") for r in rows}
    files = {r.get("run_id") for r in rows if r.get("action") == "decide-file"}  # decisions from outcomes files
    try:
        in_graph = decisions_frame(settings, since)
    except DuankaError:
        in_graph = None
    table = Table("at", "action", "by", "ran as", "details", title=f"Audit since {since}")
    for r in rows:
        details = {k: v for k, v in r.items() if k not in (*audit.OWN, "prev")}
        table.add_row(
            str(r.get("at")),
            str(r.get("action")),
            escape(str(r.get("by"))),
            escape(f"{r['login']}@{r['host']}" if "login" in r else "—"),
            escape(json.dumps(details, ensure_ascii=False)),
        )
    unaudited = 0
    if in_graph is not None:
        audited = in_graph["decision_id"].isin(logged) | in_graph["batch"].isin(files)
        for r in in_graph[~audited].itertuples():
            unaudited += 1
            table.add_row(
                r.at[:19],
                "[bold red]UNAUDITED[/] decide",
                escape(str(r.by)),
                "—",
                escape(f"{r.entity_type}:{r.entity_id} {r.status}: {r.note}"),
            )
    console.print(table)
    if unaudited:
        console.print(
            f"[bold red]{unaudited} decision(s) in the graph are missing from the audit log:[/] written with the "
            "database account directly, not with `duanka decide`; who wrote them is only what they claim."
        )


@app.command("case")
@friendly
def case_cmd(
    cluster_id: str = typer.Argument(..., help="A cluster id from the lead list or `duanka query latest_clusters`."),
    out: Path = typer.Option(..., help="Directory for the case file."),
    unmasked: bool = typer.Option(False, help="Identifiers in clear: needs --by and --reason, both recorded."),
    by: str | None = typer.Option(None),
    reason: str | None = typer.Option(None),
) -> None:
    """One cluster's evidence pack for a case team: members, links with dates, reports, decisions, drawing."""
    from duanka.casework import CaseParams, case_file

    files = case_file(Settings.from_env(), CaseParams(cluster_id, out, not unmasked, by, reason))
    console.print(f"[green]✓[/] Case file for {cluster_id} in {out}: {', '.join(p.name for p in files)}")


@app.command("evaluate")
@friendly
def evaluate_cmd(
    truth: Path | None = typer.Option(
        None,
        help="truth.csv (entity_type, entity_id, role[, ring_id]; a generated world's hard_negatives.csv is read "
        "beside it when there), or a case team's outcomes file: confirmed = members, dismissed = negatives. "
        "With --replay: the truth to replay against (default: the world's truth.csv).",
    ),
    replay: Path | None = typer.Option(
        None,
        help="An extract with its truth (a generated world, or any extract with truth.csv) to replay step by step.",
    ),
    step: str = typer.Option("1d", help="With --replay: the time each step adds (1d, 12h, 7d)."),
    top: int = typer.Option(100, help="With --replay: a ring counts as flagged once a member is in this many leads."),
    budget: int = typer.Option(500, help="With --replay: a team's review capacity, the second depth reported."),
    out: Path = typer.Option(Path("exports/replay"), help="With --replay: where its tables and picture go."),
    empty_the_database: bool = typer.Option(False, help="With --replay: say so; the replay starts from nothing."),
    folds: int | None = typer.Option(
        None,
        min=2,
        help="Cross-validate on the labelled entities (--truth's, else the graph's confirmed and dismissed "
        "decisions): the rules alone against a ranking learned from the other folds, with and without graph "
        "features; AUC, p@k and p@R on each held-out fold.",
    ),
    known: float | None = typer.Option(
        None,
        min=0.01,
        max=0.99,
        help="With --folds: instead of K-fold, K draws each training on this share of the labels (0.2: 20 % "
        "known) and measured on the rest.",
    ),
    seed: int = typer.Option(1, help="With --folds: the draws' seed (the same seed, the same folds and figures)."),
) -> None:
    """Score the latest detection run against a scenario's truth, with the single-rule baselines beside it;
    with --folds, cross-validate the rules and a learned ranking on the labelled entities; or, with
    --replay, feed a world to the pipeline day by day and report how early each ring was flagged."""
    import pandas as pd

    from duanka import db, queries
    from duanka.detect import evaluate as ev

    if replay is not None:
        return _replay(replay, truth, step, top, budget, out, empty_the_database)
    if folds is not None:
        return _folds(truth, folds, known, seed)
    if truth is None:
        raise DuankaError("Say what to evaluate against: --truth truth.csv (or outcomes.xlsx), or --replay WORLD.")
    if not truth.is_file():
        raise DuankaError(f"No truth file {truth}.")
    settings = Settings.from_env()
    with db.session(settings) as sess:
        t = ev.Truth.read(truth, resolve=_resolver(sess))
        leads = db.read(sess, queries.load("latest_leads"), limit=10**9)
    if not leads:
        raise DuankaError("No completed detection run in this database: run `duanka detect` first.")
    ranked = [entity_key(r["entity_type"], r["entity_id"]) for r in leads]
    roles = {entity_key(r["entity_type"], r["entity_id"]): r["role"] for r in leads}
    scores = {entity_key(r["entity_type"], r["entity_id"]): r["score"] for r in leads}
    ours = ev.score_ranking(f"duanka ({leads[0]['run_id']})", ranked, t, roles=roles, scores=scores)
    rules, n_numbers = ev.baseline_rankings(settings)
    rows = [ours, *(ev.score_ranking(name, ranking, t, flagged=flagged) for name, (ranking, flagged) in rules.items())]
    for title, found in (
        (f"Against {truth}", rows),
        (
            "Fraud numbers among all numbers (an operator's question)",
            [
                ev.among_numbers(str(ours["method"]), ranked, len(ranked), t, n_numbers),
                ev.among_numbers(ev.CONTACTS, *rules[ev.CONTACTS], t, n_numbers),
            ],
        ),
    ):
        table = Table(*found[0].keys(), title=title)
        for r in found:
            table.add_row(*("—" if v is None else str(v) for v in r.values()))
        console.print(table)
    for figure, why in t.left_out.items():
        console.print(f"[dim]{figure}: {escape(why)}[/]")
    if "role_accuracy" in t.left_out:
        return
    per_role = ev.by_role(ranked, len(ranked), roles, t)
    matrix = Table(*map(str, per_role.columns), title="Planted roles: recall, accuracy, and what each was called")
    for row in per_role.itertuples(index=False):
        matrix.add_row(*("—" if pd.isna(v) else str(v) for v in row))
    console.print(matrix)


def _folds(truth: Path | None, folds: int, known: float | None, seed: int) -> None:
    import pandas as pd

    from duanka import db
    from duanka.detect import evaluate as ev
    from duanka.detect import folds as cv

    settings = Settings.from_env()
    if truth is not None and not truth.is_file():
        raise DuankaError(f"No truth file {truth}.")
    console.print("[dim]Scoring the graph with every decision left out (nothing written)…[/]")
    scored, decisions = cv.read(settings)
    universe = scored.entities.index
    if truth is None:
        labels, source = cv.labels_from_decisions(decisions, universe), "investigators' decisions in the graph"
    else:
        with db.session(settings) as sess:
            t = ev.Truth.read(truth, resolve=_resolver(sess))
        labels, source = cv.labels_from_truth(t, universe, t.complete), str(truth)
    try:
        table = cv.cross_validate(scored, labels, folds, known, seed)
    except ValueError as e:
        raise DuankaError(f"Cannot cross-validate on {source}: {e}.") from None
    protocol = f"{known:.0%} of the labels known, the rest held out" if known else f"{folds}-fold"
    title = f"{protocol}, seed {seed}: {len(labels):,} labelled ({int(labels.sum()):,} members) from {source}"
    console.print(f"{title}; {cv.sizes(table)}.")
    for name, frame in (("Per fold", table.drop(columns=list(cv.COUNTS))), ("Mean over the folds", cv.means(table))):
        shown = Table(*map(str, frame.columns), title=name)
        for row in frame.itertuples(index=False):
            shown.add_row(*("—" if pd.isna(v) else str(v) for v in row))
        console.print(shown)
    console.print(
        "[dim]Figures on held-out labelled entities only; a ranking is a suspicion, never a determination.[/]"
    )


def _resolver(sess: Any) -> Callable[[Any], Any]:
    """Outcomes' entity references as "type:id", looked up in the database as `duanka decide --file` does."""
    from duanka.outcomes.record import resolve_all

    def resolve(refs: Any) -> Any:
        entities, _ = resolve_all(sess, refs)
        return entity_keys(entities["entity_type"], entities["entity_id"])

    return resolve


def _replay(
    world: Path, truth: Path | None, step: str, top: int, budget: int, out: Path, empty_the_database: bool
) -> None:
    import pandas as pd

    from flows.replay import replay

    if not empty_the_database:
        raise DuankaError("A replay empties the configured database first: add --empty-the-database to say so.")
    truth = truth or world / "truth.csv"
    if not truth.is_file():
        raise DuankaError(
            f"No truth for {world}: a replay needs truth.csv beside the extract (entity_type, entity_id, role, "
            "ring_id), or --truth naming one or an outcomes file."
        )
    days = pd.Timedelta(step) / pd.Timedelta(days=1)
    found = replay(str(world), str(out), days, top, budget, truth=str(truth))
    table = Table("figure", "value", title=f"Replay of {world} in steps of {step} (suspicions, not determinations)")
    for name, value in found.items():
        if name != "left_out":
            table.add_row(name, str(value))
    console.print(table)
    console.print(f"Per ring: {out / 'warning.csv'}; steps: {out / 'steps.csv'}; picture: {out / 'timeline.png'}")
    for figure, why in found.get("left_out", {}).items():
        console.print(f"[dim]{figure}: {escape(why)}[/]")


@app.command("demo")
@friendly
def demo(
    out: Path = typer.Option(Path("data/generated/demo"), help="Where the demo scenario is written."),
    exports: Path = typer.Option(Path("exports/demo"), help="Where the lead lists and the report go."),
    profile: str = typer.Option("demo", help="Scenario size."),
    seed: int = typer.Option(1),
) -> None:
    """The main job on the local default: start Neo4j, generate a demo scenario, run the pipeline, show the top leads."""

    from duanka.generate import generate
    from duanka.generate.scenario import is_current

    settings = Settings.from_env()
    if settings.connection.is_local:
        if not neo4j_server.is_running(settings.local):
            console.print(
                f"[dim]Starting Neo4j and waiting for {settings.connection.uri} (minutes at a first start)…[/]"
            )
        neo4j_server.start(settings)
        console.print(f"[green]✓[/] Neo4j running at {settings.connection.uri}")
    if not is_current(out, profile=profile, seed=seed):  # a world written by older generator code is rewritten
        summary = generate(out, profile, seed=seed)
        console.print(
            f"[green]✓[/] Generated the {profile} scenario in {out}: {summary['persons']:,} persons, {summary['rings']} planted rings"
        )
    else:
        console.print(f"[green]✓[/] Using the {profile} scenario already in {out}")
    run_pipeline(out, exports, seed=seed)
    if settings.connection.is_local:
        console.print(
            f"\nNeo4j Browser: [bold]{settings.local.browser_url}[/]  (connect to {settings.connection.uri}, "
            f"user neo4j, password: `cat {settings.local.credentials_file}`); the duanka guide opens after login."
        )
    console.print(f"Against the planted truth:  duanka evaluate --truth {out / 'truth.csv'}")


def run_pipeline(source: Path, out: Path, **options: Any) -> dict[str, Any]:
    """The `pipeline` flow with the CLI's progress display; what each step reported."""
    from duanka.prefect_server import temporary_server_note
    from flows.pipeline import pipeline

    if note := temporary_server_note():
        console.print(f"[dim]{note}…[/]")
    with progress.bars(console):
        result = pipeline(str(source), str(out), **options)
    print_ingest(result["ingest"])
    det = result["detect"]
    console.print(
        f"[green]✓[/] Detection run {det['run_id']}: {det['figures']['clusters']:,} clusters, "
        f"{det['figures']['leads']:,} leads; {det['figures']['scope']}: {det['figures']['scope_why']}"
    )
    from duanka import db, queries
    from duanka.export.shown import masked_leads

    with db.session(Settings.from_env()) as sess:
        leads = masked_leads(sess, db.read(sess, queries.load("latest_leads"), limit=10))
    print_leads(leads)
    print_lead_note(det["run_id"], options.get("lang", ExportParams.lang))
    sent = result["export"]
    console.print(
        f"[green]✓[/] Exported {sent['leads']:,} leads and {sent['clusters']:,} clusters "
        f"({'masked' if sent['masked'] else 'UNMASKED'}) to {out.resolve()}\n"
        f"  lead lists: {(out / 'leads.xlsx').resolve()}, leads.csv, clusters.csv\n"
        f"  report:     {(out / 'report.html').resolve()}"
    )
    return result


@app.command("run")
@friendly
def run_cmd(
    source: Path = typer.Option(..., help="Source directory laid out as the input contract says."),
    out: Path = typer.Option(..., help="Export directory for the lead lists and the report."),
    engine: Engine = typer.Option(DetectParams.engine, help=ENGINE_HELP),
    resolution: float = typer.Option(DetectParams.resolution),
    seed: int = typer.Option(DetectParams.seed),
    min_score: float = typer.Option(DetectParams.min_score),
    unmasked: bool = typer.Option(False, help="Identifiers in clear: needs --by and --reason, both recorded."),
    by: str | None = typer.Option(None),
    reason: str | None = typer.Option(None),
    lang: Lang = typer.Option(ExportParams.lang, help="Language of the exported reasons."),
    mapping: Path | None = typer.Option(None, help=MAPPING_HELP),
    budget: int | None = typer.Option(
        ExportParams.budget, help="The team's review capacity: export at most this many leads, the best first."
    ),
    incremental: bool = typer.Option(True, "--incremental/--full", help=INCREMENTAL_HELP),
    executor: Executor = typer.Option(Executor.LOCAL, help=EXECUTOR_HELP),
    read_from: ReadFrom | None = typer.Option(None, help=READ_FROM_HELP),
) -> None:
    """The whole pipeline on one extract: ingest → detect → export (the `pipeline` flow, whose export is masked;
    with --unmasked this process then writes the unmasked one over it, for the user named)."""
    if unmasked:
        ExportParams(out, masked=False, by=by, reason=reason).check()  # refuse before loading, not after
    result = run_pipeline(
        source,
        out,
        engine=engine,
        resolution=resolution,
        seed=seed,
        min_score=min_score,
        lang=lang,
        mapping=str(mapping) if mapping else None,
        budget=budget,
        incremental=incremental,
        executor=executor,
        read_from=read_from,
    )
    if unmasked:
        from flows.export import export

        sent = export(str(out), False, lang, result["detect"]["run_id"], by=by, reason=reason, budget=budget)
        console.print(f"[green]✓[/] [bold red]UNMASKED[/] export {sent['export_id']} by {escape(str(by))} to {out}")


@app.command("docs")
def docs_cmd() -> None:
    """Regenerate docs/graph-model.md, its picture and queries/ from the schema, the model table in docs/detection.md
    and the README's list of saved queries."""
    from duanka.detect.model import with_model_table
    from duanka.library import with_library
    from duanka.settings import project_root
    from graphmodel.docs import write_all

    for path in write_all(project_root()):
        console.print(f"wrote {path}")
    page = project_root() / "docs" / "detection.md"
    page.write_text(with_model_table(page.read_text(encoding="utf-8")), encoding="utf-8")
    console.print(f"wrote {page}")
    readme = project_root() / "README.md"
    readme.write_text(with_library(readme.read_text(encoding="utf-8")), encoding="utf-8")
    console.print(f"wrote {readme}")


def main() -> None:
    """Entry point of the `duanka` command."""
    app()


if __name__ == "__main__":
    main()
