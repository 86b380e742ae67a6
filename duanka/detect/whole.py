"""The whole graph scored in this process: read together, own scores, the seeds' communities, ranked."""

from __future__ import annotations

from duanka.detect import graph_signals, increment
from duanka.detect.job import DetectRun, Scored, timed
from duanka.detect.partitions import community_of_nodes
from duanka.detect.ranking import own_suspicions, rank_entities, seed_keys
from duanka.detect.reading import read_graph
from duanka.detect.source import choose
from duanka.settings import Settings


def score_whole(settings: Settings, run: DetectRun) -> Scored:
    """Every entity scored and every cluster found from the whole graph at once; only the seeds' components
    are partitioned (ranking.seed_keys: the rest can hold no lead)."""
    timings: dict[str, float] = {}
    source = choose(settings, run.params.read_from)
    with timed(timings, "reading"):  # the projection and the facts, read side by side
        projection, facts = read_graph(settings, source)
    with timed(timings, "scoring"):
        own = own_suspicions(facts, run.params)
    with timed(timings, "communities"):
        community = community_of_nodes(settings, run, projection, seed_keys(own.scored, run.params))
    graph = projection.size
    features = None
    if run.reads_graph:  # the learned ranking's graph features: the call pairs and the community graph as one
        with timed(timings, "scoring"):
            features = graph_signals.features(graph_signals.graph_of(facts.targets, projection), facts.decisions)
    del projection  # ~1 GB at a million persons, not needed to score
    with timed(timings, "scoring"):
        entities, clusters = rank_entities(facts, community, run.params, ranker=run.ranker, own=own, graph=features)
    kept_for_next = increment.for_next(entities, facts)
    return Scored(entities, clusters, graph, facts.evidence, kept_for_next, timings, read=source.record())
