"""The steps of a detection run: project, partition, read facts, score, write back, finish.

Plain functions that take and return values; the `detect` flow (flows/detect.py) is the one place
they are put in order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from duanka import __version__, audit, db, queries
from duanka.choices import Engine
from duanka.detect import evidence, learn, signals
from duanka.detect import score as score_of
from duanka.detect.calibrate import load as load_calibration
from duanka.detect.communities import keep_small_components, partition
from duanka.detect.lineage import Link, carry_ids
from duanka.detect.model import MODEL
from duanka.errors import DuankaError
from duanka.ids import new_run_id
from duanka.keys import CLUSTER_IDS, digester
from duanka.params import DetectParams
from duanka.settings import Settings
from graphmodel.roles import UNKNOWN
from graphmodel.schema import SUSPECT, SUSPECT_LABELS

CALIBRATION = load_calibration()  # None until bench/calibrate.py has fitted one for this model version
ROLE_NODE_LABELS = sorted(set(SUSPECT_LABELS.values()) - {SUSPECT})


@dataclass(frozen=True)
class DetectRun:
    """One detection run's identity: what it was asked, its id, when it began."""

    params: DetectParams = field(default_factory=DetectParams)
    run_id: str = field(default_factory=lambda: new_run_id("detect"))
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    ranker: learn.Ranker | None = None  # the learned ranking `duanka train` saved, if any

    @property
    def learned(self) -> str:
        """The learned ranking's version, as the Run node records it ("none" without one)."""
        return self.ranker.version if self.ranker is not None else "none"


@dataclass
class Projection:
    keys: np.ndarray  # "type:id" per node
    sources: np.ndarray
    targets: np.ndarray
    weights: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        """Nodes and edges: what a Run records of the graph it read."""
        return len(self.keys), len(self.sources)


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


def project(settings: Settings) -> Projection:
    """The community graph: holders, cards, accounts and devices joined by what ties them (model.edge_weights)."""
    return projection_of(read_frames(settings, {"edges": PROJECTION})["edges"])


def read_graph(settings: Settings) -> tuple[Projection, signals.Facts]:
    """The community graph and every fact table, read together (read_frames: two queries at a time)."""
    frames = read_frames(settings, {"edges": PROJECTION, **fact_reads(FACT_QUERIES, None)})
    edges = frames.pop("edges")
    return projection_of(edges), _facts(settings, frames)


# While one thread decodes a result, the server computes the next: medium's projection and fact
# queries took 34 s one at a time, 24.5 s two at a time, 27 s three at a time (2 cores, Neo4j beside).
READERS = 2


@dataclass(frozen=True)
class Read:
    """A read query, its parameters, and how it goes page by page in a graph too big for whole results
    (one paging per type of entity its rows are read from; none: row by row there)."""

    query: str
    params: dict[str, Any] = field(default_factory=dict)
    pagings: tuple[queries.Paging, ...] = ()


def read_frames(settings: Settings, reads: dict[str, Read], share: float = 1.0) -> dict[str, pd.DataFrame]:
    """Named reads' rows, each read as `read_pages` reads it."""
    got: dict[str, list[pd.DataFrame]] = {name: [] for name in reads}
    read_pages(settings, reads, lambda name, page: got[name].append(page), share)
    return {name: pages[0] if len(pages) == 1 else pd.concat(pages, ignore_index=True) for name, pages in got.items()}


def read_pages(
    settings: Settings, reads: dict[str, Read], take: Callable[[str, pd.DataFrame], None], share: float = 1.0
) -> None:
    """Named reads' rows handed to `take` (name, rows) as they arrive: whole, in batches, where whole
    results fit the server's heap (`share`: of the graph, see queries.batches_fit); else a page at a time
    where a read has pagings, whole and row by row where it has none (or is limited to a region's keys).
    READERS at a time, each on its own session; one read's pages in order, from one thread."""
    with db.connection(settings) as drv:
        with drv.session(database=settings.connection.database) as sess:
            batched = queries.batches_fit(sess, share)
            types = set() if batched else {p.type for r in reads.values() if _whole(r) for p in r.pagings}
            bounds = {t: queries.key_bounds(sess, t) for t in sorted(types)}

        def one(name: str) -> None:
            read = reads[name]
            with drv.session(database=settings.connection.database) as sess:
                if batched:
                    take(name, queries.batched_frame(sess, read.query, **read.params))
                elif not (read.pagings and _whole(read)):
                    take(name, queries.frame(sess, read.query, **read.params))
                else:
                    for page in queries.pages(sess, read.query, read.pagings, bounds, **read.params):
                        take(name, page)

        with ThreadPoolExecutor(READERS) as pool:
            list(pool.map(one, reads))  # raises the first error


