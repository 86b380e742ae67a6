"""Per-installation secrets: the keys that make the audit log tamper-evident and cluster ids unguessable.

Each key is 32 random bytes in its own file under the secrets folder (`DUANKA_SECRETS_DIR`, by default
`~/.config/duanka`), kept apart from the work directory, so whoever can rewrite the audit log or read an
export does not hold the key as well. The folder is 0700 and every key 0600; a key readable by others is
refused, not used.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from duanka.errors import DuankaError

AUDIT = "audit"  # keys the audit log's entries (HMAC-SHA256)
CLUSTER_IDS = "cluster-ids"  # keys cluster ids, so members cannot be recovered from a masked list by brute force
PREFECT_API = "prefect-api"  # the auth string of duanka's Prefect servers (its hex text is what the UI asks for)
KEY_BYTES = 32


def secrets_dir(env: dict[str, str] | None = None) -> Path:
    """Where this installation's keys live: DUANKA_SECRETS_DIR, else ~/.config/duanka."""
    env = dict(os.environ if env is None else env)
    folder = env.get("DUANKA_SECRETS_DIR") or str(Path.home() / ".config" / "duanka")
    return Path(folder).resolve()


def key_file(name: str, folder: Path | None = None) -> Path:
    """Where the installation's key called `name` is kept (as hex text)."""
    return (folder or secrets_dir()) / f"{name}.key"


def key(name: str, folder: Path | None = None) -> bytes:
    """The installation's key called `name`, made on first use (0600 in a 0700 folder)."""
    path = key_file(name, folder)
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise DuankaError(f"Key {path} is readable by others (mode {mode:o}): run `chmod 600 {path}`.")
    value = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(value) < KEY_BYTES:
        raise DuankaError(f"Key {path} is shorter than {KEY_BYTES} bytes: remove it to make a new one.")
    return value


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    try:  # O_EXCL: two processes making the same key at once keep the first
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(KEY_BYTES) + "\n")


def keyed_digest(name: str, text: str, folder: Path | None = None) -> str:
    """HMAC-SHA256 of `text` under the installation's key `name`, as hex."""
    return digester(name, folder)(text)


def digester(name: str, folder: Path | None = None) -> Callable[[str], str]:
    """`keyed_digest` with the key read once, for many texts (a run's thousands of cluster ids)."""
    secret = key(name, folder)
    return lambda text: hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
