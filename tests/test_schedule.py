"""Scheduled runs end to end: a real local Prefect server, `duanka serve`, runs triggered through the API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from duanka import prefect_server
from duanka.generate import generate
from duanka.settings import Settings

DUANKA = str(Path(sys.executable).with_name("duanka"))
PORT = os.environ.get("DUANKA_TEST_PREFECT_PORT", "14200")  # apart from a local server on 4200
TRIGGER = """
import sys, time
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
deadline = time.time() + 90
while True:
    try:
        run = run_deployment("process-inbox/inbox", timeout=900)
        break
    except ObjectNotFound:
        if time.time() > deadline:
            raise
        time.sleep(1)
print(run.state.type.value)
"""


@pytest.fixture(scope="module")
def prefect_env(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("prefect-home")
    env = dict(os.environ, PREFECT_HOME=str(home), DUANKA_PREFECT_PORT=PORT, PREFECT_RUNNER_POLL_FREQUENCY="1")
    env.pop("PREFECT_API_URL", None)
    started = subprocess.run([DUANKA, "prefect", "start"], env=env, capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stdout + started.stderr
    # a script of the user's own, not importing duanka's flows, names the auth string itself
    yield dict(
        env, PREFECT_API_URL=f"http://127.0.0.1:{PORT}/api", PREFECT_API_AUTH_STRING=prefect_server.auth_string()
    )
    subprocess.run([DUANKA, "prefect", "stop"], env=env, timeout=60)


@pytest.fixture()
def served(prefect_env: dict[str, str], empty_db: Settings, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    inbox, out = tmp_path / "inbox", tmp_path / "exports"
    server = subprocess.Popen(
        [DUANKA, "serve", "--inbox", str(inbox), "--out", str(out), "--cron", "0 0 1 1 *"],
        env=prefect_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield inbox, out
    server.terminate()
    server.wait(timeout=60)


def trigger(env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", TRIGGER], env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def ledger(inbox: Path) -> list[dict]:
    path = inbox / "ledger.jsonl"
    return pd.read_json(path, lines=True).to_dict("records") if path.exists() else []


def test_a_triggered_run_processes_the_extract_once(prefect_env: dict[str, str], served: tuple[Path, Path]) -> None:
    inbox, out = served
    while not (inbox / "incoming").exists():
        time.sleep(0.5)
    generate(inbox / "incoming" / ".writing", "demo", persons=600, seed=11)
    (inbox / "incoming" / ".writing").rename(inbox / "incoming" / "extract-001")
    assert trigger(prefect_env) == "COMPLETED"
    assert (inbox / "done" / "extract-001" / "persons.csv").exists() and not list((inbox / "incoming").iterdir())
    leads = pd.read_csv(out / "extract-001" / "leads.csv", encoding="utf-8-sig")
    assert len(leads) > 0 and (out / "extract-001" / "manifest.json").exists()
    assert [r["status"] for r in ledger(inbox)] == ["done"]
    exported_at = (out / "extract-001" / "manifest.json").stat().st_mtime

    assert trigger(prefect_env) == "COMPLETED"  # nothing new: nothing happens
    assert [r["status"] for r in ledger(inbox)] == ["done"]
    assert (out / "extract-001" / "manifest.json").stat().st_mtime == exported_at


def test_a_malformed_extract_goes_to_failed_and_the_next_is_still_processed(
    prefect_env: dict[str, str], served: tuple[Path, Path]
) -> None:
    inbox, out = served
    while not (inbox / "incoming").exists():
        time.sleep(0.5)
    bad, good = inbox / "incoming" / "a-broken", inbox / "incoming" / "b-good"
    generate(bad, "demo", persons=300, seed=12)
    pd.read_csv(bad / "sims.csv", dtype=str).drop(columns=["msisdn"]).to_csv(bad / "sims.csv", index=False)
    generate(good, "demo", persons=600, seed=13)
    assert trigger(prefect_env) == "COMPLETED"
    failed = inbox / "failed" / "a-broken"
    assert "sims.csv is rejected" in (failed / "FAILED.txt").read_text(encoding="utf-8")
    assert (inbox / "done" / "b-good").exists() and (out / "b-good" / "leads.csv").exists()
    assert {r["extract"]: r["status"] for r in ledger(inbox)} == {"a-broken": "failed", "b-good": "done"}


def test_the_local_server_refuses_a_client_without_the_auth_string(prefect_env: dict[str, str]) -> None:
    """`duanka prefect start` demands the installation's auth string, which is on no process's command line."""
    import base64
    import urllib.error
    import urllib.request

    url = prefect_env["PREFECT_API_URL"] + "/flows/filter"
    secret = prefect_server.auth_string()

    def status(headers: dict[str, str]) -> int:
        request = urllib.request.Request(url, data=b"{}", method="POST", headers=headers)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    assert status({}) == 401
    assert status({"Authorization": "Basic " + base64.b64encode(b"duanka:guess").decode()}) == 401
    assert status({"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}) == 200
    listed = subprocess.run(  # Prefect's own client, given the string in its environment, is let in
        [
            sys.executable,
            "-c",
            "from prefect import get_client\nwith get_client(sync_client=True) as c: print(len(c.read_flows()))",
        ],
        env=prefect_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            assert secret.encode() not in (proc / "cmdline").read_bytes(), proc
        except OSError:
            continue
