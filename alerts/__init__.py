"""Alerting: deciding what to tell (policy), saying it well (render), and getting it there once
(outbox, through apprise in transport).

The crawler calls `plan_for_article` inside its own transaction and `finish_cycle` at the end of a
cycle; the service calls `send_due` from its own thread and `make_digest` on the digest schedule.
"""

# Names are loaded from their modules on first use (PEP 562): a command that lists deliveries
# should not pay for Jinja and the policy code it never calls.
_WHERE = {
    "AlertSettings": "alerts.settings",
    "ArticleView": "alerts.render",
    "CycleBudget": "alerts.policy",
    "MatchView": "alerts.render",
    "Rendered": "alerts.render",
    "SendReport": "alerts.outbox",
    "Target": "alerts.targets",
    "TopicAlerting": "alerts.settings",
    "console_target": "alerts.targets",
    "finish_cycle": "alerts.policy",
    "list_deliveries": "alerts.outbox",
    "make_digest": "alerts.policy",
    "make_health_alert": "alerts.policy",
    "make_test_alert": "alerts.policy",
    "markdown_escape": "alerts.render",
    "mask_url": "alerts.targets",
    "parse_quiet_hours": "alerts.settings",
    "plan_for_article": "alerts.policy",
    "quiet_until": "alerts.outbox",
    "render_digest": "alerts.render",
    "render_health": "alerts.render",
    "render_instant": "alerts.render",
    "render_summary": "alerts.render",
    "render_test": "alerts.render",
    "retry_failed": "alerts.outbox",
    "send_due": "alerts.outbox",
    "target_id": "alerts.targets",
    "targets_for": "alerts.targets",
    "targets_from": "alerts.targets",
    "template_error": "alerts.render",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'alerts' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
