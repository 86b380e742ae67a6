"""An entity's key, "type:id" (`sim:13800138000`): how detection indexes what it scores and how users name it.

One spelling for every place that builds or splits one: an id may itself hold the separator (a token, a
foreign account number), so a key is split at its first separator only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line names entities too: it should not pay for pandas to start
    import pandas as pd
    import pyarrow as pa

SEPARATOR = ":"


def entity_key(entity_type: str, entity_id: object) -> str:
    """The key of one entity."""
    return f"{entity_type}{SEPARATOR}{entity_id}"


def entity_keys(entity_types: pd.Series | pd.Index | str, entity_ids: pd.Series | pd.Index) -> pd.Series | pd.Index:
    """The keys of many entities: a type per entity, or one type for all."""
    return entity_types + SEPARATOR + entity_ids.astype(str)


def arrow_entity_keys(entity_types: pa.Array | pa.ChunkedArray, entity_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The keys of many entities, in Arrow (a big graph's pages stay Arrow strings, never Python objects)."""
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(entity_types, entity_ids, SEPARATOR)


def split_entity_key(key: str) -> tuple[str, str]:
    """A key's type and id (the id whole, separators and all); type "" where `key` has no separator."""
    entity_type, separator, entity_id = key.partition(SEPARATOR)
    return (entity_type, entity_id) if separator else ("", key)


def entity_ids(keys: pd.Index) -> list[str]:
    """The ids of many keys, in order."""
    return [split_entity_key(key)[1] for key in keys]


def ids_of_type(keys: Iterable[str], entity_type: str) -> set[str]:
    """The ids of those `keys` that are of `entity_type`."""
    prefix = entity_type + SEPARATOR
    return {key[len(prefix) :] for key in keys if key.startswith(prefix)}
