"""Shared plumbing of the benchmark scripts: configuration files for a generated news web,
running newswatch as a user would (the installed command, a child process), reading a process's
memory from /proc, and printing tables.

Everything here talks to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NEWSWATCH = shutil.which("newswatch") or str(Path(sys.executable).with_name("newswatch"))
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"


def topics_toml() -> str:
    """The built-in topics, as `newswatch init` writes them (name, query, alert mode)."""
    from newswatch.domain.topics import BUILTIN_TOPICS

    return "".join(
        f"[[topics]]\nname = {json.dumps(t.name)}\nquery = {json.dumps(t.query)}\nalert = {json.dumps(t.alert)}\n\n"
        for t in BUILTIN_TOPICS
    )


def sources_toml(spec, interval: str = "15m", names: list[str] | None = None) -> str:
    kinds = {"rss": "feed", "atom": "feed", "sitemap": "sitemap"}
    out = []
    for source in range(spec.sources):
        name = names[source] if names else spec.source_name(source)
        out.append(
            f'[[sources]]\nname = "{name}"\ntype = "{kinds[spec.listing_type(source)]}"\n'
            f'url = "{spec.base_url}{spec.listing_path(source)}"\ninterval = "{interval}"\n'
        )
    return "\n".join(out)


def write_config(
    folder: Path,
    spec,
    *,
    crawl: dict | None = None,
    alerts: list[str] | None = None,
    service: dict | None = None,
    interval: str = "15m",
    extra_alerts: dict | None = None,
    name: str = "newswatch.toml",
) -> Path:
    """A newswatch.toml in `folder` for the generated web `spec`, with the built-in topics and a
    SQLite database next to it."""
    folder.mkdir(parents=True, exist_ok=True)
    crawl_values = {"allow_private_addresses": True, "obey_robots_txt": True, **(crawl or {})}
    lines = ['[database]\nurl = "sqlite:///newswatch.db"\n', "[crawl]"]
    lines += [f"{key} = {_toml(value)}" for key, value in crawl_values.items()]
    lines += ["", "[alerts]", f"urls = {json.dumps(alerts or [])}"]
    lines += [f"{key} = {_toml(value)}" for key, value in (extra_alerts or {}).items()]
    if service:
        lines += ["", "[service]"] + [f"{key} = {_toml(value)}" for key, value in service.items()]
    lines += ["", '[logging]\nlevel = "INFO"\n', sources_toml(spec, interval), topics_toml()]
    path = folder / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def run_newswatch(config: Path, *args: str, timeout: float = 600) -> tuple[subprocess.CompletedProcess, float]:
    """Run the installed command; returns the result and its wall time in seconds."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"}
    start = time.perf_counter()
    result = subprocess.run(
        [NEWSWATCH, "--config", str(config), *args], capture_output=True, text=True, timeout=timeout, env=env
    )
    return result, time.perf_counter() - start


def probe_cycle(config: Path, *extra: str, timeout: float = 1800) -> dict:
    """One crawl cycle in a fresh interpreter (bench/probe_cycle.py); its timings and report."""
    start = time.time()
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "probe_cycle.py"), str(config), *extra],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"probe_cycle failed:\n{result.stderr[-4000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["spawned_at"] = start
    data["startup_seconds"] = data["ready_at"] - start
    data["process_seconds"] = time.time() - start
    return data


def rss_kb(pid: int) -> int | None:
    """Resident memory of a process (VmRSS), None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
        except FileNotFoundError:
            continue
    return found


def descendants_of(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        for child in children_of(todo.pop()):
            if child not in seen:
                seen.append(child)
                todo.append(child)
    return seen


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    """A Markdown table (also readable in a terminal)."""
    cells = [tuple(str(c) for c in headers)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells[1:]]
    return "\n".join(lines)


def machine() -> dict:
    import platform

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of the machine's CPU time that was busy over `seconds` (all processes, /proc/stat)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        idle = values[3] + values[4]
        return sum(values), idle

    total_a, idle_a = sample()
    time.sleep(seconds)
    total_b, idle_b = sample()
    return 1.0 - (idle_b - idle_a) / max(1, total_b - total_a)


def wait_for_quiet(limit: float = 90.0, busy: float = 0.25) -> float:
    """Wait (at most `limit` seconds) until other processes leave the CPUs mostly idle; returns
    the busy share last seen, to be reported next to the numbers."""
    end = time.monotonic() + limit
    seen = cpu_busy()
    while seen > busy and time.monotonic() < end:
        seen = cpu_busy(2.0)
    return round(seen, 2)


class ServiceRun:
    """`newswatch run` as a user starts it, its log in a file, its memory sampled from /proc."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.log_path = config.with_suffix(".log")
        self.process: subprocess.Popen | None = None
        self.samples: list[dict] = []
        self.child_peak_kb = 0
        self._log_offset = 0
        self.cycles = 0
        self.failed_cycles = 0

    def start(self) -> ServiceRun:
        env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_CONFIG"}
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [NEWSWATCH, "--config", str(self.config), "run"], stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        self.started = time.monotonic()
        return self

    def sample(self) -> dict:
        """One memory sample; also counts finished cycles from the log."""
        pid = self.process.pid
        children = descendants_of(pid)
        child_rss = [rss for rss in (rss_kb(child) for child in children) if rss]
        if child_rss:
            self.child_peak_kb = max(self.child_peak_kb, max(child_rss))
        with open(self.log_path, errors="replace") as handle:
            handle.seek(self._log_offset)
            text = handle.read()
            self._log_offset = handle.tell()
        self.cycles += text.count("cycle done")
        self.failed_cycles += text.count("crawl failed") + text.count("crawl timed out")
        record = {
            "t": round(time.monotonic() - self.started, 2),
            "rss_kb": rss_kb(pid),
            "cycles": self.cycles,
            "children": len(children),
            "children_rss_kb": sum(child_rss),
        }
        self.samples.append(record)
        return record

    def stop(self, timeout: float = 60.0) -> tuple[int | None, float]:
        """SIGTERM, then wait; returns the exit status (None: had to be killed) and seconds taken."""
        import signal

        begin = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            code = None
        self._log.close()
        return code, round(time.monotonic() - begin, 2)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def slope_per(samples: list[dict], x: str, y: str, per: float) -> float:
    """Least-squares slope of y over x, times `per` (e.g. KB per 100 cycles)."""
    points = [(s[x], s[y]) for s in samples if s.get(y) is not None]
    if len(points) < 2:
        return float("nan")
    mean_x = sum(p[0] for p in points) / len(points)
    mean_y = sum(p[1] for p in points) / len(points)
    var = sum((p[0] - mean_x) ** 2 for p in points)
    if var == 0:
        return float("nan")
    return sum((p[0] - mean_x) * (p[1] - mean_y) for p in points) / var * per
