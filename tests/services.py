"""The servers the suite needs besides its own loopback news web: PostgreSQL, Redis and a headless
Chromium with its driver. The suite runs every test that needs them; a missing one stops the run
before it starts, with the command that installs it (unless NEWSWATCH_TEST_SKIP_SERVICES=1, for a
quick local run that then skips those tests and says so).

PostgreSQL: the server NEWSWATCH_TEST_POSTGRES names, or else a private one this module starts
for the run (initdb in a temporary folder, a free port on 127.0.0.1, stopped at the end). Redis
is started per test by tests/cluster_helpers.py. Nothing here touches the machine's own servers.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL = "apt-get install postgresql redis-server chromium chromium-driver (Debian), or run .ci/run"


def skipping_allowed() -> bool:
    return os.environ.get("NEWSWATCH_TEST_SKIP_SERVICES") == "1"


def missing_services() -> list[str]:
    """What the suite needs and this machine lacks."""
    missing = []
    if not os.environ.get("NEWSWATCH_TEST_POSTGRES") and not _postgres_bin("initdb"):
        missing.append("PostgreSQL (initdb, pg_ctl)")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        missing.append("chromium and chromedriver")
    return missing


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    return candidates[-1] if candidates else None


def _version(path: str) -> tuple[int, ...]:
    part = Path(path).parent.parent.name
    return tuple(int(p) for p in part.split(".") if p.isdigit())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """A PostgreSQL server of the test run's own. Run as root (CI containers), the server runs as
    the `postgres` user (initdb refuses root)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
        self.port = free_port()
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            pwd.getpwnam(self.user)  # KeyError: no such user, said by the caller
            os.chmod(self.folder, 0o755)
            shutil.chown(self.folder, self.user)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = list(args)
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    def start(self) -> str:
        data = self.folder / "data"
        done = self._run(
            _postgres_bin("initdb"), "-D", str(data), "-U", "newswatch", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off -c max_connections=200"
        done = self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        if done.returncode != 0:
            log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        url = f"postgresql+psycopg://newswatch@127.0.0.1:{self.port}/postgres"
        self._create_database(url)
        return url.rsplit("/", 1)[0] + "/newswatch_test"

    def _create_database(self, url: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + 30
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(text("CREATE DATABASE newswatch_test"))
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        engine.dispose()

    def stop(self) -> None:
        data = self.folder / "data"
        if data.exists():
            self._run(_postgres_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
