"""`newswatch run` with no alert targets prints its alerts, as `newswatch crawl` does: a real
service process on the fixture news web, its output read as the user sees it."""

from __future__ import annotations

import signal

from tests.conftest import wait_for, write_config
from tests.test_service import SERVICE, _fast_sources, _log, _start

TITLE = "India, US push jet engine co-production under iCET"


def _run_until_printed(config) -> str:
    service = _start(config)
    try:
        assert wait_for(lambda: TITLE in _log(config), deadline=120), _log(config)
    finally:
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=30) == 0
    return _log(config)


def test_run_without_alert_targets_prints_the_alerts(tmp_path, newsweb):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [],
        extra=SERVICE,
        sources=_fast_sources(newsweb, [("ledger", "feeds/national.rss")]),
    )
    output = _run_until_printed(config)
    assert "newswatch instant · icet" in output and newsweb.url("news/icet-jet-engine-co-production.html") in output


def test_run_without_alert_targets_prints_the_alerts_whatever_the_log_level(tmp_path, newsweb):
    config = write_config(
        tmp_path / "n.toml",
        newsweb,
        [],
        extra=SERVICE + '\n[logging]\nlevel = "WARNING"\n',
        sources=_fast_sources(newsweb, [("ledger", "feeds/national.rss")]),
    )
    output = _run_until_printed(config)
    assert "newswatch instant · icet" in output
    assert "cycle done" not in output  # the log itself is at WARNING: only the alert came through
