"""Who may reach what: Dask only over TLS off this machine, no secret pickled to workers, Prefect's servers
behind the installation's auth string, and no unmasking through Prefect. None of these needs Neo4j."""

from __future__ import annotations

import pickle
import subprocess
import time
from pathlib import Path

import pytest

from duanka import keys, prefect_server
from duanka.casework import CaseParams, case_file
from duanka.detect import distributed
from duanka.errors import DuankaError
from duanka.params import PREFECT_RUN, ExportParams
from duanka.settings import Settings


@pytest.mark.parametrize(
    "address",
    ["tcp://10.1.2.3:8786", "dask-scheduler.internal:8786", "tcp://dask-scheduler.internal:8786", "ws://10.1.2.3:8786"],
)
def test_a_scheduler_elsewhere_is_refused_unless_over_tls(address: str) -> None:
    began = time.monotonic()
    with pytest.raises(DuankaError, match="only over mutual TLS"):
        with distributed.client({"DUANKA_DASK_SCHEDULER": address}):
            pass
    assert time.monotonic() - began < 10  # refused before any connection is tried
    for loopback in ("tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786"):
        assert distributed.security(loopback, {}) is None


def test_a_tls_scheduler_needs_this_hosts_certificates(tmp_path: Path) -> None:
    with pytest.raises(DuankaError, match="DUANKA_DASK_TLS_CA, DUANKA_DASK_TLS_CERT, DUANKA_DASK_TLS_KEY"):
        distributed.security("tls://10.1.2.3:8786", {})
    env = {"DUANKA_DASK_TLS_CA": "ca.pem", "DUANKA_DASK_TLS_CERT": "me.pem", "DUANKA_DASK_TLS_KEY": "me.key"}
    found = distributed.security("tls://10.1.2.3:8786", env)
    assert found is not None and found.require_encryption
    assert (found.tls_ca_file, found.tls_client_cert, found.tls_client_key) == ("ca.pem", "me.pem", "me.key")


def _certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate and its key: its own CA."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={name}"]
    subprocess.run(
        [*request, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_a_tls_cluster_answers_only_a_client_with_its_certificates(tmp_path: Path) -> None:
    import dask
    from dask.distributed import Client, LocalCluster, Security

    cert, key = _certificate(tmp_path, "cluster")
    stranger, strangers_key = _certificate(tmp_path, "stranger")
    cluster_security = Security(
        tls_ca_file=str(cert),
        tls_scheduler_cert=str(cert),
        tls_scheduler_key=str(key),
        tls_worker_cert=str(cert),
        tls_worker_key=str(key),
        tls_client_cert=str(cert),
        tls_client_key=str(key),
        require_encryption=True,
    )
    with (
        dask.config.set({distributed.PROFILER: False}),
        LocalCluster(
            n_workers=1,
            processes=False,
            protocol="tls://",
            host="127.0.0.1",
            security=cluster_security,
            dashboard_address=None,
        ) as cluster,
    ):
        address = cluster.scheduler_address
        assert address.startswith("tls://")
        env = {"DUANKA_DASK_SCHEDULER": address}
        env |= {"DUANKA_DASK_TLS_CA": str(cert), "DUANKA_DASK_TLS_CERT": str(cert), "DUANKA_DASK_TLS_KEY": str(key)}
        with distributed.client(env) as c:
            assert c.submit(sum, [1, 2]).result() == 3
        with pytest.raises(OSError):  # a certificate the cluster's CA did not sign is turned away
            foreign = Security(tls_ca_file=str(cert), tls_client_cert=str(stranger), tls_client_key=str(strangers_key))
            Client(address, security=foreign, timeout=5).close()


def test_the_settings_sent_to_workers_hold_no_password() -> None:
    driver = Settings.from_env({"NEO4J_URI": "neo4j://db.internal:7687", "NEO4J_PASSWORD": "the-drivers-secret"})
    sent = distributed.for_workers(driver)
    assert b"the-drivers-secret" not in pickle.dumps(sent)
    assert sent.connection.uri == driver.connection.uri
    worker = distributed.on_worker(sent, {"NEO4J_PASSWORD": "the-workers-own", "NEO4J_USER": "reader"})
    assert worker.password() == "the-workers-own" and worker.connection.user == "reader"
    with pytest.raises(DuankaError, match="NEO4J_PASSWORD is not set"):
        distributed.on_worker(sent, {}).password()


def test_the_served_flows_take_no_masking_parameter_and_refuse_one() -> None:
    from prefect.exceptions import SignatureMismatchError

    from flows.inbox import process_inbox
    from flows.pipeline import pipeline

    for served in (pipeline, process_inbox):
        assert not {"masked", "by", "reason"} & set(served.parameters.properties)
    with pytest.raises(SignatureMismatchError):  # what a deployment's run does with the parameters it was given
        pipeline.validate_parameters({"source": "x", "out": "y", "masked": False, "by": "me", "reason": "r"})
    with pytest.raises(SignatureMismatchError):
        process_inbox.validate_parameters({"inbox": "x", "out": "y", "masked": False})


def test_unmasking_is_refused_in_a_run_prefect_started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    named = ExportParams(tmp_path, masked=False, by="李警官", reason="case 2026-117 warrant")
    named.check()  # from the user's own command
    monkeypatch.setenv(PREFECT_RUN, "0f1e2d3c-0000-4000-8000-000000000001")
    with pytest.raises(DuankaError, match="Unmasked export refused in a run Prefect started"):
        named.check()
    ExportParams(tmp_path).check()  # masked is fine there
    with pytest.raises(DuankaError, match="Unmasked case file refused in a run Prefect started"):
        case_file(Settings.from_env(), CaseParams("c-1", tmp_path, False, "李警官", "warrant"))


def test_duankas_prefect_clients_and_servers_use_the_installations_auth_string(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DUANKA_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setenv("DUANKA_PREFECT_PORT", "14999")
    env: dict[str, str] = {}
    prefect_server.authenticate(env)  # a temporary server: both ends
    secret = keys.key_file(keys.PREFECT_API).read_text().strip()
    assert len(secret) == 64 and oct(keys.key_file(keys.PREFECT_API).stat().st_mode & 0o777) == "0o600"
    assert env["PREFECT_API_AUTH_STRING"] == env["PREFECT_SERVER_API_AUTH_STRING"] == secret
    assert int(env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 600  # Prefect's 20 s flaked
    local = {"PREFECT_API_URL": "http://127.0.0.1:14999/api"}
    prefect_server.authenticate(local)
    assert local["PREFECT_API_AUTH_STRING"] == secret
    team = {"PREFECT_API_URL": "https://prefect.team.internal/api"}
    prefect_server.authenticate(team)  # a team's server has credentials of its own: this one is not sent
    assert team == {"PREFECT_API_URL": "https://prefect.team.internal/api"}


def test_run_unmasked_without_a_named_user_is_refused_before_loading(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from duanka.cli import app

    args = ["run", "--source", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"), "--unmasked"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "name the user (--by)" in result.output
    assert not (tmp_path / "out").exists()
