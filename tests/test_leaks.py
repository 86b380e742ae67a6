"""Nothing unmasked leaves: a whole run on a world with hostile, short, token and MAC ids, scanned for
every identifier the world holds.

The run: `duanka run` (ingest → detect → export, Prefect artifacts and logs), an investigator's decision
whose note quotes numbers and ids, `duanka case` on that cluster, and a scheduled inbox run that fails on
an error quoting a source's values. Scanned: every file written to the export and case directories (CSV,
JSON, the report's HTML, every cell of the workbook, PNG text chunks), the labels put on every drawing,
FAILED.txt and the inbox ledger, every Prefect artifact and log the test made (read back from the test
Prefect server), the log records of the process and the console output of the CLI commands.

Out of scope, said here so it is not mistaken for a gap: the private work folder (DUANKA_WORK_DIR: the
ingest's quarantine files and run manifests, owner-only, inside the analysis environment, needed so no
row is ever lost), the audit log (the project's own tamper-evident record), and the extracts themselves
(inputs, kept in the inbox as received).
"""

from __future__ import annotations

import html
import json
import logging
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx
import pandas as pd
import pytest

from duanka import db
from duanka.casework import decide
from duanka.export import mask
from duanka.generate import generate
from duanka.identifiers import normalise_msisdn
from duanka.settings import Settings

HOSTILE = {  # by the role of the entity whose id they replace: drawn, cited in reasons, led
    ("device", "device_farm", 0): "$\\foo{$",
    ("device", "device_farm", 1): "<script>alert(1)</script>",
    ("device", "device_farm", 2): "AA:BB:CC:DD:EE:0F",
    ("device", "device_farm", 3): "9774d56d682e549c",  # an Android ID
    ("device", "card_collector", 0): "DEV-a81f0c77e2",
    ("device", "number_dealer", 0): "LONG-" + "x9" * 150,
    ("account", "mule_account", 0): "1234567",
    ("account", "mule_account", 1): "7654321",
    ("person", "number_dealer", 0): "3f2a9c0b7d1e4f5a6b7c8d9e0f1a2b3c",  # a pseudonymised person (32 hex)
    ("person", "card_farmer", 0): "Q7",
}


def hostile_world(source: Path) -> dict[str, str]:
    """A demo world whose ringleaders' ids are replaced by hostile and odd ones, in every file."""
    generate(source, "demo", persons=800, seed=4)
    truth = pd.read_csv(source / "truth.csv", dtype=str)
    swap: dict[str, str] = {}
    for (kind, role, n), new in HOSTILE.items():
        swap[truth[(truth["entity_type"] == kind) & (truth["role"] == role)]["entity_id"].iloc[n]] = new
    for path in source.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.replace(swap).to_csv(path, index=False)
    return swap


def identifiers(source: Path) -> set[str]:
    """Every identifier of a person the world holds, raw and in the ways people write them."""
    read = lambda name: pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    persons, sims, accounts = read("persons"), read("sims"), read("bank_accounts")
    found = {*persons["person_id"], *persons["id_number"], *persons["name"], *read("devices")["device_id"]}
    found |= {*accounts["account_id"], *read("transfers")["from_account"], *read("transfers")["to_account"]}
    found |= {*sims["iccid"], *sims["imsi"], *sims["msisdn"]}
    for m in normalise_msisdn(sims["msisdn"]).dropna():
        found |= {m, f"{m[:3]}-{m[3:7]}-{m[7:]}", f"{m[:3]} {m[3:7]} {m[7:]}", f"+86 {m}"}
    return {i for i in found if i}


def leaks(ids: set[str], where: str, text: str) -> list[str]:
    """Each identifier found whole in `text` (not inside a longer word or number), raw or HTML-escaped."""
    text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", text)  # the report's embedded pictures: pixels
    text += "\n" + html.unescape(text)
    return [
        f"{where}: {i[:40]!r}"
        for i in ids
        if i in text and re.search(rf"(?<![0-9A-Za-z]){re.escape(i)}(?![0-9A-Za-z])", text)
    ]


def file_text(path: Path) -> str:
    """What a file says, whatever its kind: every part of a workbook, a PNG's text chunks, or text."""
    if path.suffix == ".xlsx":  # every part of the workbook: cells, shared strings, properties
        with zipfile.ZipFile(path) as z:
            return "\n".join(html.unescape(z.read(n).decode("utf-8", "replace")) for n in z.namelist())
    data = path.read_bytes()
    if path.suffix == ".png":  # its text chunks; the labels drawn are checked as they are drawn
        chunks, at = [], 8
        while at < len(data):
            size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
            if kind in (b"tEXt", b"iTXt", b"zTXt"):
                chunks.append(data[at + 8 : at + 8 + size].decode("latin-1"))
            at += 12 + size
        return "\n".join(chunks)
    return data.decode("utf-8", "replace")


