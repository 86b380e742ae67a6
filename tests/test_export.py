"""Lead export and the investigator's query library, against the real server and a generated scenario."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from helpers import load_into_empty

from duanka import audit, db, queries
from duanka.errors import DuankaError
from duanka.export import mask, sheets
from duanka.export.run import CLUSTER_COLUMNS, ExportParams, export
from duanka.generate import generate
from duanka.identifiers import normalise_msisdn
from duanka.library import LIBRARY, saved
from duanka.querytool import parse_params, run_query
from duanka.settings import Settings
from flows.detect import detect

HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'
CONTRACT_LEADS = ["rank", "entity_type", "entity_id", "role", "role_label", "cluster_id", "score", "reasons"]


# -- pure functions --------------------------------------------------------------------------------


def test_masks_follow_the_contract_formats() -> None:
    assert mask.mask_id("13812345678", "sim") == "138****5678"
    assert mask.mask_id("6222021234561234", "account") == "622202******1234"  # issuer (BIN) and last four
    assert mask.mask_id("6222021234561234567", "account") == "622202*********4567"
    assert mask.mask_id("11010519491231002X", "person") == "110***********002X"
    assert mask.mask_id("P00000123", "person") == "P0*****23"
    assert mask.mask_name("张三丰") == "张**"
    text = "ran in device 868915039137963 with 13812345678; id 11010519491231002X"
    masked = mask.mask_text(text)
    assert "868915039137963" not in masked and "13812345678" not in masked and "11010519491231002X" not in masked
    assert "138****5678" in masked
    fingerprint = mask.mask_text("operated from device DEV-a81f0c77", mask.known_ids(["DEV-a81f0c77"]))
    assert "DEV-a81f0c77" not in fingerprint and fingerprint.endswith("DE********77")


@pytest.mark.parametrize("value", [HYPERLINK, "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(value: str) -> None:
    assert sheets.neutralise(value) == "'" + value
    assert sheets.neutralise("plain") == "plain"


def test_cli_params_are_typed_and_required() -> None:
    cypher = "MATCH (s:Sim {msisdn: $msisdn}) RETURN s LIMIT $limit // $ignored"
    assert parse_params(["msisdn=13800138000", "limit=5"], cypher) == {"limit": 5, "msisdn": "13800138000"}
    with pytest.raises(DuankaError, match="--param msisdn"):
        parse_params([], cypher)


# -- against the database -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated world whose top number dealer has a formula for a person id."""
    source = tmp_path_factory.mktemp("export")
    generate(source, "demo", persons=1500, seed=5)
    truth = pd.read_csv(source / "truth.csv", dtype=str)
    dealer = truth[truth["role"] == "number_dealer"]["entity_id"].iloc[0]
    for name, column in (("persons", "person_id"), ("sims", "holder_person_id"), ("bank_accounts", "holder_person_id")):
        frame = pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)
        frame[column] = frame[column].replace(dealer, HYPERLINK)
        frame.to_csv(source / f"{name}.csv", index=False)
    truth["entity_id"] = truth["entity_id"].replace(dealer, HYPERLINK)
    truth.to_csv(source / "truth.csv", index=False)
    load_into_empty(settings, source)
    detect(seed=2)
    return source


