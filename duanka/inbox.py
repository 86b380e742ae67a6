"""An inbox of extracts for scheduled runs: each new extract processed once, then moved, never lost.

Layout under the inbox root: `incoming/` (drop one directory per extract;
write it under a name starting with "." and rename it when complete),
`done/`, `failed/` (with FAILED.txt saying why, identifiers masked), and `ledger.jsonl`, which
records every extract's checksum and outcome. An extract whose checksum is
already in the ledger as done is not processed again; it goes to done/ marked
as a repeat. Moves are renames on one file system: an extract is always in
exactly one of the three folders.

An extract that is a symbolic link, or holds one, is never read (a link could hand
the pipeline any file its user can read, or have FAILED.txt written through it):
it is moved as it is, links unfollowed, into a folder of its own under failed/,
beside a FAILED.txt naming the links.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from duanka.export.mask import mask_text
from duanka.ids import sha256_of


@dataclass
class Outcome:
    extract: str
    status: str  # done | failed | repeat
    checksum: str
    moved_to: str
    detail: str
    at: str


def extract_checksum(folder: Path) -> str:
    """The extract's files, by relative name and content: the same bytes give the same checksum."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(folder).as_posix()}:{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def symlinks(folder: Path) -> list[str]:
    """The symbolic links `folder` is or holds, by name inside it; none is followed."""
    if folder.is_symlink():
        return [folder.name]
    found = []
    for root, dirs, files in os.walk(folder):  # a linked folder is listed among `dirs`, never entered
        found += [(Path(root) / n).relative_to(folder).as_posix() for n in dirs + files if Path(root, n).is_symlink()]
    return sorted(found)


@dataclass
class Inbox:
    root: Path

    def __post_init__(self) -> None:
        for sub in ("incoming", "done", "failed"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def ledger(self) -> Path:
        """The file recording every extract processed, by checksum."""
        return self.root / "ledger.jsonl"

    def pending(self) -> list[Path]:
        """Extract folders waiting in incoming/, oldest first."""
        return sorted(
            p
            for p in (self.root / "incoming").iterdir()
            if (p.is_dir() or p.is_symlink()) and not p.name.startswith(".")
        )

    def done_checksums(self) -> dict[str, str]:
        """Checksums of extracts already processed, so a re-dropped copy is recognised."""
        if not self.ledger.exists():
            return {}
        rows = [json.loads(line) for line in self.ledger.read_text(encoding="utf-8").splitlines() if line]
        return {r["checksum"]: r["extract"] for r in rows if r["status"] == "done"}

    def _move(self, extract: Path, folder: str) -> Path:
        target = self.root / folder / extract.name
        if target.exists():
            target = target.with_name(f"{extract.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}")
        extract.rename(target)
        return target

    def _refuse(self, extract: Path, links: list[str]) -> Outcome:
        """An extract that is or holds a symbolic link, moved unread into failed/<name>/ beside its FAILED.txt."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        folder = self._move_into(extract)
        reason = f"refused, not read: symbolic links are not taken from the inbox ({', '.join(links)})"
        (folder / "FAILED.txt").write_text(f"{now}\n{reason}\n", encoding="utf-8")
        return self._record(Outcome(extract.name, "failed", "", str(folder / extract.name), reason, now))

    def _move_into(self, extract: Path) -> Path:
        """A new folder under failed/ holding `extract` (a link moved as a link), so nothing is written
        inside what came in."""
        folder = self.root / "failed" / extract.name
        if folder.exists() or folder.is_symlink():
            folder = folder.with_name(f"{extract.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}")
        folder.mkdir()
        extract.rename(folder / extract.name)
        return folder

    def _record(self, outcome: Outcome) -> Outcome:
        with self.ledger.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
        return outcome

    def process(self, run: Callable[[Path], dict[str, Any]]) -> list[Outcome]:
        """Run each pending extract through `run` (the pipeline), oldest name first; one failure stops nothing."""
        outcomes = []
        for extract in self.pending():
            links = symlinks(extract)
            if links:
                outcomes.append(self._refuse(extract, links))
                continue
            checksum = extract_checksum(extract)
            now = datetime.now(UTC).isoformat(timespec="seconds")
            earlier = self.done_checksums().get(checksum)
            if earlier:
                moved = self._move(extract, "done")
                outcomes.append(
                    self._record(
                        Outcome(
                            extract.name,
                            "repeat",
                            checksum,
                            str(moved),
                            f"same files as {earlier}, already processed",
                            now,
                        )
                    )
                )
                continue
            try:
                summary = run(extract)
            except Exception as exc:  # any failure: keep the extract, say why, go on with the next
                moved = self._move(extract, "failed")
                reason = mask_text(f"{type(exc).__name__}: {exc}")  # an error may quote a row
                trace = mask_text(traceback.format_exc())
                (moved / "FAILED.txt").write_text(f"{now}\n{reason}\n\n{trace}", encoding="utf-8")
                outcomes.append(self._record(Outcome(extract.name, "failed", checksum, str(moved), reason, now)))
                continue
            moved = self._move(extract, "done")
            detail = json.dumps(
                {k: v.get("run_id") or v.get("export_id") for k, v in summary.items() if isinstance(v, dict)}
            )
            outcomes.append(self._record(Outcome(extract.name, "done", checksum, str(moved), detail, now)))
        return outcomes
