"""The heavy part of a detection run on a Dask cluster: facts, signals and communities, shard by shard.

`DUANKA_DASK_SCHEDULER=tls://host:8786` points it at a running cluster; without it a local cluster of
`DUANKA_DASK_WORKERS` processes (default 2) starts for the run and stops after. The driver reads the
community graph and the tables no shard can cut, cuts the graph into shards of whole components
(shards.py), and gathers: the shards' first-level mules once, their entities and clusters at the end.
The workers read their shards' facts from Neo4j themselves, so neither the facts nor the signals pass
through the driver. The results equal the in-process path's (tests/test_distributed.py).

Dask pickles tasks to its workers and unpickles what they send back: whoever speaks to the scheduler runs
code on the workers and the driver. A scheduler off this machine is therefore reached only over mutual
TLS (`tls://`, this host's certificate and key and the cluster's CA from DUANKA_DASK_TLS_CERT, _KEY and
_CA, encryption required); plain `tcp://` only on loopback. And nothing secret is sent: the workers get
the settings without the Neo4j password and take it (and the user) from their own environment.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from duanka.choices import Engine, Executor
from duanka.detect import shards, signals
from duanka.detect.job import DetectRun, Scored, timed
from duanka.detect.projection import Projection
from duanka.detect.reading import read_projection
from duanka.errors import DuankaError
from duanka.settings import Settings

if TYPE_CHECKING:  # Dask takes a second to import: only runs that use it pay for it
    from dask.distributed import Client, Security

SHARDS_PER_WORKER = 2  # a slow shard leaves the other worker half as idle


# Dask workers sample their tasks' stacks (a profiler thread holding frames); a frame of the Neo4j
# driver held that way keeps a view of its receive buffer alive and the next read fails with
# "BufferError: Existing exports of data" (measured: every run of 2 workers on `medium`). Off, it never did.
PROFILER = "distributed.worker.profile.enabled"
PROFILER_OFF = "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"
TLS = {"ca": "DUANKA_DASK_TLS_CA", "cert": "DUANKA_DASK_TLS_CERT", "key": "DUANKA_DASK_TLS_KEY"}


def _on_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: somewhere else, for all this knows
        return False


def security(address: str, env: Mapping[str, str]) -> Security | None:
    """How to reach the scheduler at `address`: over mutual TLS with this host's certificates (tls://), plain
    only on loopback (or in this process); a scheduler elsewhere over anything but tls:// is refused."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.security import Security

    scheme, location = parse_address(address)
    if scheme == "tls":
        missing = [name for name in TLS.values() if not env.get(name)]
        if missing:
            raise DuankaError(
                f"The Dask scheduler {address} is reached over TLS: set {', '.join(missing)} (the cluster's CA, "
                "and this host's certificate and key signed by it)."
            )
        return Security(
            tls_ca_file=env[TLS["ca"]],
            tls_client_cert=env[TLS["cert"]],
            tls_client_key=env[TLS["key"]],
            require_encryption=True,
        )
    if scheme == "inproc":  # this very process: no network at all
        return None
    if scheme == "tcp" and _on_loopback(parse_host_port(location, 8786)[0]):
        return None
    raise DuankaError(
        f"Refusing the Dask scheduler {address}: Dask runs whatever its peers pickle, so a scheduler off this "
        f"machine is reached only over mutual TLS. Use tls://… with {', '.join(TLS.values())} "
        "(docs/deployment.md), or tcp:// on 127.0.0.1."
    )


def for_workers(settings: Settings) -> Settings:
    """The settings as sent to the workers: without the password, which each takes from its own environment."""
    return replace(settings, connection=replace(settings.connection, password=None))


def on_worker(settings: Settings, env: Mapping[str, str] | None = None) -> Settings:
    """The settings a worker reads Neo4j with: NEO4J_USER and NEO4J_PASSWORD of its own environment, else
    the local server's credentials file (a local cluster's workers, on the driver's machine)."""
    env = os.environ if env is None else env
    conn = settings.connection
    return replace(
        settings,
        connection=replace(conn, user=env.get("NEO4J_USER", conn.user), password=env.get("NEO4J_PASSWORD") or None),
    )


def read_shard(settings: Settings, part: shards.Shard, shared: shards.Shared) -> signals.Facts:
    """A worker's task: its shard's facts, read with its own credentials."""
    return shards.read_shard_facts(on_worker(settings), part, shared)


@contextmanager
def client(env: dict[str, str] | None = None) -> Iterator[Client]:
    """A Dask client: to DUANKA_DASK_SCHEDULER if set, else to a local cluster started for this run."""
    import dask
    from dask.distributed import Client, LocalCluster

    env = dict(os.environ if env is None else env)
    address = env.get("DUANKA_DASK_SCHEDULER")
    if address:
        with Client(address, security=security(address, env)) as c:
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


def score_on_dask(settings: Settings, run: DetectRun) -> Scored:
    """Every entity scored and every cluster found, shard by shard on a Dask cluster (the configured one,
    or a local one for this run): the community graph read and cut here, the rest on the workers."""
    if run.params.engine == Engine.GDS:
        raise DuankaError("The gds engine partitions inside Neo4j, not on a cluster: use --executor local with it.")
    timings: dict[str, float] = {}
    with timed(timings, "projection"):
        proj = read_projection(settings)
    with timed(timings, "shards"), client() as dask:
        return score_shards_on(settings, run, proj, dask, timings)


def score_shards_on(
    settings: Settings, run: DetectRun, proj: Projection, dask: Client, timings: dict[str, float]
) -> Scored:
    """The shards of `proj` scored on the cluster behind `dask` (`timings`: the run's so far, recorded)."""
    workers = max(1, len(dask.scheduler_info()["workers"]))
    shared = shards.read_shared(settings)
    parts = dask.scatter(shards.cut(proj, shards.unprojected(settings), SHARDS_PER_WORKER * workers))
    everyone = dask.scatter(shared, broadcast=True)
    facts = [dask.submit(read_shard, for_workers(settings), part, everyone, pure=False) for part in parts]
    firsts = [
        dask.submit(shards.shard_first_suspicions, f, part, run.params) for f, part in zip(facts, parts, strict=True)
    ]
    every_payer = frozenset().union(*dask.gather([dask.submit(shards.payers, first) for first in firsts]))
    results = dask.gather(
        [
            dask.submit(shards.shard_results, f, first, part, every_payer, run)
            for f, first, part in zip(facts, firsts, parts, strict=True)
        ]
    )
    return shards.gathered(results, shared, proj.size, workers, Executor.DASK, timings)
