"""Where a detection run reads the graph's rows from: the analysis store or Neo4j, and why.

The store when it holds, whole, every load the graph records (the same rows the graph was built from,
read without the round trip through the server); else Neo4j, with the reason on the run's record.
"""

from __future__ import annotations

from dataclasses import dataclass

from duanka import db, queries
from duanka.choices import ReadFrom
from duanka.errors import DuankaError
from duanka.settings import Settings
from duanka.store import layout


@dataclass(frozen=True)
class Source:
    """The reader a run uses, the loads the graph held when it began, and why that reader."""

    read_from: ReadFrom
    loads: tuple[str, ...] = ()
    why: str = ""

    @property
    def store(self) -> bool:
        """Whether the rows come from the analysis store."""
        return self.read_from == ReadFrom.STORE

    def record(self) -> dict[str, str]:
        """What the Run records of it: where it read (and why) and which loads."""
        return {"read_from": f"{self.read_from} ({self.why})", "loads_read": ",".join(self.loads)}


NEO4J = Source(ReadFrom.NEO4J, why="asked for")


def graph_loads(settings: Settings) -> dict[str, str]:
    """Every load (ingest run) the graph records, oldest first, and its status."""
    with db.session(settings) as sess:
        return {r["load_id"]: r["status"] for r in db.read(sess, queries.load("detect/ingest_loads"))}


def choose(settings: Settings, asked: ReadFrom | None) -> Source:
    """`asked`, or (None) the store where it holds every load the graph holds. Asked for the store where it
    lacks one, the run fails before anything is read."""
    status = graph_loads(settings)
    loads = tuple(status)
    if asked == ReadFrom.NEO4J:
        return Source(ReadFrom.NEO4J, loads, "asked for")
    held = set(layout.finished(settings))
    missing = [load for load in loads if load not in held]
    cut_off = sum(status[load] == "writing" for load in missing)
    if not loads:
        why = "the graph records no load"
    elif missing:
        why = f"the analysis store lacks {len(missing)} of the graph's {len(loads)} loads ({missing[0]} first)"
        if cut_off:
            why += f"; {cut_off} of them cut off while writing: loading that extract again finishes it"
    else:
        return Source(
            ReadFrom.STORE, loads, "asked for" if asked else f"it holds all {len(loads)} loads the graph holds"
        )
    if asked == ReadFrom.STORE:
        raise DuankaError(f"Cannot read from the analysis store: {why}. Use --read-from neo4j.")
    return Source(ReadFrom.NEO4J, loads, why)