def _whole(read: Read) -> bool:
    """Whether a read is of the whole graph (no region's keys given): only such reads are paged."""
    return all(value is None for key, value in read.params.items() if key in LIMITS)


def projection_of(edges: pd.DataFrame) -> Projection:
    """The community graph of `edges` (project_edges.cypher's columns): nodes by key, edges weighted."""
    return projection_of_pages([edge_page(edges)])


def edge_page(edges: pd.DataFrame) -> pa.Table:
    """A page of project_edges rows as the projection needs them: each end's key ("type:id") and the edge's
    weight, in Arrow: a big graph's pages wait as two keys and a number, not five columns of text
    (at 1 M persons the projection phase's peak fell from 5.2 to 2.8 GB, docs/benchmarks.md)."""
    weight = pc.take(_WEIGHTS, pc.index_in(_text(edges["rel"]), value_set=_WEIGHTED))
    return pa.table(
        {
            "a": pc.binary_join_element_wise(_text(edges["a_type"]), _text(edges["a"]), ":"),
            "b": pc.binary_join_element_wise(_text(edges["b_type"]), _text(edges["b"]), ":"),
            "weight": pc.fill_null(weight, 1.0),
        }
    )


# The model's edge weights as Arrow arrays, made once: relationship type -> its weight (others weigh 1).
_WEIGHTED = pa.array(list(MODEL.edge_weights), pa.string())
_WEIGHTS = pa.array(list(MODEL.edge_weights.values()), pa.float64())


def _text(column: pd.Series) -> pa.Array:
    return pa.array(column.astype(str), pa.string())


def projection_of_pages(pages: list[pa.Table]) -> Projection:
    """The community graph of `edge_page` pages: nodes numbered in order of first appearance, ends joined."""
    edges = pa.concat_tables(pages)
    ends = pa.chunked_array([*edges["a"].chunks, *edges["b"].chunks], pa.string())
    codes, keys = pd.factorize(pd.Series(pd.arrays.ArrowExtensionArray(ends)))
    n = edges.num_rows
    weights = edges["weight"].to_numpy()
    return Projection(np.asarray(keys, dtype=object), codes[:n], codes[n:], weights)


def communities(settings: Settings, run: DetectRun, proj: Projection, seeds: pd.Index | None = None) -> pd.Series:
    """Each projected node's community, by the run's engine (seeded: the same data give the same answer);
    with `seeds` (keys), only their components are partitioned (communities.partition)."""
    if run.params.engine == Engine.GDS:
        return pd.Series(_gds_communities(settings, run, proj), index=proj.keys, name="community")
    return partitioned(run, proj, seeds)


def partitioned(run: DetectRun, proj: Projection, seeds: pd.Index | None = None) -> pd.Series:
    """Each projected node's community, found in this process by the run's engine (not gds)."""
    p = run.params
    mask = None if seeds is None else np.asarray(pd.Index(proj.keys).isin(seeds))
    graph = (proj.keys, proj.sources, proj.targets, proj.weights)
    membership = partition(*graph, p.engine, p.resolution, p.seed, MODEL.community_scale, seeds=mask)
    return pd.Series(membership, index=proj.keys, name="community")


