"""The scaling curve: the whole `duanka run` at several sizes, time and peak memory per step, fitted and drawn.

    python bench/scaling.py --persons 100000 300000 1000000 --empty-the-database
    python bench/scaling.py --plot-only          # redraw from data/generated/scaling.json

Each size: a generated world (data/generated/scale-<persons>, hard), the database emptied, then
`duanka run` as a user types it (the loading path chosen by itself), under GNU time for the peak memory
of the duanka process. Step times come from the Run nodes the run wrote (ingest, detect with its
parts, export); each step's peak memory per process (duanka itself, its helper processes, the
`neo4j-admin import` it starts; never the Neo4j server) from sampling the process tree (TreeSampler).
Prints a table and the fit seconds = a · rows^b per step (least squares in log–log);
the whole run is extrapolated as the sum of its steps' fits (a step that grows faster takes over), and
drawn in docs/scaling.png.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import psutil

from duanka import db, neo4j_server
from duanka.generate import generate
from duanka.generate.scenario import is_current
from duanka.settings import Settings, project_root

DUANKA = str(Path(sys.executable).with_name("duanka"))
RESULTS = project_root() / "data" / "generated" / "scaling.json"
PICTURE = project_root() / "docs" / "scaling.png"
STEPS = ("ingest", "detect", "export")


class TreeSampler:
    """Resident memory of a process and its descendants, per kind of process, every `interval` seconds.

    GNU time's peak is the largest of the process and the children it waited for, `neo4j-admin import`'s
    JVM among them: the samples say which one it was, and in which step.
    """

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.root = psutil.Process(pid)
        self.samples: list[tuple[float, dict[str, int]]] = []  # (epoch seconds, kind → summed RSS)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def kind(proc: psutil.Process) -> str:
        """neo4j-admin, another JVM (the launcher starting the server), or the run's own processes."""
        if "java" not in proc.name():
            return "duanka"
        return "neo4j-admin" if neo4j_server.ADMIN in proc.cmdline() else "java"

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rss: dict[str, int] = defaultdict(int)
            for proc in [self.root, *self.root.children(recursive=True)]:
                try:
                    rss[self.kind(proc)] += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.samples.append((time.time(), dict(rss)))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peaks(self, since: float = 0.0, until: float = float("inf")) -> dict[str, int]:
        """Each kind's largest resident memory (MB) between two epoch times."""
        peak: dict[str, int] = defaultdict(int)
        for t, rss in self.samples:
            if since <= t <= until:
                for kind, value in rss.items():
                    peak[kind] = max(peak[kind], round(value / 2**20))
        return dict(peak)


def measure(persons: int) -> dict[str, float]:
    """One size: its rows, each step's seconds, the whole command's seconds and peak RSS (MB)."""
    settings = Settings.from_env()
    world = project_root() / "data" / "generated" / f"scale-{persons}"
    if not is_current(world, profile="large", seed=1, difficulty="hard", persons=persons):
        generate(world, "large", persons=persons, seed=1, difficulty="hard")
    rows = sum(
        sum(1 for _ in p.open("rb")) - 1
        for p in world.glob("*.csv")
        if p.stem not in ("truth", "hard_negatives", "dirty_rows")
    )
    db.empty_database(settings)
    began = time.perf_counter()
    out = project_root() / "exports" / f"scale-{persons}"
    command = [DUANKA, "run", "--source", str(world), "--out", str(out)]
    timed = subprocess.Popen(
        ["/usr/bin/time", "-v", *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = TreeSampler(timed.pid)
    stdout, stderr = timed.communicate()
    sampler.stop()
    seconds = time.perf_counter() - began
    if timed.returncode != 0:
        raise SystemExit(stdout[-3000:] + stderr[-3000:])
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr).group(1)) / 1024
    with db.session(settings) as sess:
        runs = db.read(sess, "MATCH (r:Run) RETURN r{.*} AS r ORDER BY r.started_at")
    figures: dict[str, float] = {"persons": persons, "rows": rows, "run": round(seconds, 1), "peak_mb": round(peak)}
    for r in (row["r"] for row in runs):
        started, finished = (datetime.fromisoformat(r[k]) for k in ("started_at", "finished_at"))
        figures[r["kind"]] = round((finished - started).total_seconds(), 1)
        for kind, mb in sampler.peaks(started.timestamp(), finished.timestamp()).items():
            figures[f"peak_mb_{r['kind']}_{kind}"] = mb
        if r["kind"] == "ingest":
            figures["loading"] = r.get("loading", "")  # type: ignore[assignment]
        figures |= {k.removeprefix("seconds_"): round(v, 1) for k, v in r.items() if k.startswith("seconds_")}
    figures |= {f"peak_mb_run_{kind}": mb for kind, mb in sampler.peaks().items()}
    return figures


