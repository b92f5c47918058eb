"""Sending each notification in a worker process, so that a send has a hard time-out.

apprise sends from the calling thread, and when it stops waiting for a slow target it leaves that
thread behind, still reading: a target that answers a byte every two seconds holds it (and keeps
a process that should exit alive) as long as it likes. Here a send runs in a worker process
(`python -m newswatch.alerts.courier`, kept for the next send) that is killed when its time is
up or when the service shuts down; nothing is left behind.

A killed send did what the worker told before it died. The worker reports each HTTP request it
starts and each answer's status as soon as the status line arrives, before the answer's body:
a target that answered the notification's request with a success status has accepted it
("accepted"), whether or not the rest of its answer ever came. The outbox records such a
delivery as sent, and never sends it again; a send killed before that may have reached the
target or not, and is sent again (delivery is at least once, and every notification carries its
delivery id so that a receiver can drop a repeat).

The protocol is JSON lines: a job per line on the worker's stdin, events per line on its stdout.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
from dataclasses import dataclass
from time import monotonic

IDLE_SECONDS = 300.0  # a worker with no job for this long exits
KEEP_IDLE = 4  # idle workers kept for the next sends


@dataclass
class Outcome:
    """How a send ended. `accepted`: the target answered the notification with a success status
    (true for every `ok` send over HTTP, and for a send stopped while reading that answer)."""

    ok: bool
    accepted: bool = False
    error: str | None = None
    permanent: bool = False  # retrying cannot help (the URL itself is unusable)
    timed_out: bool = False
    stopped: bool = False  # ended by `Courier.abort` (the service shutting down), not by the target


class _Gone(Exception):
    """The worker process ended (killed, or crashed)."""


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newswatch.alerts.courier"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # Both are pipes (PIPE above); Popen's types allow None for streams not asked for.
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin, self._stdout = self.process.stdin, self.process.stdout
        self._buffer = b""
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._stdout, selectors.EVENT_READ)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def give(self, job: dict) -> None:
        try:
            self._stdin.write(json.dumps(job).encode() + b"\n")
            self._stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            raise _Gone from None

    def event(self, wait: float) -> dict | None:
        """The worker's next event, None when none came within `wait` seconds."""
        while b"\n" not in self._buffer:
            if not self._selector.select(max(wait, 0.0)):
                return None
            chunk = os.read(self._stdout.fileno(), 65536)
            if not chunk:
                raise _Gone
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def kill(self) -> None:
        if self.alive:
            self.process.kill()

    def close(self) -> None:
        self.kill()
        self.process.wait()
        self._selector.close()
        for stream in (self._stdin, self._stdout):
            try:
                stream.close()
            except OSError:
                pass


class Courier:
    """Sends notifications from worker processes, any number at a time (one per calling thread),
    each within its time-out. `abort` stops every send under way; `close` ends the workers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._aborted = False

    def send(
        self, url: str, title: str, body: str, body_format: str, delivery_id: str, timeout: float, on_accepted=None
    ) -> Outcome:
        """Send one notification, or give up after `timeout` seconds. `on_accepted` is called
        (in this thread) the moment the target's answer accepts it."""
        if self._aborted:
            return Outcome(ok=False, stopped=True, error="not sent: the sender is shutting down")
        worker = self._take()
        job = {
            "url": url,
            "title": title,
            "body": body,
            "format": body_format,
            "delivery_id": delivery_id,
            "timeout": timeout,
        }
        accepted, finished = False, False
        deadline = monotonic() + timeout
        try:
            worker.give(job)
            while True:
                event = worker.event(deadline - monotonic())
                if event is None:
                    return Outcome(
                        ok=False, accepted=accepted, timed_out=True, error=f"no complete answer within {timeout:g}s"
                    )
                kind = event.get("event")
                if kind == "request":
                    accepted = False  # a further request: the last answer was not the delivery
                elif kind == "answer" and not accepted:
                    accepted = 200 <= event["status"] < 300 and event["method"] not in ("GET", "HEAD")
                    if accepted and on_accepted is not None:
                        on_accepted()
                elif kind == "done":
                    finished = True
                    return Outcome(
                        ok=event["ok"],
                        accepted=event["ok"] or accepted,
                        error=event.get("error"),
                        permanent=event.get("permanent", False),
                    )
        except _Gone:
            if self._aborted:
                return Outcome(ok=False, accepted=accepted, stopped=True, error="stopped: the sender shut down")
            return Outcome(ok=False, accepted=accepted, error="the sending process ended unexpectedly")
        finally:
            self._give_back(worker, reusable=finished)

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    break
                worker.close()
            else:
                worker = _Worker()
            self._busy.add(worker)
            return worker

    def _give_back(self, worker: _Worker, reusable: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            if reusable and worker.alive and not self._aborted and len(self._idle) < KEEP_IDLE:
                self._idle.append(worker)
                return
        worker.close()

    def abort(self) -> None:
        """Stop every send under way now, and refuse new ones (the service is shutting down)."""
        with self._lock:
            self._aborted = True
            busy = list(self._busy)
        for worker in busy:
            worker.kill()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


# The worker process ------------------------------------------------------------------------


def _watch_http(tell) -> None:
    """Report each HTTP request apprise's plugins make, and each answer's status the moment it
    arrives. requests reads an answer's body after its adapter returns, so the status is told
    before a slow body is read. Patched in this worker process alone, which exists to send."""
    from requests.adapters import HTTPAdapter

    send = HTTPAdapter.send

    def watched(adapter, request, *args, **kwargs):
        tell(event="request", method=request.method)
        response = send(adapter, request, *args, **kwargs)
        tell(event="answer", method=request.method, status=response.status_code)
        return response

    HTTPAdapter.send = watched  # type: ignore[method-assign,assignment]  # a patch, on purpose


def _exit_with_parent(parent: int) -> None:
    """A sender killed with SIGKILL can't stop its workers: each one ends itself, mid-send too,
    once its parent is gone (the outbox sends again what was not accepted)."""
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def main() -> None:
    """Read jobs on stdin, send each, report on stdout; exit at EOF or after IDLE_SECONDS idle."""
    import select

    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # whatever else prints must not garble the protocol

    def tell(**event) -> None:
        protocol.write(json.dumps(event) + "\n")
        protocol.flush()

    _watch_http(tell)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from newswatch.alerts import transport
    from newswatch.alerts.targets import scrub

    while select.select([sys.stdin], [], [], IDLE_SECONDS)[0]:
        line = sys.stdin.readline()
        if not line:
            return
        job = json.loads(line)
        try:
            transport.send(
                job["url"],
                job["title"],
                job["body"],
                job["format"],
                delivery_id=job["delivery_id"],
                timeout=job.get("timeout"),
            )
        except transport.TransportError as exc:
            tell(event="done", ok=False, error=str(exc), permanent=exc.permanent)
        except Exception as exc:  # whatever a plugin raises is this send's failure, not the worker's
            tell(event="done", ok=False, error=scrub(f"{type(exc).__name__}: {exc}", job["url"]))
        else:
            tell(event="done", ok=True)


if __name__ == "__main__":
    main()