def prefect_records(since: datetime) -> list[str]:
    """The artifacts and logs this test made, as the Prefect server holds them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterTimestamp

    for handler in logging.getLogger("prefect.flow_runs").handlers:
        handler.flush()
    texts: list[str] = []
    with get_client(sync_client=True) as client:
        texts += [
            f"artifact {a.key}: {a.description} {json.dumps(a.data)}"
            for a in client.read_artifacts()
            if a.created is not None and a.created >= since
        ]
        recent, read = LogFilter(timestamp=LogFilterTimestamp(after_=since)), 0
        while logs := client.read_logs(recent, limit=200, offset=read):
            texts += [f"log: {log.message}" for log in logs]
            read += len(logs)
    return texts


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    source = tmp_path_factory.mktemp("leaks") / "extract"
    return source, hostile_world(source)


def test_nothing_unmasked_leaves_a_run(
    prefect_server: None,
    empty_db: Settings,
    world: tuple[Path, dict[str, str]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from duanka.cli import app
    from flows.inbox import process_inbox

    source, _ = world
    since = datetime.now(UTC)
    labels: list[str] = []
    drawn = networkx.draw_networkx_labels

    def record_labels(*args: Any, **kwargs: Any) -> Any:
        labels.extend(str(v) for v in (kwargs.get("labels") or {}).values())
        return drawn(*args, **kwargs)

    monkeypatch.setattr(networkx, "draw_networkx_labels", record_labels)
    caplog.set_level(logging.INFO)
    out, case, inbox = tmp_path / "out", tmp_path / "case", tmp_path / "inbox"
    runner = CliRunner()
    ran = runner.invoke(app, ["run", "--source", str(source), "--out", str(out)], catch_exceptions=False)
    assert ran.exit_code == 0, ran.output

    sims = pd.read_csv(source / "sims.csv", dtype=str)
    phone = normalise_msisdn(sims["msisdn"]).dropna().iloc[0]
    id_number = pd.read_csv(source / "persons.csv", dtype=str)["id_number"].iloc[0]
    note = (
        f"Owner confirmed by phone {phone[:3]}-{phone[3:7]}-{phone[7:]} (also +86 {phone[:3]} {phone[3:7]} {phone[7:]}); "
        f"ID {id_number[:6]} {id_number[6:14]} {id_number[14:]}; paid into 1234567 from DEV-a81f0c77e2 and AA:BB:CC:DD:EE:0F."
    )
    decision = decide(empty_db, "device:$\\foo{$", "confirmed", "inspector Li", note)
    with db.session(empty_db) as sess:
        cluster = sess.run(
            "MATCH (:Device {device_id: $id})-[:MEMBER_OF]->(c:Cluster) RETURN c.cluster_id AS c ORDER BY c DESC LIMIT 1",
            id="$\\foo{$",
        ).single()
    assert decision and cluster is not None, "the hostile device must sit in a cluster for the case file"
    cased = runner.invoke(app, ["case", cluster["c"], "--out", str(case)], catch_exceptions=False)
    assert cased.exit_code == 0, cased.output
    labels_shown = list(labels)  # the unmasked case file's drawing below is allowed its ids
    clear = runner.invoke(  # unmasked, as it may be with a name and a reason: the hostile ids drawn as they are
        app,
        ["case", cluster["c"], "--out", str(tmp_path / "clear"), "--unmasked", "--by", "Li", "--reason", "warrant 7"],
        catch_exceptions=False,
    )
    assert clear.exit_code == 0 and "$\\foo{$" in (tmp_path / "clear" / "members.csv").read_text(encoding="utf-8")

    failing = inbox / "incoming" / "day-2"  # a mapping written against a headerless file: its first row
    failing.mkdir(parents=True)  # became the header, and the rejection quotes it
    (failing / "sims.csv").write_text((source / "sims.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (failing / "mapping.toml").write_text(
        f'[sims.columns]\n"{phone[:3]}-{phone[3:7]}-{phone[7:]}" = "phone"\n"DEV-a81f0c77e2" = "device"\n'
        f'"{id_number}" = "id"\n',
        encoding="utf-8",
    )
    outcomes = process_inbox(str(inbox), str(tmp_path / "scheduled"))
    assert [o["status"] for o in outcomes] == ["failed"]
    failed_txt = next((inbox / "failed").glob("*/FAILED.txt"))
    assert "phone" in failed_txt.read_text(encoding="utf-8")  # it still says why

    ids = identifiers(source)
    assert set(HOSTILE.values()) <= ids
    found: list[str] = []
    written = [p for folder in (out, case, tmp_path / "scheduled") for p in folder.rglob("*") if p.is_file()]
    assert {"leads.xlsx", "report.html", "clusters.csv", "decisions.csv", "cluster.png"} <= {p.name for p in written}
    for path in [*written, failed_txt, inbox / "ledger.jsonl"]:
        found += leaks(ids, str(path.relative_to(tmp_path)), file_text(path))
    found += leaks(ids, "drawing labels", "\n".join(labels_shown))
    found += leaks(ids, "console of `duanka run`", ran.output)
    found += leaks(ids, "console of `duanka case`", cased.output)
    for text in prefect_records(since):
        found += leaks(ids, text[:30], text)
    for record in caplog.records:
        found += leaks(ids, f"log record {record.name}", record.getMessage() + (record.exc_text or ""))
    assert labels_shown and not found, "\n".join(sorted(set(found))[:40])


def test_hostile_ids_are_drawn_as_text(tmp_path: Path) -> None:
    """An id that is mathtext, markup or very long is drawn as text, not parsed (mathtext failed the export)."""
    from duanka.draw import draw_subgraph

    g = networkx.Graph()
    for i, v in enumerate(("$\\foo{$", "<script>x</script>", "L" * 400, "$x$")):
        g.add_node(i, kind="device", role="device_farm", label=mask.mask_id(v) if i == 3 else v)
    g.add_edges_from([(0, 1), (1, 2), (2, 3)])
    path = draw_subgraph(g, tmp_path / "hostile.png", "C1 $\\foo{$")
    assert path.stat().st_size > 1000