def _gds_communities(settings: Settings, run: DetectRun, proj: Projection) -> np.ndarray:
    """Leiden inside Neo4j (Graph Data Science plugin), seeded; small components stay whole as elsewhere."""
    graph = f"duanka-{run.run_id}"
    with db.session(settings) as sess:
        if not db.read(sess, queries.load("detect/gds_available"))[0]["available"]:
            raise DuankaError(
                f"Engine 'gds' is unavailable: the Neo4j at {settings.connection.uri} has no "
                "Graph Data Science plugin. Use --engine igraph (default), leiden or louvain, or see "
                "docs/deployment.md for a server with GDS."
            )
        db.run(sess, queries.load("detect/gds_project"), graph=graph, weights=MODEL.edge_weights)
        try:
            rows = queries.frame(
                sess,
                "detect/gds_communities",
                graph=graph,
                algorithm="leiden",
                resolution=run.params.resolution,
                seed=run.params.seed,
            )
        finally:
            db.run(sess, queries.load("detect/gds_drop"), graph=graph)
    found = rows.set_index("key")["community"].reindex(proj.keys).fillna(-1).to_numpy()
    return keep_small_components(proj, found)


UNPAGED = {"from_key": None, "to_key": None}  # the key range of a page (paged_frame); unbounded: every row

# Holders, cards and accounts start every projected relationship: paged by them, each is read once.
PROJECTION = Read(
    "detect/project_edges",
    {"type": None, **UNPAGED},
    tuple(queries.Paging(t, {"type": t}) for t in ("person", "sim", "account")),
)

# table → (query, its fixed parameters, the parameter that limits it to a region's keys, of which type)
FACT_QUERIES: dict[str, tuple[str, dict[str, Any], tuple[str, str] | None]] = {
    "sims": ("detect/facts_sims", {}, ("sims", "sim")),
    "seen": ("detect/facts_seen", {}, ("devices", "device")),
    "accounts": ("detect/facts_accounts", {}, ("accounts", "account")),
    "used": ("detect/facts_used_from", {}, ("accounts", "account")),
    "transfers": ("detect/facts_transfers", {}, ("accounts", "account")),  # a page: the transfers its accounts paid
    "targets": ("detect/facts_targets", {"min_callees": MODEL.callees.quoted_from}, None),  # always whole
    "decisions": ("detect/facts_decisions", {}, None),
}
LIMITS = {limit[0] for *_, limit in FACT_QUERIES.values() if limit}


def read_facts(
    settings: Settings,
    scope: dict[str, list[str]] | None = None,
    tables: Collection[str] = tuple(FACT_QUERIES),
    share: float = 1.0,
) -> signals.Facts:
    """The fact `tables` signals are computed from (the others empty), and which evidence the graph held
    at all; only the region's where `scope` names it (fact-query parameter → ids, about `share` of
    the graph: what the server holds of a result at once)."""
    frames = read_frames(settings, fact_reads({t: q for t, q in FACT_QUERIES.items() if t in tables}, scope), share)
    return _facts(settings, frames)


def _facts(settings: Settings, tables: dict[str, pd.DataFrame]) -> signals.Facts:
    """The fact tables read, with which evidence the graph holds at all (count store: instant)."""
    with db.session(settings) as sess:
        return signals.Facts(**tables, evidence=evidence.held(sess))


def fact_reads(
    fact_queries: dict[str, tuple[str, dict[str, Any], tuple[str, str] | None]], scope: dict[str, list[str]] | None
) -> dict[str, Read]:
    """Fact tables → reads, each limited to the region `scope` names (None: the whole graph)."""
    return {
        table: Read(name, {**params, **UNPAGED, limit[0]: (scope or {}).get(limit[0])}, (queries.Paging(limit[1]),))
        if limit
        else Read(name, params)
        for table, (name, params, limit) in fact_queries.items()
    }


@dataclass
class Suspicions:
    """What the rules make of an entity's own facts, before communities: per-type signals and scores."""

    parts: dict[str, pd.DataFrame]  # signals per entity type, as the learned ranking reads them
    scored: pd.DataFrame  # own scores ("type:id"): persons only after first_pass, every entity after suspicions
    payers: pd.Index  # accounts the first pass suspected: they pay as suspects (first-level mules)


