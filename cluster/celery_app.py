"""The Celery application of cluster mode, configured from the validated configuration (no
celeryconfig module, nothing read from the environment), and the names of its tasks and queues.

Crawls are acknowledged late: a task is taken off the broker only once it has run, so the crawl of
a worker lost mid-task is given to another worker once the broker's visibility timeout has passed
(more than `service.crawl_timeout`, so a crawl still running is never handed out twice). Crawls
and alert sending travel on queues of their own: a backlog of crawls never holds up an alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery

from newswatch.scheduler.config import Config

CRAWL = "newswatch.crawl"
SEND = "newswatch.send"
DIGEST = "newswatch.digest"
HEALTH = "newswatch.health"
RETENTION = "newswatch.retention"


@dataclass(frozen=True)
class Queues:
    crawl: str
    send: str

    @classmethod
    def of(cls, config: Config) -> Queues:
        prefix = config.settings.cluster.queue
        return cls(crawl=f"{prefix}.crawl", send=f"{prefix}.send")

    def for_task(self, name: str) -> str:
        return self.crawl if name == CRAWL else self.send


def make_celery(config: Config) -> Celery:
    """A Celery app on the configured broker; tasks are registered by the worker (worker.py)."""
    cluster = config.settings.cluster
    queues = Queues.of(config)
    app = Celery("newswatch", set_as_current=False)
    app.conf.update(
        broker_url=cluster.broker,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": config.visibility_timeout,
            # Look for tasks of lost workers every few seconds, not every 100 (kombu's default).
            "unacked_restore_interval": 5,
            "unacked_restore_throttle": 1,
            "unacked_mutex_expire": 60,
            "socket_connect_timeout": 10,
        },
        task_acks_late=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        result_backend=None,
        # A worker takes one task per free thread: a queued crawl waits on the broker, where any
        # worker can take it, not in a busy worker's buffer.
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=queues.crawl,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        enable_utc=True,
        timezone="UTC",
    )
    return app
