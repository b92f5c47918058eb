"""Logging: one event per line on stderr, `key=value` for people or JSON for machines, with
secrets (apprise URLs carry tokens, database URLs passwords, source URLs passwords and tokens)
masked before anything is written."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from newswatch.domain.redact import mask_text


def mask_secrets(text: str) -> str:
    """Mask the credentials of every URL in `text` (user parts, token parameters), and the path of
    non-web URLs (apprise targets keep their tokens in the path): domain/redact.py."""
    return mask_text(text)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = f"{moment} {record.levelname.lower()} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        return mask_secrets(line)


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_secrets(record.getMessage()),
        }
        for key, value in re.findall(r"(\w+)=(\S+)", event["message"]):
            event.setdefault(key, value)
        if record.exc_info:
            event["error"] = mask_secrets(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False)


class _QuietLibraries(logging.Filter):
    """Drop libraries' records below WARNING (or the chosen level). A filter on the handler, not
    logger levels: Scrapy resets its loggers' levels whenever a crawl starts."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.floor = max(logging.WARNING, level)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith("newswatch") or record.levelno >= self.floor


def setup_logging(level: str = "WARNING", fmt: str = "text", stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_JsonFormatter() if fmt == "json" else _TextFormatter())
    handler.addFilter(_QuietLibraries(logging.getLevelName(level)))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Alerts printed for want of a target (alerts.outbox.CONSOLE_LOG) are output, not log: shown
    # whatever the log level, as `newswatch crawl` prints them on stdout.
    logging.getLogger("newswatch.alerts.console").setLevel(logging.INFO)
    # Scrapy and its friends are chatty at INFO; their warnings and errors still come through.
    for noisy in (
        "scrapy",
        "twisted",
        "trafilatura",
        "htmldate",
        "courlan",
        "apprise",
        "urllib3",
        "asyncio",
        "filelock",
        "alembic",
        "readability",
        "charset_normalizer",
        "justext",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
