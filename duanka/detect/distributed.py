"""The heavy part of a detection run on a Dask cluster: facts, signals and communities, shard by shard.

`DUANKA_DASK_SCHEDULER=tcp://host:8786` points it at a running cluster; without it a local cluster of
`DUANKA_DASK_WORKERS` processes (default 2) starts for the run and stops after. The driver reads the
community graph and the tables no shard can cut, cuts the graph into shards of whole components
(shards.py), and gathers: the shards' first-level mules once, their entities and clusters at the end.
The workers read their shards' facts from Neo4j themselves, so neither the facts nor the signals pass
through the driver. The results equal the in-process path's (tests/test_distributed.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from duanka.choices import Engine
from duanka.detect import shards
from duanka.detect.run import DetectRun, Projection
from duanka.errors import DuankaError
from duanka.settings import Settings

if TYPE_CHECKING:  # Dask takes a second to import: only runs that use it pay for it
    from dask.distributed import Client

SHARDS_PER_WORKER = 2  # a slow shard leaves the other worker half as idle


# Dask workers sample their tasks' stacks (a profiler thread holding frames); a frame of the Neo4j
# driver held that way keeps a view of its receive buffer alive and the next read fails with
# "BufferError: Existing exports of data" (measured: every run of 2 workers on `medium`). Off, it never did.
PROFILER = "distributed.worker.profile.enabled"
PROFILER_OFF = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"


@contextmanager
def client(env: dict[str, str] | None = None) -> Iterator[Client]:
    """A Dask client: to DUANKA_DASK_SCHEDULER if set, else to a local cluster started for this run."""
    import dask
    from dask.distributed import Client, LocalCluster

    env = dict(os.environ if env is None else env)
    address = env.get("DUANKA_DASK_SCHEDULER")
    if address:
        with Client(address) as c:
            profiling = [worker for worker, on in c.run(dask.config.get, PROFILER).items() if on]
            if profiling:
                raise DuankaError(
                    f"The Dask workers at {address} profile their tasks ({', '.join(profiling)}), which breaks "
                    f"Neo4j reads: start them with {PROFILER_OFF} in their environment."
                )
            yield c
        return
    workers = int(env.get("DUANKA_DASK_WORKERS", "2"))
    with (
        dask.config.set({PROFILER: False}),
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


def score(settings: Settings, run: DetectRun, proj: Projection, dask: Client) -> shards.Scored:
    """Every entity scored and every cluster found, shard by shard on the cluster behind `dask`."""
    if run.params.engine == Engine.GDS:
        raise DuankaError("The gds engine partitions inside Neo4j, not on a cluster: use --executor local with it.")
    workers = max(1, len(dask.scheduler_info()["workers"]))
    shared = shards.read_shared(settings)
    parts = dask.scatter(shards.cut(proj, shards.unprojected(settings), SHARDS_PER_WORKER * workers))
    everyone = dask.scatter(shared, broadcast=True)
    facts = [dask.submit(shards.read, settings, part, everyone, pure=False) for part in parts]
    firsts = [dask.submit(shards.first_pass, f, part, run.params) for f, part in zip(facts, parts, strict=True)]
    every_payer = frozenset().union(*dask.gather([dask.submit(shards.payers, first) for first in firsts]))
    results = dask.gather(
        [
            dask.submit(shards.score, f, first, part, every_payer, run)
            for f, first, part in zip(facts, firsts, parts, strict=True)
        ]
    )
    return shards.gathered(results, shared, workers, proj.size)
