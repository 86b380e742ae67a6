"""The closed sets users choose from, typed once: Typer lists them, Prefect validates them, mypy checks them."""

from __future__ import annotations

from enum import StrEnum

from graphmodel.roles import STATUSES


class Engine(StrEnum):
    """Community detection engines; all seeded."""

    IGRAPH = "igraph"  # igraph's multilevel Louvain: fast, the default
    LEIDEN = "leiden"  # leidenalg, RB-configuration
    LOUVAIN = "louvain"  # python-louvain on networkx: the reference
    GDS = "gds"  # Leiden inside Neo4j; needs the GDS plugin, which these machines cannot install: untested


class Executor(StrEnum):
    """Where a detection run's heavy steps (facts, signals, communities) run; the results are the same."""

    LOCAL = "local"  # in this process
    DASK = "dask"  # shards of whole components on a Dask cluster: DUANKA_DASK_SCHEDULER, or a local one


class ReadFrom(StrEnum):
    """Where detection reads the graph's rows; decisions and earlier results always come from Neo4j."""

    STORE = "store"  # the analysis store ingest wrote beside the graph (duanka/store/)
    NEO4J = "neo4j"  # the graph itself, over Bolt: a graph loaded without the store (another machine's)


class Lang(StrEnum):
    """Language of reasons in lead lists, reports and the terminal."""

    ZH = "zh"
    EN = "en"


class Difficulty(StrEnum):
    """Generated worlds: rings as the domain brief draws them, or camouflaged."""

    EASY = "easy"
    HARD = "hard"  # camouflaged rings and innocent look-alikes of every role
    ADVERSARIAL = "adversarial"  # and rings that avoid the strongest single signal on purpose


Decided = StrEnum("Decided", {s.key.upper(): s.key for s in STATUSES if s.decided})  # type: ignore[misc]
"""What an investigator may record (graphmodel/roles.py): the only source of 'confirmed'."""

LANG = Lang.ZH  # case teams read Chinese; `--lang en` everywhere for the rest
