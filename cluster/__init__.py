"""Cluster mode (`[cluster] broker`): newswatch on many machines, on Celery with Redis as the broker
and PostgreSQL as the one store every process shares.

`newswatch run` becomes a scheduler (scheduler.py): any number run, one leads at a time by a lease
in PostgreSQL (lease.py), and the leader puts due source crawls and alert sending on the queue.
`newswatch worker` (worker.py) is a Celery worker that runs those crawls, each in a child process
as the single-machine service does (crawl_guard.py keeps one source to one crawl at a time), and
sends the alerts. Application level: only the CLI imports it.
"""
