"""Alerting: deciding what to tell (policy), saying it well (render), and getting it there once
(outbox, through apprise in transport).

The crawler calls `plan_for_article` inside its own transaction and `finish_cycle` at the end of a
cycle; the service calls `send_due` from its own thread and `make_digest` on the digest schedule.
"""

from alerts.outbox import SendReport, list_deliveries, quiet_until, retry_failed, send_due
from alerts.policy import (
    CycleBudget,
    finish_cycle,
    make_digest,
    make_health_alert,
    make_test_alert,
    plan_for_article,
)
from alerts.render import (
    ArticleView,
    MatchView,
    Rendered,
    markdown_escape,
    render_digest,
    render_health,
    render_instant,
    render_summary,
    render_test,
    template_error,
)
from alerts.settings import AlertSettings, TopicAlerting, parse_quiet_hours
from alerts.targets import Target, console_target, mask_url, target_id, targets_for, targets_from

__all__ = [
    "AlertSettings", "ArticleView", "CycleBudget", "MatchView", "Rendered", "SendReport",
    "Target", "TopicAlerting", "console_target", "finish_cycle", "list_deliveries", "make_digest",
    "make_health_alert", "make_test_alert", "markdown_escape", "mask_url", "parse_quiet_hours",
    "plan_for_article", "quiet_until", "render_digest", "render_health", "render_instant", "render_summary",
    "render_test", "retry_failed", "send_due", "target_id", "targets_for", "targets_from", "template_error",
]
