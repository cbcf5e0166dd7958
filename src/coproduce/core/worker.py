"""Background work: jobs run again and again away from requests (sending e-mail, releasing held places).

An app registers a job in its ``AppConfig.ready()``::

    worker.register_job("events.release_expired_holds", release_expired_holds)

A job takes no arguments, does whatever is due, and returns something printable (a summary) or None.
Jobs must be safe to run in several processes at once and to run late: the worker is a convenience
for timeliness, never the only guard (e.g. places count expired holds as free whether or not the
worker has released them yet).

Who runs the jobs:

- ``coproduce worker`` (``coproduce manage run_worker``): a process that runs every job, waits
  ``WORKER_POLL_SECONDS``, and again. Production runs one or more beside ``coproduce serve``.
- ``coproduce serve`` on the embedded database, and ``coproduce demo``: :func:`start_in_process`
  runs the same loop in a thread of the server, woken at once when an e-mail is queued.
- ``coproduce manage run_worker --once`` (or a job's own command): one pass, e.g. from cron.

One job's failure is logged and never stops the others or the loop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from . import outbox

logger = logging.getLogger(__name__)

Job = Callable[[], object]
JOBS: dict[str, Job] = {}


def register_job(name: str, job: Job) -> None:
    """Run ``job`` on every pass of the worker. Registering a name again replaces its job."""
    JOBS[name] = job


def run_pass() -> dict[str, object]:
    """Run every registered job once; returns each job's summary (or the exception it raised)."""
    results: dict[str, object] = {}
    for name, job in list(JOBS.items()):
        try:
            results[name] = job()
        except Exception as error:  # one job's bug must not stop the others
            logger.exception("Background job %s failed", name)
            results[name] = error
    return results


def run_forever(
    *,
    poll_seconds: float | None = None,
    stop: threading.Event | None = None,
    wake: threading.Event | None = None,
    on_pass: Callable[[dict[str, object]], None] | None = None,
) -> None:
    """Run passes until ``stop`` is set, waiting ``poll_seconds`` between them or until ``wake`` is set."""
    poll = settings.WORKER_POLL_SECONDS if poll_seconds is None else poll_seconds
    stop = stop or threading.Event()
    wake = wake or threading.Event()
    while not stop.is_set():
        wake.clear()
        close_old_connections()  # as a request does: drop a broken or expired database connection
        results = run_pass()
        close_old_connections()
        if on_pass:
            on_pass(results)
        wake.wait(poll)


class InProcessWorker:
    """The loop in a daemon thread of the server process, woken when this process queues an e-mail."""

    def __init__(self, poll_seconds: float | None = None):
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.poll_seconds = poll_seconds
        self.thread = threading.Thread(target=self._run, name="coproduce-worker", daemon=True)

    def _run(self) -> None:
        try:
            run_forever(poll_seconds=self.poll_seconds, stop=self.stop, wake=self.wake)
        finally:
            connections.close_all()  # this thread's own connections

    def _queued(self) -> None:
        transaction.on_commit(self.wake.set)  # the worker's own connection sees the message only then

    def start(self) -> InProcessWorker:
        outbox.add_queued_listener(self._queued)
        self.thread.start()
        return self

    def shut_down(self, timeout: float = 10) -> None:
        outbox.remove_queued_listener(self._queued)
        self.stop.set()
        self.wake.set()
        self.thread.join(timeout)


def start_in_process(poll_seconds: float | None = None) -> InProcessWorker:
    """Start background work in a thread of this process (the embedded server and the demo)."""
    return InProcessWorker(poll_seconds).start()
