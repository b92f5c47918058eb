"""Who holds a claim: a process named "host:pid", and whether it still runs.

A delivery being sent and a crawl under way carry their process's owner name. Another process on
the same host can tell at once that the owner died (killed with SIGKILL, crashed) and take the
claim back; an owner on another host can't be seen from here, and its claim waits out its lease.
A pid reused by a new process reads as alive: the claim then waits for its lease too, never
taken from a sender that is still at work.
"""

from __future__ import annotations

import os
import socket


def me() -> str:
    """This process's owner name."""
    return f"{socket.gethostname()}:{os.getpid()}"


def is_dead(owner: str | None) -> bool:
    """True when `owner` is a process of this host that no longer runs (or is a zombie waiting to
    be reaped). False when it runs, is on another host, or `owner` is unset."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # someone else's process with that pid: it runs
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False
