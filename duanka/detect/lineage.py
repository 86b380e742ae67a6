"""Stable cluster ids: a ring keeps its id from run to run while it keeps most of its members.

A case file, a decision and `new_or_grown` refer to clusters by id; a ring that gains a card tomorrow
must still be the same cluster. Each cluster of the run before passes its id to the new cluster that
holds a majority of its members. A new cluster that is the heir of several keeps the id of the one it
shares most with and records the others as merged into it; a new cluster holding a minority of an
old one records that it split from it. Everything else gets a fresh id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MERGE, SPLIT = "merge", "split"


@dataclass(frozen=True)
class Link:
    """One line of lineage: `cluster_id` (this run) came partly from `parent_id` (the run before)."""

    cluster_id: str
    parent_id: str
    kind: str  # MERGE: the parent's majority joined this cluster under another id; SPLIT: a minority left for it
    shared: int  # members the two have in common


def carry_ids(new: dict[str, set[str]], old: dict[str, set[str]]) -> tuple[dict[str, str], list[Link]]:
    """The id each new cluster keeps (keyed by its fresh id) and the lineage between the two runs.

    `new` maps this run's fresh cluster ids to their members; `old` the run before's ids to theirs.
    """
    home = {member: old_id for old_id, members in old.items() for member in members}
    shared = Counter((new_id, home[m]) for new_id, members in new.items() for m in members if m in home)
    heir: dict[str, tuple[int, str]] = {}  # old id -> (members shared, the new cluster holding most of them)
    for (new_id, old_id), k in sorted(shared.items()):
        if k > heir.get(old_id, (0, ""))[0]:
            heir[old_id] = (k, new_id)
    claims: dict[str, list[tuple[int, str]]] = {}
    for old_id, (k, new_id) in heir.items():
        if 2 * k > len(old[old_id]):  # holds most of it: the same ring
            claims.setdefault(new_id, []).append((k, old_id))
    ids = {new_id: new_id for new_id in new}
    links = []
    for new_id, parents in claims.items():
        parents.sort(key=lambda p: (-p[0], p[1]))
        ids[new_id] = parents[0][1]
        links += [Link(ids[new_id], old_id, MERGE, k) for k, old_id in parents[1:]]
    inherited = {(new_id, old_id) for new_id, parents in claims.items() for _, old_id in parents}
    links += [
        Link(ids[new_id], old_id, SPLIT, k)
        for (new_id, old_id), k in sorted(shared.items())
        if (new_id, old_id) not in inherited
    ]
    return ids, links
