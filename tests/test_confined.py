"""What an extract names is read from inside it: mapping files stay in the extract, inbox links are refused unread."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from duanka.errors import DuankaError
from duanka.inbox import Inbox
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.run import IngestOptions, check
from duanka.settings import Settings

SIMS = "msisdn,holder_person_id,activated_at\n13800000000,P1,2024-01-01\n"


def _mapping(folder: Path, file: str) -> Path:
    path = folder / "mapping.toml"
    path.write_text(f'[sims]\nfile = "{file}"\n[sims.columns]\n"号码" = "msisdn"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("file", ["/etc/passwd", "../elsewhere/sims.csv", "sub/../../sims.csv"])
def test_a_mapping_file_outside_the_extract_is_refused_naming_its_entry(tmp_path: Path, file: str) -> None:
    extract = tmp_path / "extract"
    extract.mkdir()
    with pytest.raises(DuankaError, match=rf"\[sims\] file '{re.escape(file)}' is outside the extract"):
        SourceMapping.read(_mapping(extract, file))


def test_a_mapping_file_inside_the_extract_is_read_from_its_subfolder(tmp_path: Path) -> None:
    extract = tmp_path / "extract"
    (extract / "号码").mkdir(parents=True)
    (extract / "号码" / "号码信息.csv").write_text("备注\n13800000000\n", encoding="utf-8")
    mapping = SourceMapping.read(_mapping(extract, "号码/号码信息.csv"))
    with pytest.raises(DuankaError, match=r"号码信息\.csv is rejected: its header"):  # found and read: it lacks columns
        check(Settings.from_env(), IngestOptions(extract, mapping=mapping))


def test_a_mapping_file_a_symlink_takes_outside_the_extract_is_refused_unread(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "sims.csv"
    secret.parent.mkdir()
    secret.write_text(SIMS, encoding="utf-8")
    extract = tmp_path / "extract"
    extract.mkdir()
    (extract / "号码信息.csv").symlink_to(secret)
    mapping = SourceMapping.read(_mapping(extract, "号码信息.csv"))
    with pytest.raises(DuankaError, match=r"\[sims\] file '号码信息.csv' leads outside the extract"):
        check(Settings.from_env(), IngestOptions(extract, mapping=mapping))


@pytest.mark.parametrize("how", ["the extract is a link", "it holds a linked file", "it holds a linked folder"])
def test_an_inbox_extract_with_a_symlink_is_refused_unread_and_its_target_untouched(tmp_path: Path, how: str) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "sims.csv").write_text(SIMS, encoding="utf-8")
    (target / "FAILED.txt").write_text("not the inbox's\n", encoding="utf-8")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in target.iterdir()}
    box = Inbox(tmp_path / "inbox")
    extract = box.root / "incoming" / "day-1"
    if how == "the extract is a link":
        extract.symlink_to(target, target_is_directory=True)
    else:
        extract.mkdir()
        (extract / "persons.csv").write_text("person_id\nP1\n", encoding="utf-8")
        if how == "it holds a linked file":
            (extract / "sims.csv").symlink_to(target / "sims.csv")
            (extract / "FAILED.txt").symlink_to(target / "FAILED.txt")  # FAILED.txt is never written through it
        else:
            (extract / "more").symlink_to(target, target_is_directory=True)
    read: list[Path] = []

    outcomes = box.process(lambda folder: read.append(folder) or {})

    assert not read, "the pipeline never saw it"
    [outcome] = outcomes
    assert outcome.status == "failed" and "symbolic link" in outcome.detail
    moved = Path(outcome.moved_to)
    assert moved.parent.parent == box.root / "failed" and not (box.root / "incoming" / "day-1").exists()
    reason = (moved.parent / "FAILED.txt").read_text(encoding="utf-8")
    assert "symbolic link" in reason
    if how == "the extract is a link":
        assert moved.is_symlink() and moved.readlink() == target  # moved as a link
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in target.iterdir()} == before
    ledger = [json.loads(line) for line in box.ledger.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in ledger] == ["failed"]
