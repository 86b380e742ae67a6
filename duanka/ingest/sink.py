"""Where validated rows go: Bolt batches (load.BatchWriter) or neo4j-admin import files (bulk.BulkSink)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, Self

import pandas as pd

from duanka.ingest.writes import NodeWrite, RelWrite
from graphmodel.schema import NodeSchema

Progress = Callable[[str, int], None]  # (file, rows just read): for a progress bar or a flow's log


class Sink(Protocol):
    """Takes rows laid out by the schema's writes; stubs always come before the relationships that need them."""

    def nodes(self, write: NodeWrite, frame: pd.DataFrame) -> None:
        """Nodes described by an extract's rows."""

    def stubs(self, target: NodeSchema, keys: list[Any]) -> None:
        """Nodes named only as a link's end, key only."""

    def relationships(self, write: RelWrite, frame: pd.DataFrame, new: bool = False) -> None:
        """`new`: rows that cannot exist yet, written by CREATE; the rest MERGE."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: object, *exc: object) -> None: ...