def fit(rows: np.ndarray, seconds: np.ndarray) -> tuple[float, float]:
    """a, b of seconds = a · rows^b."""
    b, log_a = np.polyfit(np.log(rows), np.log(seconds), 1)
    return float(np.exp(log_a)), float(b)


def predicted(results: list[dict[str, float]], rows: np.ndarray) -> np.ndarray:
    """The whole run's seconds at `rows`: each step's fit, added."""
    measured = np.array([r["rows"] for r in results], dtype=float)
    total = np.zeros_like(rows, dtype=float)
    for step in STEPS:
        a, b = fit(measured, np.array([r[step] for r in results], dtype=float))
        total += a * rows**b
    return total


def draw(results: list[dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = np.array([r["rows"] for r in results], dtype=float)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    span = np.geomspace(rows.min(), rows.max() * 20, 50)
    ax.plot(rows, [r["run"] for r in results], "o", color="black")
    ax.plot(
        span, predicted(results, span), "-", color="black", alpha=0.6, label="whole duanka run: the steps' fits added"
    )
    for step, colour in zip(STEPS, ("tab:blue", "tab:orange", "tab:green"), strict=True):
        seconds = np.array([r[step] for r in results], dtype=float)
        a, b = fit(rows, seconds)
        ax.plot(rows, seconds, "o", color=colour)
        ax.plot(span, a * span**b, "-", color=colour, alpha=0.6, label=f"{step}: {a:.2g}·rows^{b:.2f}")
    ax.axhline(8 * 3600, color="grey", linestyle=":", label="a night (8 h)")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="rows in the extract",
        ylabel="seconds",
        title="duanka run on one 2-core / 24 GB machine (points measured, lines fitted)",
    )
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(PICTURE)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--empty-the-database", action="store_true", help="say so: each size replaces the database")
    ap.add_argument("--plot-only", action="store_true")
    args = ap.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    if not args.plot_only:
        if not args.empty_the_database:
            raise SystemExit("--empty-the-database: each size empties the configured database")
        for persons in args.persons:
            results = [r for r in results if r["persons"] != persons] + [measure(persons)]
            print(json.dumps(results[-1]), flush=True)
            RESULTS.write_text(json.dumps(sorted(results, key=lambda r: r["persons"]), indent=1))
    results.sort(key=lambda r: r["persons"])
    print(f"{'persons':>10} {'rows':>12} {'loading':>12} " + " ".join(f"{s:>9}" for s in ("run", *STEPS)) + "  peak MB")
    for r in results:
        print(
            f"{r['persons']:>10,} {r['rows']:>12,} {r.get('loading', ''):>12} "
            + " ".join(f"{r[s]:>9.1f}" for s in ("run", *STEPS))
            + f"  {r['peak_mb']:>7,}"
        )
    print("peak MB by step and process (sampled; duanka = the run's own Python processes):")
    for r in results:
        peaks = {k.removeprefix("peak_mb_"): v for k, v in r.items() if k.startswith("peak_mb_")}
        print(f"{r['persons']:>10,}  " + "  ".join(f"{k} {v:,}" for k, v in sorted(peaks.items())))
    if len(results) >= 2:
        for step in STEPS:
            a, b = fit(np.array([r["rows"] for r in results], dtype=float), np.array([r[step] for r in results]))
            print(f"{step}: seconds = {a:.3g} · rows^{b:.2f}")
        span = np.geomspace(1e6, 1e10, 2000)
        night = span[predicted(results, span) <= 8 * 3600].max()
        print(f"whole run (the steps' fits added): 8 hours reach {night:,.0f} rows")
        draw(results)
        print(f"drew {PICTURE}")


if __name__ == "__main__":
    main()
