"""Row checks that need more than the row: references, repeated keys, keys the graph holds between other ends.

Each returns the offending rows as quarantine entries (line, column, value, reason); none writes anything.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pandas as pd

from duanka.ingest.contract import FileSpec
from duanka.ingest.seen import Seen, hashed
from duanka.ingest.writes import WRITES, NodeWrite
from graphmodel.cypher import known_keys
from graphmodel.schema import NodeSchema


def problems(lines: Any, column: str, values: Any, reason: Any) -> pd.DataFrame:
    """Quarantine entries in the layout Quarantine.add reads."""
    return pd.DataFrame({"line": lines, "column": column, "value": values, "reason": reason})


def references(
    sess: neo4j.Session, spec: FileSpec, typed: pd.DataFrame, keys: dict[str, Seen], first_load: set[str]
) -> list[pd.DataFrame]:
    """Rows naming a parent (a person, a SIM) that neither this extract nor the graph holds.

    `keys` holds the parent keys seen so far and grows with those found in the graph.
    """
    out = []
    for column, parent in spec.refs:
        values = typed[column].dropna()
        target = WRITES[parent][0]
        assert isinstance(target, NodeWrite)
        known = keys.setdefault(target.node.label, Seen())
        hashes = hashed(values)
        unknown = ~known.contains(hashes)
        if unknown.any() and target.node.label not in first_load:  # else the graph has none to look up
            found = in_database(sess, target.node, sorted(set(values[unknown])))
            if found:
                known.add(hashed(list(found)))
                unknown = ~known.contains(hashes)
        bad = values[unknown]
        if len(bad):
            reason = f"reference to nothing: not in {parent} of this extract or the graph"
            out.append(problems(bad.index, column, bad.to_numpy(), reason))
    return out


def in_database(sess: neo4j.Session, target: NodeSchema, keys: list[Any]) -> set[Any]:
    """Keys an earlier extract loaded: a reference to them resolves."""
    query = (
        f"UNWIND $keys AS k MATCH (n:{target.label} {{{target.key}: k}}) "
        "WHERE n.on_record OR NOT (n:Sim OR n:Account) RETURN k"
    )
    return {r["k"] for r in sess.run(query, keys=keys)}


def duplicates(spec: FileSpec, typed: pd.DataFrame, seen: Seen) -> list[pd.DataFrame]:
    """Rows repeating a key an earlier row of the same file had; `seen` carries the keys across chunks."""
    if not spec.key:
        return []
    again = ~seen.add(hashed(*(typed[k] for k in spec.key)))
    if not again.any():
        return []
    values = typed.loc[again, list(spec.key)].astype(str).agg("/".join, axis=1)
    reason = f"duplicate key {'/'.join(spec.key)}: an earlier row of this file has it"
    return [problems(values.index, spec.key[0], values.to_numpy(), reason)]


def key_conflicts(
    sess: neo4j.Session, spec: FileSpec, typed: pd.DataFrame, first_load: set[str]
) -> tuple[list[pd.DataFrame], dict[str, set[Any]]]:
    """Rows whose unique key the graph holds between other ends (conflicts), and the keys it holds as given.

    A transfer id the graph holds between other accounts is a conflict, not an
    update. Not asked on a first load of the type: this load's own repeats are
    caught by `duplicates`.
    """
    conflicts, in_graph = [], {}
    for write in WRITES[spec.name]:
        if isinstance(write, NodeWrite) or not write.rel.key_unique or typed.empty or write.rel.type in first_load:
            continue
        key = write.rel.key
        assert key is not None
        ends = zip(typed[write.start], typed[write.end], strict=True)
        given = dict(zip(typed[key], ends, strict=True))
        found = {r["key"]: (r["start"], r["end"]) for r in sess.run(known_keys(write.rel).cypher, keys=list(given))}
        clashes = {k: pair for k, pair in found.items() if pair != given[k]}
        in_graph[write.rel.type] = set(found) - set(clashes)
        if clashes:
            bad = typed[typed[key].isin(clashes)]
            reasons = [f"{key} already in the graph for {clashes[k][0]} → {clashes[k][1]}" for k in bad[key]]
            conflicts.append(problems(bad.index, key, bad[key].to_numpy(), reasons))
    return conflicts, in_graph
