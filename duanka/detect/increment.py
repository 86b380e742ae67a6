"""Incremental detection: re-score only the components a day's rows touched, keep the rest of the run before.

Why the result equals a full run's on the same graph (tests/test_increment.py and bench/increment.py
check it):
- communities never span components of the community graph, and each component is partitioned on its
  own, its nodes and edges in key order (communities.partition): a component gets the same communities
  partitioned with the whole graph or alone;
- every signal of an entity comes from its own component's facts, except three that cross components,
  each followed: calls (a number's own calls are read per number; what busy callers share is computed
  from every busy caller's callees, read whole, and a caller whose count of shared-target partners moved
  since the run before is re-scored), money (an account whose first-pass suspicion changed has what it
  paid re-scored; the unchanged rest's suspicions are the run before's, stored on its Run) and
  investigators' decisions (read whole; a decided entity is re-scored);
- cluster scores, corroboration and order within a cluster depend on the cluster's own members; the
  whole list is put in one order by each entity's stored priority.
Enterprises, SMS ports and middle numbers are read whole and scored whole; every signal of theirs comes from
their own component (an enterprise's legal person, ports, reseller and middle numbers are its projected
neighbours), and a load touching one names it (changed_since.cypher: a middle number's own number names it
too), so the region holds what they read and only its own are kept.
So the region is the whole components of every entity new rows or decisions touched, grown by what the
crossing signals reach; an entity outside it had the same facts when the run before scored it (a learned
ranking on the rules' signals reads only an entity's own signals and cluster; one that reads the graph's
features, graph_signals.py, reads the whole graph, and its runs are full). After a model, calibration, learned ranking or
parameter change a full run is needed: the incremental run says so and runs in full.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from duanka import db, queries
from duanka.detect import signals
from duanka.detect.calibrate import Calibration
from duanka.detect.job import BuiltOn, DetectRun, Scored, timed
from duanka.detect.model import MODEL
from duanka.detect.partitions import community_of_nodes
from duanka.detect.projection import EDGE_PARAMS, Projection, projection_of
from duanka.detect.ranking import CALIBRATION, in_lead_order, rank_entities, ranked_clusters
from duanka.detect.reading import FACT_QUERIES, read_facts
from duanka.detect.region import Region, within
from duanka.detect.source import choose
from duanka.entity_keys import entity_key, entity_keys, split_entity_key
from duanka.params import DetectParams
from duanka.settings import Settings

# A region above this share of the graph is scored by a full run: the same results, and quicker (measured on
# `medium` when the fact queries filtered a scan by their lists: a day of transfers touching 35 % of the
# graph took 96 s incrementally, 76 s in full; not measured again since they seek each id by key).
FULL_ABOVE = 0.2


@dataclass(frozen=True)
class Previous:
    """The completed run an incremental run builds on, and what it kept for the next one."""

    run_id: str
    started_at: str
    money_suspects: frozenset[str] = frozenset()  # accounts its first pass suspected
    co_callers: dict[str, int] = field(default_factory=dict)  # busy callers' shared-target partners


def previous_run(
    settings: Settings, params: DetectParams, calibration: Calibration | None, learned: str = "none"
) -> tuple[Previous | None, str]:
    """The run to build on, or None and why a full run is needed."""
    with db.session(settings) as sess:
        rows = db.read(sess, queries.load("detect/previous_run"))
    if not rows:
        return None, "no completed detection run yet"
    r = rows[0]
    fitted = calibration.fitted_on if calibration is not None else "none"
    differs = [
        what
        for what, then, now in [
            ("model", r["model_version"], MODEL.version),
            ("calibration", r["calibration"], fitted),
            ("learned ranking", r["learned"], learned),
            *((name, r[name], value) for name, value in params.as_dict().items()),
        ]
        if then != now
    ]
    if differs:
        return None, f"the previous run {r['run_id']} differs in {', '.join(differs)}"
    if not r["keeps_increments"]:
        return None, f"the previous run {r['run_id']} was written by a version that keeps no increments"
    if params.engine == "gds":
        return None, "the gds engine partitions the whole graph at once"
    return Previous(
        r["run_id"],
        r["started_at"],
        frozenset(json.loads(r["money_suspects_json"] or "[]")),
        json.loads(r["co_callers_json"] or "{}"),
    ), ""


def rescored_increment(settings: Settings, run: DetectRun) -> Scored | str:
    """The region the rows and decisions since the previous run touched, re-scored on that run's footing;
    or why a full run is needed or quicker."""
    if run.reads_graph:
        return "an incremental run is not possible (the learned ranking reads the whole graph's structure)"
    previous, why = previous_run(settings, run.params, CALIBRATION, run.learned)
    if previous is None:
        return f"an incremental run is not possible ({why})"
    return rescore(settings, run, previous)


def rescore(settings: Settings, run: DetectRun, previous: Previous) -> Scored | str:
    """The region the rows and decisions since `previous` touched, re-scored; or why a full run is better."""
    timings: dict[str, float] = {}
    source = choose(settings, run.params.read_from)  # the facts' reader; the region is walked in the graph
    with timed(timings, "region"), ThreadPoolExecutor(max_workers=1) as beside:
        busy = beside.submit(
            read_facts, settings, tables=("targets",), source=source
        )  # read whole (busy callers are few) meanwhile
        total = _entities(settings)
        walk = Walk(settings, limit=int(FULL_ABOVE * total))
        keys = changed_since(settings, previous)
        walk.reach(keys)
        targets = busy.result().targets
        partners = _partners(targets)
        moved = {
            m for m in partners.keys() | previous.co_callers.keys() if partners.get(m) != previous.co_callers.get(m)
        }
        keys |= {entity_key("sim", m) for m in moved}
    seeds = len(keys)
    while True:  # grows only when an account's first-pass suspicion changed: once, or twice at most
        with timed(timings, "region"):
            if not walk.reach(keys):
                return (
                    f"the rows since {previous.run_id} touched components holding over {FULL_ABOVE:.0%} of the"
                    " graph, and a full run is quicker"
                )
            region, graph = Region(walk.keys, seeds), walk.projection()
        with timed(timings, "communities"):
            community = community_of_nodes(settings, run, graph)
        with timed(timings, "facts"):
            accounts = region.ids("account")
            facts = read_facts(settings, region.scope, [t for t in FACT_QUERIES if t != "targets"], source=source)
            facts.targets = targets
        with timed(timings, "scoring"):
            outside = previous.money_suspects - accounts
            entities, clusters = rank_entities(facts, community, run.params, frozenset(outside), run.ranker)
            suspects = _money_suspects(entities)
        flipped = suspects ^ (previous.money_suspects & accounts)
        paid = {entity_key("account", a) for a in _paid_by(settings, flipped)} - region.keys
        if not paid:
            break
        keys |= paid
    entities, clusters = within(region, entities, clusters)
    kept_for_next: dict[str, object] = {"money_suspects": sorted(outside | suspects), "co_callers": partners}
    return Scored(
        entities,
        clusters,
        graph.size,
        facts.evidence,
        kept_for_next,
        timings,
        built_on=BuiltOn(previous.run_id, region),
        read=source.record(),
        scope_why=(
            f"the rows and decisions since {previous.run_id} touched {seeds} entities, whose components hold"
            f" {len(region.keys)} of the graph's {total} ({len(region.keys) / max(1, total):.1%}; a full run above"
            f" {FULL_ABOVE:.0%})"
        ),
    )


class Walk:
    """The region's whole components, found by walking the community graph out from the touched entities
    (region_edges.cypher, one step a query) instead of reading the whole graph: a day's region is a few
    per cent of it. Stops once it holds more than `limit` entities (a full run is quicker then)."""

    def __init__(self, settings: Settings, limit: int) -> None:
        self.settings, self.limit = settings, limit
        self.keys: set[str] = set()
        self.edges: list[pd.DataFrame] = []  # a relationship between two steps' entities is read twice

    def reach(self, keys: set[str]) -> bool:
        """Add `keys` and everything connected to them; False once the region is over the limit (it stays over)."""
        frontier = keys - self.keys
        with db.session(self.settings) as sess:
            while frontier:
                self.keys |= frontier
                if len(self.keys) > self.limit:
                    break
                entities = [dict(zip(("type", "id"), split_entity_key(k), strict=True)) for k in sorted(frontier)]
                edges = queries.batched_frame(sess, "detect/region_edges", entities=entities, **EDGE_PARAMS)
                self.edges.append(edges)
                ends = pd.concat([entity_keys(edges["a_type"], edges["a"]), entity_keys(edges["b_type"], edges["b"])])
                frontier = set(ends) - self.keys
        return len(self.keys) <= self.limit

    def projection(self) -> Projection:
        """The community graph of the region (an entity with no place in the graph is not in it)."""
        columns = ["rid", "a", "a_type", "b", "b_type", "rel"]
        edges = pd.concat([pd.DataFrame(columns=columns), *self.edges], ignore_index=True)
        return projection_of(edges.drop_duplicates("rid"))


def for_next(entities: pd.DataFrame, facts: signals.Facts) -> dict[str, object]:
    """What a full run keeps for the next incremental one: its money suspects, busy callers' partners."""
    return {"money_suspects": sorted(_money_suspects(entities)), "co_callers": _partners(facts.targets)}


