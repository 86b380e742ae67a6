"""The project's Neo4j: cold install (empty Maven cache), warm install, and start-to-Bolt-ready.

    python bench/neo4j_server.py

Uses a temporary home, Maven repository and ports 27687/27474, so it touches
neither the demo server nor the test server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from duanka import neo4j_server
from duanka.settings import Settings


def timed(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    fn()
    seconds = time.perf_counter() - began
    print(f"  {label:34s} {seconds:6.1f} s")
    return seconds


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="duanka-neo4j-bench-"))
    os.environ["MAVEN_OPTS"] = f"-Dmaven.repo.local={scratch / 'm2'}"
    settings = Settings.from_env(
        {
            "DUANKA_NEO4J_HOME": str(scratch / "home"),
            "DUANKA_NEO4J_BOLT_PORT": "27687",
            "DUANKA_NEO4J_HTTP_PORT": "27474",
            "DUANKA_NEO4J_HEAP": "1g",
            "DUANKA_NEO4J_PAGECACHE": "1g",
        }
    )
    print(f"Neo4j {neo4j_server.neo4j_version()} from Maven Central")
    try:
        timed("cold install (empty Maven cache)", lambda: neo4j_server.install(settings.local))
        timed("warm install (already installed)", lambda: neo4j_server.install(settings.local))
        timed("first start to Bolt ready", lambda: neo4j_server.start(settings))
        neo4j_server.stop(settings.local)
        timed("restart to Bolt ready", lambda: neo4j_server.start(settings))
    finally:
        neo4j_server.stop(settings.local)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