def first_pass(f: signals.Facts, params: DetectParams) -> Suspicions:
    """Signals and scores as far as they need nothing outside `f`: the money path is followed by
    `suspicions`, once every account the first pass suspects anywhere is known."""
    devices = signals.device_signals(f)
    sims = signals.sim_signals(f, devices)
    holders = signals.person_signals(f, devices)
    people = score_of.persons(holders)
    devices["suspects_worked"] = signals.worked_for(f, devices, people.index[well_evidenced(people, params.min_score)])
    accounts = signals.account_signals(f, devices, set(sims.index[sims["farm_holders"] > 0]))
    first = score_of.accounts(accounts, explain=False)  # the ring's money path needs its first-level mules
    parts = {"person": holders, "device": devices, "account": accounts, "sim": sims}
    return Suspicions(parts, people, first.index[well_evidenced(first, params.min_score)])


def suspicions(
    f: signals.Facts, params: DetectParams, known_payers: frozenset[str] = frozenset(), first: Suspicions | None = None
) -> Suspicions:
    """Every entity's own score, role and reasons, investigators' decisions applied (`first`: its first pass).

    `known_payers`: accounts outside `f` whose first pass made them suspects (an incremental run's
    unchanged rest, a shard's neighbours); the column `pays_as_suspect` says which accounts of `f` the
    first pass suspected."""
    first = first or first_pass(f, params)
    parts, people, payers = first.parts, first.scored, first.payers
    accounts = signals.paid_by(f, parts["account"], payers.union(pd.Index(sorted(known_payers))))
    parts = {**parts, "account": accounts}
    scored = pd.concat(
        [people, score_of.sims(parts["sim"]), score_of.accounts(accounts), score_of.devices(parts["device"])]
    )
    scored.index = scored["entity_type"] + ":" + scored.index.astype(str)
    scored["entity_id"] = [k.split(":", 1)[1] for k in scored.index]
    scored["pays_as_suspect"] = scored.index.isin("account:" + payers.astype(str))
    scored["reported"] = False
    scored.loc[scored.index.isin("sim:" + f.sims.loc[f.sims["reported"], "msisdn"].astype(str)), "reported"] = True
    scored.loc[
        scored.index.isin("account:" + f.accounts.loc[f.accounts["reported"], "account"].astype(str)), "reported"
    ] = True
    apply_decisions(scored, f.decisions)
    return Suspicions(parts, scored, payers)


def seeds(scored: pd.DataFrame, params: DetectParams) -> pd.Index:
    """The entities whose communities matter: at the lead line on their own evidence. Corroboration only
    lowers a score, so a component holding none of them yields no cluster and no lead under any partition
    (a confirmed entity is a lead whatever its community): seed and expand finds what the whole graph does."""
    return scored.index[scored["score"] >= params.min_score]