def _money_suspects(entities: pd.DataFrame) -> set[str]:
    return set(entities.loc[entities["pays_as_suspect"], "entity_id"].astype(str))


def _partners(targets: pd.DataFrame) -> dict[str, int]:
    return {str(caller): int(n) for caller, n in signals.co_callers(targets).items()}


def changed_since(settings: Settings, previous: Previous) -> set[str]:
    """Entities new loads wrote or touched, and those decided on, since `previous` began."""
    began = datetime.fromisoformat(previous.started_at)
    with db.session(settings) as sess:
        rows = db.read(
            sess,
            queries.load("detect/changed_since"),
            loaded_from=f"ingest-{began:%Y%m%dT%H%M%SZ}",  # load ids are ingest run ids: they sort by time
            decided_from=previous.started_at,
        )
    return {r["key"] for r in rows}


def _entities(settings: Settings) -> int:
    with db.session(settings) as sess:
        return int(db.read(sess, queries.load("maintenance/entity_count"))[0]["entities"])


def _paid_by(settings: Settings, accounts: set[str]) -> set[str]:
    if not accounts:
        return set()
    with db.session(settings) as sess:
        return {r["id"] for r in db.read(sess, queries.load("detect/money_neighbours"), accounts=sorted(accounts))}


def with_kept_results(
    settings: Settings, built_on: BuiltOn, entities: pd.DataFrame, clusters: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The re-scored results and those of the run built on outside the region as one run's: one lead order,
    one cluster ranking."""
    return merge(entities, clusters, *kept(settings, built_on))


def kept(settings: Settings, built_on: BuiltOn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The previous run's written entities and clusters outside the region: unchanged, so kept."""
    with db.session(settings) as sess:
        entities = queries.frame(sess, "detect/previous_results", run_id=built_on.run_id)
        clusters = queries.frame(sess, "detect/previous_clusters", run_id=built_on.run_id)
    entities.index = entity_keys(entities["entity_type"], entities["entity_id"])
    entities = entities[~entities.index.isin(built_on.region.keys)]
    # a cluster lies wholly inside the region's components or wholly outside: kept with its members
    clusters = clusters[clusters["cluster_id"].isin(set(entities["cluster_id"].dropna()))]
    return entities, clusters


def merge(
    entities: pd.DataFrame, clusters: pd.DataFrame, kept_entities: pd.DataFrame, kept_clusters: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The re-scored results and the kept ones as one run's: one lead order, one cluster ranking."""
    kept_entities = kept_entities.assign(ranked=kept_entities.get("ranked", False))
    entities = pd.concat([entities, kept_entities.astype({"lead": bool}).fillna({"ranked": False})])
    return in_lead_order(entities), ranked_clusters(pd.concat([clusters, kept_clusters], ignore_index=True))