@pytest.fixture(scope="module")
def masked(settings: Settings, scenario: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("masked")
    export(settings, ExportParams(out))
    return out


def source_identifiers(source: Path) -> set[str]:
    ids: set[str] = set()
    columns = {
        "persons": ["person_id", "id_number"],
        "sims": ["msisdn", "iccid", "imsi"],
        "bank_accounts": ["account_id"],
        "devices": ["device_id"],
        "sim_device_links": ["device_id"],
    }
    for name, cols in columns.items():
        frame = pd.read_csv(source / f"{name}.csv", dtype=str, keep_default_na=False)
        for col in cols:
            ids.update(v for v in frame[col] if v)
    ids.update(normalise_msisdn(pd.read_csv(source / "sims.csv", dtype=str)["msisdn"]).dropna())
    names = pd.read_csv(source / "persons.csv", dtype=str, keep_default_na=False)["name"]
    ids.update(n for n in names if len(n) >= 3)
    return ids


def exported_text(out: Path) -> str:
    parts = [p.read_text(encoding="utf-8-sig") for p in out.rglob("*") if p.suffix in (".csv", ".html", ".json")]
    with zipfile.ZipFile(out / "leads.xlsx") as book:
        parts += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")]
    return "\n".join(parts)


def test_export_writes_the_contract_files(masked: Path) -> None:
    names = {p.relative_to(masked).as_posix() for p in masked.rglob("*") if p.is_file()}
    assert {"clusters.csv", "leads.csv", "leads.xlsx", "report.html", "manifest.json"} <= names
    assert not list(masked.glob(".partial-*"))
    for name in ("clusters.csv", "leads.csv"):
        assert (masked / name).read_bytes().startswith(b"\xef\xbb\xbf"), f"{name} has no BOM"
    leads = pd.read_csv(masked / "leads.csv", encoding="utf-8-sig", dtype={"cluster_id": str})
    clusters = pd.read_csv(masked / "clusters.csv", encoding="utf-8-sig")
    assert list(leads.columns[: len(CONTRACT_LEADS)]) == CONTRACT_LEADS and list(clusters.columns) == CLUSTER_COLUMNS
    assert leads["rank"].tolist() == list(range(1, len(leads) + 1))
    assert leads["score"].between(0, 1).all()
    assert set(leads["role_label"]) <= {"卡农", "号商", "卡头", "猫池设备", "跑分账户", "涉诈号码", "待定"}
    assert set(leads["cluster_id"].dropna()) <= set(clusters["cluster_id"])
    manifest = json.loads((masked / "manifest.json").read_text(encoding="utf-8"))
    for table in (leads, clusters):  # every row says which run, software, settings and time it came from
        assert (table["run_id"] == manifest["detect_run"]["run_id"]).all()
        assert table["model"].str.contains("igraph resolution=1.0 seed=2").all() and table["scored_at"].notna().all()
    assert manifest["masked"] is True and manifest["algorithm"]["engine"] == "igraph"
    files = manifest["sources"][0]["files"]
    assert {f["file"] for f in files} >= {"persons", "sims", "bank_accounts"}
    assert all(f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"] and len(f["sha256"]) == 64 for f in files)
    from duanka.ids import sha256_of

    assert all(sha256_of(masked / name) == digest for name, digest in manifest["files"].items())


def test_masked_export_leaks_no_source_identifier(masked: Path, scenario: Path) -> None:
    text = exported_text(masked)
    leaked = sorted(i for i in source_identifiers(scenario) if i in text)
    assert not leaked, f"unmasked identifiers in the export: {leaked[:10]}"
    assert re.search(r"\d{3}\*{4}\d{4}|\d{4} \*{4} \*{4} \d{4}|P0\*+\d\d", text)


def test_formula_in_source_is_neutralised_in_csv_and_xlsx(settings: Settings, scenario: Path, tmp_path: Path) -> None:
    export(settings, ExportParams(tmp_path, masked=False, by="测试员", reason="formula check"))
    raw = (tmp_path / "leads.csv").read_text(encoding="utf-8-sig")
    assert "'" + HYPERLINK.replace('"', '""') in raw
    assert not re.search(r'(^|,)"?=HYPERLINK', raw, re.MULTILINE)
    with zipfile.ZipFile(tmp_path / "leads.xlsx") as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheets_xml = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "&apos;=HYPERLINK" in strings or "'=HYPERLINK" in strings
    assert "<f>" not in sheets_xml
    assert HYPERLINK.split("(")[0] in raw  # the unmasked export carries the source value, neutralised


def test_unmasked_export_needs_a_named_user_and_reason_and_is_audited(
    settings: Settings, scenario: Path, tmp_path: Path
) -> None:
    with pytest.raises(DuankaError, match="--by"):
        export(settings, ExportParams(tmp_path / "a", masked=False))
    with pytest.raises(DuankaError, match="--reason"):
        export(settings, ExportParams(tmp_path / "b", masked=False, by="李警官", reason="  "))
    assert not (tmp_path / "a").exists()
    export(settings, ExportParams(tmp_path / "c", masked=False, by="李警官", reason="case 2026-117 warrant"))
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["masked"] is False and manifest["exported_by"] == "李警官"
    assert manifest["unmasked_reason"] == "case 2026-117 warrant"
    last = [e for e in audit.entries(settings) if e["action"] == "export"][-1]
    assert last["by"] == "李警官" and last["masked"] is False and last["reason"] == "case 2026-117 warrant"
    assert last["out"] == str((tmp_path / "c").resolve())


def test_report_embeds_a_drawing_per_top_cluster(masked: Path) -> None:
    import matplotlib.image

    html = (masked / "report.html").read_text(encoding="utf-8")
    pngs = sorted((masked / "clusters").glob("*.png"))
    assert len(pngs) == min(10, len(pd.read_csv(masked / "clusters.csv", encoding="utf-8-sig")))
    assert html.count("data:image/png;base64,") == len(pngs)
    assert "suspicion" in html and 'src="http' not in html  # self-contained: nothing fetched
    pixels = matplotlib.image.imread(pngs[0])
    assert pixels.std() > 0.05, "the cluster drawing is blank"


def test_a_failed_export_publishes_nothing_and_keeps_the_previous_one(
    settings: Settings, scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from duanka.export import report

    export(settings, ExportParams(tmp_path))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "write", disk_full)
    with pytest.raises(DuankaError, match="No space left on device"):
        export(settings, ExportParams(tmp_path))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    assert not list(tmp_path.glob(".partial-*"))


# -- the investigator's query library ------------------------------------------------------------


def query(settings: Settings, name: str, **params: object) -> list[dict]:
    with db.session(settings) as sess:
        return db.read(sess, queries.load(name), **params)


def test_every_library_query_parses_and_runs(settings: Settings, scenario: Path) -> None:
    """Each saved query of the library runs, read-only, with CLI-style parameters and returns a table."""
    truth = pd.read_csv(scenario / "truth.csv", dtype=str)
    sim = truth[truth["role"] == "fraud_sim"]["entity_id"].iloc[0]
    account = truth[truth["role"] == "mule_account"]["entity_id"].iloc[0]
    cluster = query(settings, "latest_clusters", limit=1)[0]["cluster_id"]
    given = {
        "cluster_id": cluster,
        "msisdn": sim,
        "person": truth[truth["role"] == "card_farmer"]["entity_id"].iloc[0],
        "account_id": account,
        # this world leases no port and rents no middle number: their queries must still run and name columns
        "port_code": "1069012345678",
        "middle_number": "17012345678",
        "enterprise_id": "ENT0001",
    }
    for name in LIBRARY:
        cypher = saved(name)
        pairs = [f"{k}={v}" for k, v in given.items() if f"${k}" in cypher]
        with db.session(settings) as sess:
            columns, _rows = run_query(sess, cypher, parse_params(pairs, cypher))
        assert columns, name


def test_cluster_query_returns_the_ring_behind_the_top_cluster(settings: Settings, scenario: Path) -> None:
    truth = pd.read_csv(scenario / "truth.csv", dtype=str)
    top = query(settings, "latest_clusters", limit=1)[0]
    with db.session(settings) as sess:
        rows = list(sess.run(queries.load("cluster"), cluster_id=top["cluster_id"]))
    members = {
        dict(r["member"]).get("person_id")
        or dict(r["member"]).get("msisdn")
        or dict(r["member"]).get("account_id")
        or dict(r["member"]).get("device_id")
        for r in rows
    }
    planted = truth[truth["role"] != "benign"]
    ring = planted[planted["entity_id"].isin(members)]["ring_id"].value_counts()
    assert len(ring) and ring.iloc[0] >= 0.5 * len(members), "the top cluster is mostly one planted ring"
    assert any(r["link"] is not None for r in rows)


def test_shared_device_query_finds_the_sim_box_neighbours(settings: Settings, scenario: Path) -> None:
    links = pd.read_csv(scenario / "sim_device_links.csv", dtype=str)
    truth = pd.read_csv(scenario / "truth.csv", dtype=str)
    box = truth[truth["role"] == "device_farm"]["entity_id"].iloc[0]
    in_box = sorted(set(links[links["device_id"] == box]["msisdn"]))
    rows = query(settings, "shared_device", msisdn=in_box[0])
    shared = {r["shares_it"].get("msisdn") for r in rows}
    assert set(in_box[1:]) <= shared


def test_identity_query_lists_every_card_and_account(settings: Settings, scenario: Path) -> None:
    truth = pd.read_csv(scenario / "truth.csv", dtype=str)
    farmer = truth[truth["role"] == "card_farmer"]["entity_id"].iloc[0]
    sims = pd.read_csv(scenario / "sims.csv", dtype=str)
    accounts = pd.read_csv(scenario / "bank_accounts.csv", dtype=str)
    expected = set(normalise_msisdn(sims[sims["holder_person_id"] == farmer]["msisdn"]))
    expected |= set(accounts[accounts["holder_person_id"] == farmer]["account_id"])
    rows = query(settings, "identity", person=farmer)
    assert {r["card_or_account"].get("msisdn") or r["card_or_account"].get("account_id") for r in rows} == expected
    id_number = pd.read_csv(scenario / "persons.csv", dtype=str).set_index("person_id").loc[farmer, "id_number"]
    assert len(query(settings, "identity", person=id_number)) == len(expected)


def test_money_path_follows_transfers_forward_in_time(settings: Settings, scenario: Path) -> None:
    transfers = pd.read_csv(scenario / "transfers.csv", dtype=str)
    reports = pd.read_csv(scenario / "reports.csv", dtype=str).dropna(subset=["account_id"])
    start = next(a for a in reports["account_id"] if (transfers["from_account"] == a).any())
    rows = query(settings, "money_path", account_id=start, hours=72, limit=200)
    assert rows
    first_hops = {r["path"][2]["account_id"] for r in rows if r["hops"] == 1}
    assert first_hops <= set(transfers[transfers["from_account"] == start]["to_account"])
    for r in rows:
        assert r["times"] == sorted(r["times"])


def test_neighbourhood_reaches_holder_and_devices(settings: Settings, scenario: Path) -> None:
    links = pd.read_csv(scenario / "sim_device_links.csv", dtype=str)
    sims = pd.read_csv(scenario / "sims.csv", dtype=str)
    sims["msisdn"] = normalise_msisdn(sims["msisdn"])
    msisdn = links["msisdn"].iloc[0]
    rows = query(settings, "neighbourhood", msisdn=msisdn, limit=1000)
    reached = {r["reaches"] for r in rows}
    assert set(links[links["msisdn"] == msisdn]["device_id"]) <= reached
    holder = sims.set_index("msisdn").loc[msisdn, "holder_person_id"]
    assert holder in reached


def test_new_or_grown_sees_every_cluster_new_then_nothing_after_an_identical_run(
    settings: Settings, scenario: Path
) -> None:
    clusters = query(settings, "latest_clusters", limit=10_000)
    changes = query(settings, "new_or_grown")  # the module's database has had one detection run
    assert len(changes) == len(clusters) and {c["change"] for c in changes} == {"new"}
    detect(seed=2)
    assert query(settings, "new_or_grown") == []


def test_the_report_shows_amounts_in_whole_yuan_and_scores_as_written() -> None:
    from duanka.export.report import _table

    html_table = _table(
        pd.DataFrame({"amount": [12710.0, 2838.0], "score": [0.99, 0.5]}), {"amount": "a", "score": "s"}
    )
    assert "12,710" in html_table and "2,838" in html_table and "e+" not in html_table
    assert ">0.99<" in html_table and ">0.5<" in html_table
