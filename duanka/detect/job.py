"""A detection run's identity, what each way of scoring returns, and what the `detect` flow returns."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from duanka.detect import learn
from duanka.detect.region import Region
from duanka.ids import new_run_id
from duanka.params import DetectParams


@dataclass(frozen=True)
class DetectRun:
    """One detection run's identity: what it was asked, its id, when it began."""

    params: DetectParams = field(default_factory=DetectParams)
    run_id: str = field(default_factory=lambda: new_run_id("detect"))
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    ranker: learn.Ranker | None = None  # the learned ranking `duanka train` saved, if any

    @property
    def reads_graph(self) -> bool:
        """Whether its learned ranking reads the graph's features: then the whole graph is scored at once."""
        return self.ranker is not None and self.ranker.reads_graph

    @property
    def learned(self) -> str:
        """The learned ranking's version, as the Run node records it ("none" without one)."""
        return self.ranker.version if self.ranker is not None else "none"


@dataclass(frozen=True)
class BuiltOn:
    """An incremental run's footing: the run whose results outside `region` it keeps."""

    run_id: str
    region: Region


@dataclass
class Scored:
    """What every way of scoring returns (the whole graph here, shard by shard here or on Dask, an increment):
    entities (ENTITY_COLUMNS, best first) and clusters, their clusters still named by community."""

    entities: pd.DataFrame
    clusters: pd.DataFrame
    graph: tuple[int, int]  # nodes and edges of the community graph read (an increment: its region's)
    evidence: dict[str, int]  # relationships of each evidence kind the graph held
    kept_for_next: dict[str, object]  # what the next incremental run builds on (increment.for_next)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, as the Run records them
    executor: str = "local"
    shards: int | None = None  # parts of whole components scored apart, where the graph was cut
    workers: int | None = None
    built_on: BuiltOn | None = None  # an incremental run's: the rest of that run's results are kept
    read: dict[str, str] = field(default_factory=dict)  # where it read the rows, and which loads (source.Source)
    scope_why: str = ""  # why this scope: what an increment touched, or why the run was full


@dataclass
class DetectResult:
    run_id: str
    params: DetectParams
    entities: pd.DataFrame  # one row per scored entity, best first
    clusters: pd.DataFrame  # one row per written cluster, best first
    timings: dict[str, float]
    figures: dict[str, int]

    @property
    def leads(self) -> pd.DataFrame:
        """The entities at or above the lead threshold (and confirmed ones), in lead order."""
        return self.entities[self.entities["lead"]]

    def summary(self) -> dict[str, Any]:
        """What the pipeline reports of this run."""
        return {"run_id": self.run_id, "figures": self.figures, "timings": self.timings}


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    """Record how long `step` took, in seconds, as the Run node will show it (added up if repeated)."""
    began = time.perf_counter()
    yield
    timings[step] = round(timings.get(step, 0.0) + time.perf_counter() - began, 3)
