"""Run a saved query from the command line: parameters from k=v, graph values as readable text, in a
read transaction (the server refuses a write)."""

from __future__ import annotations

import re
from typing import Any

import neo4j
from neo4j.exceptions import ClientError
from neo4j.graph import Node, Path, Relationship

from duanka.errors import DuankaError
from duanka.library import WRITES

ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"  # the server's refusal of a write in a read transaction
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
DEFAULTS: dict[str, Any] = {"limit": 100, "hours": 72, "run_id": None}
NUMERIC = {"limit", "hours"}  # every other parameter is text: ids like 13800138000 must stay strings
KEYS = (
    "person_id",
    "msisdn",
    "account_id",
    "device_id",
    "outlet_id",
    "enterprise_id",
    "port_code",
    "middle_number",
    "report_id",
    "cluster_id",
    "run_id",
    "decision_id",
)


def parse_params(pairs: list[str], cypher: str) -> dict[str, Any]:
    """k=v pairs, as text except the numeric ones. Every $parameter of the query must be given."""
    params = {k: v for k, v in DEFAULTS.items() if f"${k}" in cypher}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise DuankaError(f"Parameter {pair!r} is not k=v.")
        params[key.strip()] = _number(value) if key.strip() in NUMERIC else value
    missing = sorted(set(PARAM.findall(_without_comments(cypher))) - set(params))
    if missing:
        raise DuankaError(f"This query needs {', '.join('--param ' + m + '=…' for m in missing)}.")
    return params


def _without_comments(cypher: str) -> str:
    return "\n".join(line.split("//", 1)[0] for line in cypher.splitlines())


def _number(value: str) -> Any:
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def describe(value: Any) -> str:
    """A value as an investigator reads it in a table."""
    if isinstance(value, Node):
        label = next(iter(value.labels), "")
        key = next((value[k] for k in KEYS if k in value), value.element_id)
        return f"{label} {key}"
    if isinstance(value, Relationship):
        return value.type
    if isinstance(value, Path):
        steps = [
            f"-[{rel.type}]- {describe(node)}" for rel, node in zip(value.relationships, value.nodes[1:], strict=False)
        ]
        return " ".join([describe(value.start_node), *steps])
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(describe(v) for v in value)
    return "" if value is None else str(value)


def run_query(session: neo4j.Session, cypher: str, params: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """A saved query's column names and rows as text, read in a read transaction: should the query try to
    write, the server refuses it and the graph stays as it was."""

    def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[str]]]:
        result = tx.run(cypher, params)
        return list(result.keys()), [[describe(v) for v in record.values()] for record in result]

    try:
        return session.execute_read(work)
    except ClientError as exc:
        if exc.code != ACCESS_MODE:
            raise
        raise DuankaError(
            f"Refused: a saved query only reads, and this one tries to write (what writes has its own command: "
            f"{WRITES})."
        ) from exc