def score(
    f: signals.Facts,
    community: pd.Series,
    params: DetectParams,
    known_payers: frozenset[str] = frozenset(),
    ranker: learn.Ranker | None = None,
    features: dict[str, pd.DataFrame] | None = None,
    own: Suspicions | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every entity's score, role, reasons, cluster and lead order; the clusters worth writing.

    `known_payers` as for `suspicions` (`own`: what it gave already). `ranker`: a learned ranking
    blended into the score (learn.py); `features`: a dict to receive what it reads, under "features"
    (training and evaluation)."""
    own = own or suspicions(f, params, known_payers)
    scored = own.scored.copy()
    scored["community"] = community.reindex(scored.index).to_numpy()
    corroborate(scored, params.min_score)
    clusters = clusters_of(scored, params)
    scored["cluster_score"] = scored["community"].map(clusters.set_index("community")["score"]).fillna(0.0)
    context, has_own = MODEL.context, scored["score"] > MODEL.context_from
    scored["own_score"] = scored["score"]
    scored["score"] = (1 - context) * scored["own_score"] + context * scored["cluster_score"] * has_own
    scored["cluster_id"] = scored["community"].map(clusters.set_index("community")["cluster_id"])
    scored["rule_score"] = scored["score"]
    if CALIBRATION is not None:  # what leads of this rule score turned out to be on the evaluation worlds
        scored["score"] = CALIBRATION(scored["rule_score"].to_numpy())
    wide = None
    if ranker is not None or features is not None:
        wide = learn.features(own.parts, scored)
        if features is not None:
            features["features"] = wide
    return rank(scored, f.decisions, params, ranker, wide), clusters


def rank(
    scored: pd.DataFrame,
    decisions: pd.DataFrame,
    params: DetectParams,
    ranker: learn.Ranker | None = None,
    wide: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Scored entities (the learned ranking blended in, with its `wide` features) in lead order: leads,
    each cluster's members a little apart so every ring shows early, priorities for the next increment."""
    if ranker is not None and wide is not None:
        relearn(scored, ranker, wide)
    reopen_changed(scored, decisions)
    scored = scored.sort_values(["score", "rule_score", "kinds", "entity_id"], ascending=[False, False, False, True])
    alone = scored.index.to_series()  # an isolated lead is a cluster of its own
    place = scored.groupby(scored["cluster_id"].astype(object).where(scored["cluster_id"].notna(), alone)).cumcount()
    order = scored["rule_score"] if ranker is None else scored["score"]  # calibration ties many scores
    scored["priority"] = order * MODEL.spread**place
    suspected = (scored["score"] >= params.min_score) & scored["corroborated"]  # one kind alone: never a lead
    scored["lead"] = (suspected | (scored["status"] == "confirmed")) & ~scored["suppressed"]
    # A ranking, not only a cut: every entity with a kind of evidence has a rank and a score; below the lead
    # line it is `ranked` (never a lead, never a suspect), so a budget can list the best of them.
    scored["ranked"] = ~scored["lead"] & (scored["kinds"] > 0) & ~scored["suppressed"]
    scored.loc[scored["own_score"] < MODEL.role_from, "role"] = UNKNOWN.key
    return in_lead_order(scored)


def relearn(scored: pd.DataFrame, ranker: learn.Ranker, wide: pd.DataFrame) -> None:
    """The learned ranking blended into the score; a lead whose score it moved far says so, beside the
    rules' reasons (by its own scores alone, so an incremental run writes the same sentence)."""
    scored["learned"] = ranker(wide.reindex(scored.index))
    blended = ranker.rerank(scored["score"].to_numpy(), scored["learned"].to_numpy())
    moved = (np.abs(blended - scored["score"].to_numpy()) >= learn.MOVED) & (blended >= MODEL.min_score)
    for key, was, now, learned in zip(
        scored.index[moved], scored["score"][moved], blended[moved], scored["learned"][moved], strict=True
    ):
        way_en, way_zh = ("raised", "上调") if now > was else ("lowered", "下调")
        en = f"{way_en} from {was:.2f} by the learned ranking {ranker.version} (learned {learned:.2f})"
        zh = f"学习模型{ranker.version}将评分自{was:.2f}{way_zh}（模型概率{learned:.2f}）"
        scored.at[key, "reasons_en"] = "; ".join(r for r in (scored.at[key, "reasons_en"], en) if r)
        scored.at[key, "reasons_zh"] = "；".join(r for r in (scored.at[key, "reasons_zh"], zh) if r)
    scored["score"] = blended


def in_lead_order(entities: pd.DataFrame) -> pd.DataFrame:
    """Leads first, by priority; ties by kinds of evidence, then id (the same data give the same order)."""
    return entities.sort_values(["lead", "priority", "kinds", "entity_id"], ascending=[False, False, False, True])


def ranked(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clusters best first, ranked: by score, ties by their (carried) id."""
    clusters = clusters.sort_values(["score", "cluster_id"], ascending=[False, True]).reset_index(drop=True)
    return clusters.assign(rank=np.arange(1, len(clusters) + 1))


def well_evidenced(scored: pd.DataFrame, min_score: float) -> pd.Series:
    """Suspects at the lead line with two kinds of evidence or more: they corroborate their neighbours."""
    return (scored["score"] >= min_score) & (scored["kinds"] >= 2)


def corroborate(scored: pd.DataFrame, min_score: float) -> None:
    """No lead on one kind of evidence alone unless its cluster holds a suspect with two kinds or more,
    and none without any evidence of its own (a cluster's score never makes a lead by itself).

    A relative who manages a parent's accounts, a courier calling strangers, a heavy card holder: each
    shows one kind of evidence and nothing around it. The same one kind inside a ring (a dealer's
    handset in the cluster of the farmers whose accounts it works) is corroborated by its neighbours.
    """
    strong = well_evidenced(scored, min_score)
    others = strong.groupby(scored["community"]).transform("sum").fillna(0) - strong
    alone = (scored["kinds"] == 0) | ((scored["kinds"] == 1) & (others < MODEL.corroborated_by))
    alone &= scored["decision"] != "confirmed"
    scored["corroborated"] = ~alone
    scored.loc[alone, "score"] = scored.loc[alone, "score"].clip(upper=MODEL.alone_cap)


def clusters_of(scored: pd.DataFrame, params: DetectParams) -> pd.DataFrame:
    """Cluster score: the mean of the top members' scores, discounted when few members are suspicious."""
    live = scored.dropna(subset=["community"])
    live = live.assign(score=live["score"].where(~live["suppressed"], 0.0))  # dismissed: a known negative
    suspicious = live[live["score"] >= params.min_score]
    wanted = suspicious["community"].unique()
    members = live[live["community"].isin(wanted)]
    rows = []
    for community, group in members.groupby("community"):
        top = group["score"].nlargest(MODEL.top_members)
        strong = int((group["score"] >= params.min_score).sum())
        value = float(top.mean()) * min(1.0, strong / MODEL.strong_members) ** MODEL.few_strong_power
        known = int((group["reported"] | (group["decision"] == "confirmed")).sum())  # reports and confirmations
        value = min(1.0, value + MODEL.known_bonus * min(MODEL.known_most, known))
        counts = group["entity_type"].value_counts()
        best = group.sort_index().sort_values("score", ascending=False, kind="stable")  # ties: by key
        reasons = [r for r in best["reasons_en"] if r][:3]
        rows.append(
            {
                "community": community,
                "cluster_id": community,  # for this run's steps only: `keyed_cluster_ids` names it before it is written
                "score": round(value, 4),
                "members": len(group),
                "persons": int(counts.get("person", 0)),
                "sims": int(counts.get("sim", 0)),
                "accounts": int(counts.get("account", 0)),
                "devices": int(counts.get("device", 0)),
                "reports": int(group["reported"].sum()),
                "top_reasons": " / ".join(reasons),
            }
        )
    columns = [
        *("community", "cluster_id", "score", "members"),
        *("persons", "sims", "accounts", "devices", "reports", "top_reasons"),
    ]
    return ranked(pd.DataFrame(rows, columns=columns))


def keyed_cluster_ids(
    entities: pd.DataFrame, clusters: pd.DataFrame, params: DetectParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Entities and clusters with each cluster named "C" + 12 hex of an HMAC, under the installation's key
    (keys.CLUSTER_IDS), of its members and the run's parameters: the same data and parameters give the
    same id on one installation, and without the key a masked list's small cluster cannot be brute-forced
    back to its members. Named here, on the driver, from the gathered members: Dask workers and shards
    never hold the key (their clusters go by their community's name until then)."""
    live = entities[entities["cluster_id"].notna()]
    members = live.index.to_series().groupby(live["cluster_id"]).agg(lambda keys: "|".join(sorted(keys)))
    named, digest = f"{params.engine}|{params.resolution}|{params.seed}|", digester(CLUSTER_IDS)
    ids = {found: "C" + digest(named + text)[:12] for found, text in members.items()}
    return (
        entities.assign(cluster_id=entities["cluster_id"].map(ids)),
        clusters.assign(cluster_id=clusters["cluster_id"].map(ids)),
    )


def carry_cluster_ids(
    settings: Settings, entities: pd.DataFrame, clusters: pd.DataFrame, params: DetectParams
) -> tuple[pd.DataFrame, pd.DataFrame, list[Link]]:
    """Entities and clusters under their keyed ids (`keyed_cluster_ids`), or the ids of the previous run's
    clusters they continue; and the lineage."""
    entities, clusters = keyed_cluster_ids(entities, clusters, params)
    with db.session(settings) as sess:
        before = queries.frame(sess, "detect/previous_members")
    members = before["entity_type"] + ":" + before["entity_id"].astype(str)
    old = members.groupby(before["cluster_id"]).agg(set).to_dict()
    live = entities[entities["cluster_id"].notna()]
    new = live.index.to_series().groupby(live["cluster_id"]).agg(set).to_dict()
    ids, links = carry_ids(new, old)
    entities = entities.assign(cluster_id=entities["cluster_id"].map(ids))
    clusters = ranked(clusters.assign(cluster_id=clusters["cluster_id"].map(ids)))
    return entities, clusters, links


def write_results(
    settings: Settings,
    run: DetectRun,
    entities: pd.DataFrame,
    clusters: pd.DataFrame,
    figures: dict[str, Any],
    held: dict[str, int],
    lineage: list[Link] | None = None,
    kept_for_next: dict[str, Any] | None = None,
) -> None:
    """Clusters, memberships and leads, under a Run marked `writing`: MERGEs keyed by run and cluster id,
    so a retry rewrites the same results and a cut-off run is never the latest.

    Every lead and cluster member is written with what the next incremental run needs to keep it, and
    the Run with `kept_for_next` (increment.for_next)."""
    record = {
        "run_id": run.run_id,
        "kind": "detect",
        "status": "writing",
        "version": __version__,
        "model_version": MODEL.version,
        "calibration": CALIBRATION.fitted_on if CALIBRATION is not None else "none",
        "learned": run.learned,
        "started_at": run.started_at,
        "evidence_json": json.dumps(held),
        "keeps_increments": True,
        **{f"{name}_json": json.dumps(value) for name, value in (kept_for_next or {}).items()},
        **run.params.as_dict(),
        **figures,
    }
    ranked_ = _flag(entities, "ranked")
    written = entities[entities["lead"] | ranked_ | entities["cluster_id"].notna()]  # in lead order: ranks from 1
    rows = [
        {
            "type": r.entity_type,
            "id": r.entity_id,
            "rank": rank,
            "role": r.role,
            "label": SUSPECT_LABELS.get(r.role, SUSPECT),
            "score": round(float(r.score), 4),
            "rule_score": round(float(r.rule_score), 4),
            "cluster_id": r.cluster_id if isinstance(r.cluster_id, str) else None,
            "reasons": r.reasons_en,
            "reasons_zh": r.reasons_zh,
            "status": r.status,
            "priority": float(r.priority),
            "kinds": int(r.kinds),
            "lead": bool(r.lead),
            "ranked": bool(below),
        }
        for rank, (r, below) in enumerate(zip(written.itertuples(), ranked_[written.index], strict=True), start=1)
    ]
    lead_rows = [row for row in rows if row["lead"]]
    ranked_rows = [row for row in rows if row["ranked"]]
    member_rows = [row for row in rows if row["cluster_id"] is not None]
    cluster_rows = clusters.drop(columns=["community"], errors="ignore").to_dict("records")
    with db.session(settings) as sess:
        db.run(sess, queries.load("pipeline/write_run"), run=record)
        for batch in _batches(cluster_rows):
            db.run(sess, queries.load("detect/write_clusters"), run_id=run.run_id, rows=batch)
        for batch in _batches([asdict(link) for link in lineage or []]):
            db.run(sess, queries.load("detect/write_lineage"), run_id=run.run_id, rows=batch)
        for batch in _batches(member_rows):
            db.run(sess, queries.load("detect/write_members"), run_id=run.run_id, rows=batch)
        for batch in _batches(lead_rows):
            db.run(
                sess, queries.load("detect/write_leads"), run_id=run.run_id, rows=batch, role_labels=ROLE_NODE_LABELS
            )
        for batch in _batches(ranked_rows):
            db.run(sess, queries.load("detect/write_ranked"), run_id=run.run_id, rows=batch)
        db.run(sess, queries.load("detect/clear_stale"), run_id=run.run_id, role_labels=ROLE_NODE_LABELS)


def _flag(entities: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column of the entities, no where absent (results kept from a run that did not write it)."""
    if column not in entities:
        return pd.Series(False, index=entities.index)
    return entities[column].fillna(False).astype(bool)


def finish(settings: Settings, run: DetectRun, figures: dict[str, int], timings: dict[str, float]) -> None:
    """Mark the run completed, with its timings: from now on it is the latest."""
    finished = {
        "run_id": run.run_id,
        "status": "completed",
        "finished_at": datetime.now(UTC).isoformat(),
        **{f"seconds_{k}": v for k, v in timings.items()},
    }
    with db.session(settings) as sess:
        db.run(sess, queries.load("pipeline/write_run"), run=finished)
    details: dict[str, Any] = {"run_id": run.run_id, "version": __version__, **run.params.as_dict(), **figures}
    audit.append(settings, "detect", **details)


def _batches(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def run_figures(
    graph: tuple[int, int],
    entities: pd.DataFrame,
    clusters: pd.DataFrame,
    built_on: str | None = None,
    rescored: int = 0,
    executor: str = "local",
) -> dict[str, Any]:
    """The sizes a Run records: graph nodes and edges read, clusters and leads, where it ran; for an
    incremental run, the run it built on and how many entities it re-scored."""
    figures: dict[str, Any] = {
        "nodes": graph[0],
        "edges": graph[1],
        "clusters": len(clusters),
        "leads": int(entities["lead"].sum()),
        "ranked": int(_flag(entities, "ranked").sum()),  # with evidence, below the lead line
        "well_evidenced": int((entities["kinds"] >= 2).sum()),  # two kinds of evidence or more
        **{
            f"with_evidence_{t}": int(n)
            for t, n in entities.loc[entities["kinds"] > 0, "entity_type"].value_counts().items()
        },
        "scope": "full" if built_on is None else "incremental",
        "executor": executor,
    }
    if built_on is not None:
        figures |= {"built_on": built_on, "rescored": rescored}
    return figures


def apply_decisions(scored: pd.DataFrame, decisions: pd.DataFrame) -> None:
    """Investigators' decisions as feedback: confirmed entities are known positives (like victim reports),
    dismissed ones known negatives — out of the leads and of their cluster's score."""
    latest = decisions.set_index("entity").reindex(scored.index)
    scored["decision"] = latest["status"].to_numpy()
    scored["suppressed"] = (latest["status"] == "dismissed").to_numpy()
    scored["status"] = np.select(
        [scored["decision"] == "confirmed", scored["decision"] == "under_review"],
        ["confirmed", "under_review"],
        "suspected",
    )


def reopen_changed(scored: pd.DataFrame, decisions: pd.DataFrame) -> None:
    """A dismissed entity comes back as a lead only when its evidence changed materially: its score rose by
    the model's `material` over the score it was dismissed at, or a victim report names it that did not then."""
    latest = decisions.set_index("entity").reindex(scored.index)
    rose = scored["score"].to_numpy() >= latest["score_then"].fillna(0).to_numpy() + MODEL.material
    newly_reported = scored["reported"].to_numpy() & ~latest["reported_then"].fillna(False).astype(bool).to_numpy()
    reopened = scored["suppressed"].to_numpy() & (rose | newly_reported)
    for key in scored.index[reopened]:
        d = latest.loc[key]
        report = ", newly named in a victim report" if newly_reported[scored.index.get_loc(key)] else ""
        en = (
            f"dismissed by {d['by']} on {str(d['at'])[:10]} at score {d['score_then']:.2f}; "
            f"new evidence since (score {scored.at[key, 'score']:.2f}{report})"
        )
        zh = f"{str(d['at'])[:10]}曾被{d['by']}排除（当时评分{d['score_then']:.2f}），此后出现新证据"
        scored.at[key, "reasons_en"] = "; ".join(x for x in (scored.at[key, "reasons_en"], en) if x)
        scored.at[key, "reasons_zh"] = "；".join(x for x in (scored.at[key, "reasons_zh"], zh) if x)
    scored.loc[reopened, "suppressed"] = False
