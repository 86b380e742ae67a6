"""A source's own file names, headers and codes onto the input contract's, from a mapping file.

Operators, banks and police export with their own headers (手机号码, 身份证号,
开户时间) and codes (`01` for China Mobile). A mapping file — TOML or YAML,
passed with `--mapping` or shipped in the extract as `mapping.toml` /
`mapping.yaml` — says once how to read them; see docs/mapping.md.

    [sims]
    file = "号码信息.csv"            # the source's file name (default: sims.csv)
    [sims.columns]                  # source header = contract column
    "手机号码" = "msisdn"
    [sims.values.carrier]           # source code = contract value
    "01" = "CMCC"

A pseudonymised column (tokens instead of numbers) is found by itself; `tokens = ["msisdn"]` in a
file's table declares one whose tokens the detection would not take (short, or of varying length).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import yaml

from duanka.errors import DuankaError
from duanka.ingest.contract import SPECS, FileSpec
from duanka.ingest.tokens import KINDS

IN_EXTRACT = ("mapping.toml", "mapping.yaml", "mapping.yml")


@dataclass(frozen=True)
class FileMap:
    """How one contract file arrives: its name in the source, its headers, its codes."""

    file: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # source header → contract column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column → {source code: value}
    tokens: tuple[str, ...] = ()  # contract columns the source pseudonymised (tokens.py)

    def header(self, names: list[str]) -> list[str]:
        """The source's header with its names replaced by the contract's."""
        return [self.columns.get(n, n) for n in names]

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Contract headers and codes; a code the mapping does not name is left for validation to judge."""
        if self.columns:
            frame = frame.rename(columns=self.columns)
        for column, codes in self.values.items():
            if column in frame.columns:
                frame[column] = frame[column].replace(codes)
        return frame


@dataclass(frozen=True)
class SourceMapping:
    files: dict[str, FileMap] = field(default_factory=dict)
    path: Path | None = None
    digest: str = ""  # of the mapping file: a changed mapping is a changed extract

    def of(self, name: str) -> FileMap:
        """The mapping of one contract file (empty when the mapping says nothing of it)."""
        return self.files.get(name, NO_MAP)

    @classmethod
    def read(cls, path: Path) -> SourceMapping:
        """A mapping file (TOML or YAML); its mistakes named in one error."""
        text = path.read_bytes()
        try:
            raw = tomllib.loads(text.decode("utf-8-sig")) if path.suffix == ".toml" else yaml.safe_load(text) or {}
        except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DuankaError(f"Mapping file {path} cannot be read: {exc}") from exc
        return cls(_files(raw, path), path, hashlib.sha256(text).hexdigest())

    @classmethod
    def find(cls, source: Path, given: Path | None) -> SourceMapping:
        """The mapping passed by the user, else the one the extract ships, else none."""
        if given is not None:
            if not given.is_file():
                raise DuankaError(f"Mapping file {given} does not exist.")
            return cls.read(given)
        shipped = next((source / n for n in IN_EXTRACT if (source / n).is_file()), None)
        return cls.read(shipped) if shipped else cls()


NO_MAP = FileMap()


def outside_the_extract(name: str, file: Any) -> list[str]:
    """Why a mapping's `file` is refused: only a name inside the extract is read (`read.find_source_file`
    also refuses one that a symbolic link takes outside it)."""
    if file is None:
        return []
    if not isinstance(file, str) or not file.strip():
        return [f"[{name}] file must be a file name inside the extract, not {file!r}"]
    path = PurePosixPath(file)
    if path.is_absolute() or ".." in path.parts:
        return [f"[{name}] file {file!r} is outside the extract: name a file inside it (no absolute path, no '..')"]
    return []


def _tokens(spec: FileSpec, columns: dict[str, str], given: Any) -> tuple[tuple[str, ...], list[str]]:
    """The declared token columns as contract names (a source header is mapped), and what is wrong."""
    if given is None:
        return (), []
    if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
        return (), [f"a list of column names, not {given!r}"]
    names: tuple[str, ...] = tuple(str(columns.get(g, g)) for g in given)
    kinds: dict[str, str] = {c.name: c.kind for c in spec.columns}
    wrong = [
        f"{g!r} is not a column of {spec.name}"
        if n not in kinds
        else f"{g!r} is not an identifier with a checked form ({', '.join(KINDS)}): its values are taken as given"
        for g, n in zip(given, names, strict=True)
        if kinds.get(n, "") not in KINDS
    ]
    return names, wrong


def _files(raw: Any, path: Path) -> dict[str, FileMap]:
    """Checked against the contract: every mistake in the file in one error."""
    if not isinstance(raw, dict):
        raise DuankaError(f"Mapping file {path}: expected a table per contract file, e.g. [sims].")
    problems: list[str] = []
    files: dict[str, FileMap] = {}
    for name, entry in raw.items():
        spec = SPECS.get(name)
        if spec is None:
            problems.append(f"[{name}] is not a file of the input contract ({', '.join(SPECS)})")
            continue
        if not isinstance(entry, dict):
            problems.append(f"[{name}] must be a table with file, columns and values")
            continue
        known = {c.name for c in spec.columns}
        columns = {str(k): str(v) for k, v in (entry.get("columns") or {}).items()}
        problems += [
            f"[{name}.columns] maps {k!r} to {v!r}, which {name} does not have"
            for k, v in columns.items()
            if v not in known
        ]
        values = {
            str(c): {str(k): str(v) for k, v in codes.items()} for c, codes in (entry.get("values") or {}).items()
        }
        problems += [f"[{name}.values.{c}]: {name} has no column {c!r}" for c in values if c not in known]
        problems += [
            f"[{name}] has an unknown key {k!r} (file, columns, values, tokens)"
            for k in entry
            if k not in ("file", "columns", "values", "tokens")
        ]
        problems += outside_the_extract(name, entry.get("file"))
        tokens, wrong = _tokens(spec, columns, entry.get("tokens"))
        problems += [f"[{name}] tokens: {w}" for w in wrong]
        files[name] = FileMap(entry.get("file"), columns, values, tokens)
    if problems:
        raise DuankaError(f"Mapping file {path} is rejected:\n  " + "\n  ".join(problems))
    return files
