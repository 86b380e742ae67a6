"""Maintenance that writes to the graph: each step asked for in so many words, and audited before it acts.

`duanka query` only reads; what a user may need beyond it that writes is here, behind its own command.
"""

from __future__ import annotations

from duanka import audit, db, queries
from duanka.errors import DuankaError
from duanka.lock import database_lock
from duanka.settings import Settings


def empty_database(settings: Settings, reason: str, by: str | None = None) -> dict[str, int]:
    """Delete every node and relationship of the configured database (its constraints and indexes stay),
    under the one-writer lock, after an audit entry that says who, why, which database and what it held."""
    if not reason.strip():
        raise DuankaError("Say why the database is emptied (--reason): it is recorded in the audit log.")
    conn = settings.connection
    with database_lock(settings, f"empty the database: {reason}", wait=0):
        with db.session(settings) as sess:
            held = {
                "entities": int(db.read(sess, queries.load("maintenance/entity_count"))[0]["entities"]),
                "relationships": queries.relationship_count(sess),
            }
        audit.append(settings, "empty_database", by=by, reason=reason, uri=conn.uri, database=conn.database, **held)
        db.empty_database(settings)
    return held
