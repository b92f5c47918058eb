"""Alerting: deciding what to tell (policy), saying it well (render), and getting it there once
(outbox, through apprise in transport).

The crawler calls `plan_for_article` inside its own transaction and `finish_cycle` at the end of a
cycle; the service and the command line send through `dispatch.Dispatcher` (one loop per target,
each calling `send_due`), and the service calls `make_digest` on the digest schedule.
"""

# Names are loaded from their modules on first use (PEP 562): a command that lists deliveries
# should not pay for Jinja and the policy code it never calls.
_WHERE = {
    "AlertSettings": "newswatch.alerts.settings",
    "ArticleView": "newswatch.alerts.render",
    "CycleBudget": "newswatch.alerts.policy",
    "MatchView": "newswatch.alerts.render",
    "Rendered": "newswatch.alerts.render",
    "SendReport": "newswatch.alerts.outbox",
    "Target": "newswatch.alerts.targets",
    "TopicAlerting": "newswatch.alerts.settings",
    "console_target": "newswatch.alerts.targets",
    "finish_cycle": "newswatch.alerts.policy",
    "list_deliveries": "newswatch.alerts.outbox",
    "make_digest": "newswatch.alerts.policy",
    "make_health_alert": "newswatch.alerts.policy",
    "make_test_alert": "newswatch.alerts.policy",
    "markdown_escape": "newswatch.alerts.render",
    "mask_url": "newswatch.alerts.targets",
    "plan_for_article": "newswatch.alerts.policy",
    "quiet_until": "newswatch.alerts.outbox",
    "render_digest": "newswatch.alerts.render",
    "render_health": "newswatch.alerts.render",
    "render_instant": "newswatch.alerts.render",
    "render_summary": "newswatch.alerts.render",
    "render_test": "newswatch.alerts.render",
    "retry_failed": "newswatch.alerts.outbox",
    "send_due": "newswatch.alerts.outbox",
    "target_id": "newswatch.alerts.targets",
    "targets_for": "newswatch.alerts.targets",
    "targets_from": "newswatch.alerts.targets",
    "template_error": "newswatch.alerts.render",
}

__all__ = sorted(_WHERE)  # noqa: PLE0605 (names resolved lazily by __getattr__)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'alerts' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
