"""How fast an outcomes file is recorded: 10,000 rows, the audit entry included.

    python bench/outcomes.py --rows 10000 --empty-the-database

Empties the configured database, creates the entities the file names (half numbers, half bank
accounts, a fifth of them leads of one detection run), writes a case team's outcomes file — `type:id`,
bare ids and lead refs, Chinese outcome words — and times `duanka decide --file` on it, then once more
(the re-run that records nothing new). Target: ≤ 30 s for 10,000 rows.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from duanka import db
from duanka.outcomes.record import record_file
from duanka.private import owner_only
from duanka.settings import Settings
from graphmodel.apply import apply_schema

SETUP = """
UNWIND $sims AS m CREATE (:Sim {msisdn: m})
WITH count(*) AS _
UNWIND $accounts AS a CREATE (:Account {account_id: a})
WITH count(*) AS _
CREATE (r:Run {run_id: $run, finished_at: datetime()})
WITH r
UNWIND range(0, size($leads) - 1) AS i
MATCH (s:Sim {msisdn: $leads[i]})
CREATE (s)-[:FLAGGED_IN {rank: i + 1, score: 0.5}]->(r)
"""


def outcomes_file(rows: int, out: Path) -> tuple[list[str], list[str], list[str], Path]:
    """The entities, and a file naming each once: every fifth by lead_ref, every third bare, the rest type:id."""
    sims = [f"139{i:08d}" for i in range(rows // 2)]
    accounts = [f"6222020{i:012d}" for i in range(rows - rows // 2)]
    leads = sims[: rows // 5]
    words = ["确认涉诈", "排除", "核查中", "confirmed", "dismissed"]
    refs = [f"bench-run#{i + 1}" for i in range(len(leads))]
    refs += [f"sim:{m}" if i % 3 else m for i, m in enumerate(sims[len(leads) :])]
    refs += [f"account:{a}" if i % 3 else a for i, a in enumerate(accounts)]
    frame = pd.DataFrame(
        {
            "号码": refs,
            "认定结果": [words[i % len(words)] for i in range(len(refs))],
            "认定人": "市局反诈中心",
            "认定时间": [f"2026-11-{1 + i % 28:02d} 10:00" for i in range(len(refs))],
            "备注": [f"批量核查 第 {i // 100 + 1} 批" for i in range(len(refs))],
        }
    )
    path = out / "outcomes.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return sims, accounts, leads, path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    owner_only()
    settings = Settings.from_env()
    db.empty_database(settings)
    with tempfile.TemporaryDirectory() as folder:
        sims, accounts, leads, path = outcomes_file(args.rows, Path(folder))
        with db.session(settings) as sess:
            apply_schema(sess)
            db.run(sess, SETUP, sims=sims, accounts=accounts, leads=leads, run="bench-run")
        began = time.perf_counter()
        done = record_file(settings, path)
        seconds = time.perf_counter() - began
        began = time.perf_counter()
        again = record_file(settings, path)
        rerun = time.perf_counter() - began
    assert done.ok and done.recorded == args.rows and done.unmatched == 0, done
    assert again.recorded == 0 and again.already == args.rows
    print(
        f"{args.rows:,} outcome rows recorded in {seconds:.1f} s ({args.rows / seconds:,.0f} rows/s), audit entry "
        f"included ({dict(done.outcomes)}); the same file again: {rerun:.1f} s, nothing new recorded"
    )


if __name__ == "__main__":
    main()
