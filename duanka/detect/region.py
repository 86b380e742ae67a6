"""A region: the entities (whole components of the community graph) a run scores apart from the rest.

An incremental run's region is what a day's rows touched; a shard's is its part of the graph. Either reads
only its own facts (reading.region_scope) and keeps only its own results (`within`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from duanka.detect.reading import region_scope
from duanka.entity_keys import ids_of_type


@dataclass
class Region:
    """The entities a region holds (entity keys) and how many seeds they grew from."""

    keys: set[str] = field(default_factory=set)
    seeds: int = 0

    def ids(self, entity_type: str) -> set[str]:
        """The ids of one type of entity in the region."""
        return ids_of_type(self.keys, entity_type)

    @property
    def scope(self) -> dict[str, list[str]]:
        """The fact queries' limits that read the region's rows (reading.FACT_QUERIES)."""
        return region_scope(self.ids)


def within(region: Region, entities: pd.DataFrame, clusters: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The region's entities and their clusters."""
    entities = entities[among(entities.index, region.keys)]
    return entities, clusters[clusters["community"].isin(entities["community"].dropna().unique())]


def among(index: pd.Index, keys: Collection[str]) -> np.ndarray:
    """Which of `index` are among `keys`: pandas' `isin` on Arrow strings makes a scalar of every key
    first (15 s for a 300 k-person world's shards, against 1 s here)."""
    found = pc.is_in(pa.array(index, type=pa.string()), value_set=pa.array(list(keys), type=pa.string()))
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
