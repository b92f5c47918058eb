"""Real servers and processes for the cluster-mode tests: a private redis-server on a free port (its
own folder, nothing saved), a PostgreSQL schema of the test's own in the database that
NEWSWATCH_TEST_POSTGRES names (CI sets it; .ci/run starts PostgreSQL and installs Redis), and the
cluster's processes (`newswatch run`, `newswatch worker`) started as a user starts them."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import NEWSWATCH, json_lines, run_newswatch, wait_for, write_config
from tests.services import free_port

POSTGRES = os.environ.get("NEWSWATCH_TEST_POSTGRES")
DOCS = Path(__file__).resolve().parent.parent / "docs"
needs_postgres = pytest.mark.skipif(not POSTGRES, reason="set NEWSWATCH_TEST_POSTGRES to a PostgreSQL URL (CI does)")

# Short heartbeats and lease: a lost worker is found in 3 s, a dead leader replaced within ~7 s.
CLUSTER = '[cluster]\nbroker = "{broker}"\nheartbeat = "1s"\nlease = "5s"\nbatch = 1\n'
SERVICE = '[service]\nheartbeat = "1s"\nsend_every = "1s"\ncrawl_timeout = "30s"\njitter = "0s"\n'


@contextmanager
def redis_server(folder: Path, port: int | None = None) -> Iterator[str]:
    """A redis-server of the test's own on 127.0.0.1 (on `port`, else a free one); yields its URL."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = open(folder / "redis.log", "w")  # noqa: SIM115 (the server writes to it until it stops)
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: _answers(port), deadline=20), (folder / "redis.log").read_text()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A schema of the test's own in the test database; yields a URL whose tables live in it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"nw_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    url = make_url(POSTGRES).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(text("SET lock_timeout = '20s'"))
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def cluster_config(path: Path, web, database: str, broker: str, alert_urls=(), sources=None, extra: str = "") -> Path:
    """write_config's configuration on PostgreSQL, in cluster mode with short timings."""
    path = write_config(
        path, web, list(alert_urls), sources=sources, extra=SERVICE + CLUSTER.format(broker=broker) + extra
    )
    path.write_text(path.read_text().replace('url = "sqlite:///newswatch.db"', f'url = "{database}"'))
    return path


def unit_command(unit: str, config: Path) -> list[str]:
    """The command a systemd unit in docs/ starts, on the installed `newswatch` and `config`."""
    line = next(line for line in (DOCS / unit).read_text().splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(line.removeprefix("ExecStart="))
    argv[0] = NEWSWATCH
    argv[argv.index("--config") + 1] = str(config)
    return argv


class Cluster:
    """The processes of one cluster, each with a log file; every one left is killed on exit."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str, argv: list[str] | None = None) -> subprocess.Popen:
        """`newswatch --config CONFIG COMMAND...`, or `argv` as given."""
        log = open(self.config.parent / f"{name}.log", "w")  # noqa: SIM115 (written until the process stops)
        env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"}
        argv = argv or [NEWSWATCH, "--config", str(self.config), *command]
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.config.parent / f"{name}.log").read_text()

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-4000:]}" for name in self.processes)

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, name: str, signalled: bool = False) -> int:
        """SIGTERM (once, as systemd sends it) and the exit status."""
        process = self.processes.pop(name)
        if not signalled:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            return -9

    def stop_all(self) -> dict[str, int]:
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        return {name: self.stop(name, signalled=True) for name in list(self.processes)}

    def status(self) -> dict:
        result = run_newswatch("status", "--json", config=self.config)
        assert result.returncode == 0, result.stderr
        return json_lines(result.stdout)[0]

    def leader(self) -> str | None:
        """The name of the process (as started here) that leads, by its pid."""
        leader = self.status()["cluster"]["leader"]
        if leader is None:
            return None
        pid = int(leader["node"].split(":")[1])
        return next((name for name, p in self.processes.items() if p.pid == pid), None)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes.values():
            process.kill()
            process.wait(timeout=30)


def stored(config: Path) -> list[dict]:
    result = run_newswatch("export", "--format", "jsonl", "--all", config=config)
    assert result.returncode == 0, result.stderr
    return json_lines(result.stdout)
