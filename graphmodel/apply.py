"""Apply the declared constraints and indexes to a database, idempotently."""

from __future__ import annotations

import neo4j

from graphmodel.cypher import constraints


def existing_schema(session: neo4j.Session) -> set[str]:
    """Names of the constraints and indexes the database has."""
    names = {r["name"] for r in session.run("SHOW CONSTRAINTS YIELD name RETURN name")}
    names |= {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name")}
    return names


def apply_schema(session: neo4j.Session, timeout_s: int = 600) -> list[str]:
    """Create what is missing, wait until every index is online; return the names created."""
    before = existing_schema(session)
    for statement in constraints():
        session.run(statement.cypher).consume()
    session.run("CALL db.awaitIndexes($t)", t=timeout_s).consume()
    return sorted(existing_schema(session) - before)
