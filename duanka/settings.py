"""Where things are and how to reach Neo4j, read once from the environment.

The local server is the default. Setting ``NEO4J_URI`` points every command at
another server or a cluster (``neo4j://`` routing URIs work), with
``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` beside it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from duanka.errors import DuankaError


def project_root() -> Path:
    """The source checkout when running from one, else the working directory."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").exists() else Path.cwd()


@dataclass(frozen=True)
class LocalServer:
    """The project's own Neo4j: where it lives and how it is sized."""

    home: Path
    lib_dir: Path | None = None  # shared jars, so a second instance needs no second download
    listen_address: str = "127.0.0.1"
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "4g"
    pagecache: str = "auto"  # a size, or auto: the store's size and room to grow (neo4j_server.pagecache_size)
    # neo4j-admin's own JVM (import, dump, password): uncapped, Java takes a quarter of the machine's memory
    admin_heap: str = "1g"
    # neo4j-admin import's off-heap buffers: the rest of its peak (4.8 GB uncapped at `large`)
    import_off_heap: str = "2g"

    @property
    def lib(self) -> Path:
        """The Neo4j installation."""
        return self.lib_dir or self.home / "lib"

    @property
    def conf_dir(self) -> Path:
        """The server's configuration, written by the project."""
        return self.home / "conf"

    @property
    def credentials_file(self) -> Path:
        """The generated password of the local server (mode 600)."""
        return self.home / "credentials"

    @property
    def log_file(self) -> Path:
        """The server's log."""
        return self.home / "logs" / "neo4j.log"

    @property
    def bolt_uri(self) -> str:
        """bolt://127.0.0.1:<port>: loopback only."""
        return f"bolt://{self.listen_address}:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        """Neo4j Browser on loopback."""
        return f"http://{self.listen_address}:{self.http_port}/browser/"


@dataclass(frozen=True)
class Connection:
    """How to reach the database every part of the project works on."""

    uri: str
    user: str
    password: str | None
    database: str
    is_local: bool


@dataclass(frozen=True)
class Settings:
    local: LocalServer
    connection: Connection
    work_dir: Path

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Settings from the environment (NEO4J_*, DUANKA_*), local defaults for the rest."""
        env = dict(os.environ if env is None else env)
        root = project_root()
        local = LocalServer(
            home=Path(env.get("DUANKA_NEO4J_HOME", root / ".neo4j")).resolve(),
            lib_dir=Path(env["DUANKA_NEO4J_LIB"]).resolve() if env.get("DUANKA_NEO4J_LIB") else None,
            listen_address=env.get("DUANKA_NEO4J_LISTEN", "127.0.0.1"),
            bolt_port=int(env.get("DUANKA_NEO4J_BOLT_PORT", 7687)),
            http_port=int(env.get("DUANKA_NEO4J_HTTP_PORT", 7474)),
            heap=env.get("DUANKA_NEO4J_HEAP", "4g"),
            pagecache=env.get("DUANKA_NEO4J_PAGECACHE", "auto"),
            admin_heap=env.get("DUANKA_NEO4J_ADMIN_HEAP", "1g"),
            import_off_heap=env.get("DUANKA_NEO4J_IMPORT_OFF_HEAP", "2g"),
        )
        uri = env.get("NEO4J_URI")
        connection = Connection(
            uri=uri or local.bolt_uri,
            user=env.get("NEO4J_USER", "neo4j"),
            password=env.get("NEO4J_PASSWORD") or None,
            database=env.get("NEO4J_DATABASE", "neo4j"),
            is_local=uri is None,
        )
        work_dir = Path(env.get("DUANKA_WORK_DIR", root / ".duanka")).resolve()
        return cls(local=local, connection=connection, work_dir=work_dir)

    def password(self) -> str:
        """The password to use: ``NEO4J_PASSWORD``, else the local credentials file."""
        if self.connection.password:
            return self.connection.password
        if not self.connection.is_local:
            raise DuankaError(f"NEO4J_PASSWORD is not set for {self.connection.uri}.")
        return read_credentials(self.local.credentials_file)


def read_credentials(path: Path) -> str:
    """The password in a credentials file; a clear error when there is none."""
    if not path.exists():
        raise DuankaError(
            f"No Neo4j password: {path} does not exist. Run `duanka neo4j start` to create it, or set NEO4J_PASSWORD."
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise DuankaError(f"{path} is readable by others (mode {mode:o}); run `chmod 600 {path}`.")
    try:
        password = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise DuankaError(f"Cannot read the Neo4j password file {path}: {exc.strerror}.") from exc
    if not password:
        raise DuankaError(f"The Neo4j password file {path} is empty.")
    return password


def write_private(path: Path, text: str) -> None:
    """Write a file that only its owner may read, from its first byte on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
