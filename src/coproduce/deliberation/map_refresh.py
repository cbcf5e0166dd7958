"""Keeping each session's opinion map fresh: recomputed at most about once a second, by any worker.

After a vote commits, ``request_map_refresh_after_commit`` claims a short-lived "refresh pending" key
in the shared cache (Redis in production). The worker that wins the claim waits until a second has
passed since the last computation, then recomputes from the database and broadcasts the map to every
room screen through the channel layer. Votes arriving meanwhile find the claim taken and add nothing;
votes arriving after the wait claim the next refresh. A lock makes sure two workers never compute
the same session at once. Nothing here lives only in one worker's memory: if a worker dies mid-wait,
the claim expires after a few seconds and the next vote claims again; pages that read the map also
recompute it when it is out of date.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import time

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

_running_tasks: set[asyncio.Task] = set()


def refresh_interval() -> float:
    """Seconds between recomputations of one session's map (setting or environment; default 1)."""
    return float(
        os.environ.get("COPRODUCE_LIVE_MAP_REFRESH_SECONDS")
        or getattr(settings, "LIVE_MAP_REFRESH_SECONDS", 1.0)
    )


def _pending_key(session_id: int) -> str:
    return f"coproduce:live:{session_id}:map-pending"


def _lock_key(session_id: int) -> str:
    return f"coproduce:live:{session_id}:map-lock"


def _last_key(session_id: int) -> str:
    return f"coproduce:live:{session_id}:map-last"


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when called from a thread it handed sync work to, else None."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return loop if loop.is_running() and not loop.is_closed() else None


def request_map_refresh(session_id: int) -> None:
    """Ask for the session's map to be recomputed and broadcast soon (at most about once a second)."""
    loop = _server_loop()
    if loop is None:
        return  # no server here (a command, a test): the map is recomputed when it is next read
    if not cache.add(_pending_key(session_id), 1, timeout=15):
        return
    # A fresh context: the task must not inherit the request's (whose thread executor ends with it).
    loop.call_soon_threadsafe(_start, loop, session_id, context=contextvars.Context())


def request_map_refresh_after_commit(session_id: int) -> None:
    transaction.on_commit(lambda: request_map_refresh(session_id))


def _start(loop: asyncio.AbstractEventLoop, session_id: int) -> None:
    task = loop.create_task(_refresh_later(session_id), context=contextvars.Context())
    _running_tasks.add(task)
    task.add_done_callback(_running_tasks.discard)


def _delay(session_id: int) -> float:
    last = cache.get(_last_key(session_id)) or 0.0
    return max(0.15, last + refresh_interval() - time.time())


async def _refresh_later(session_id: int) -> None:
    try:
        from coproduce.live.consumers import parallel_database

        await asyncio.sleep(await sync_to_async(_delay, thread_sensitive=False)(session_id))
        await sync_to_async(_refresh_and_broadcast, thread_sensitive=not parallel_database())(session_id)
    except Exception:
        logger.exception("Could not refresh the opinion map of session %s", session_id)
        cache.delete(_pending_key(session_id))


def _refresh_and_broadcast(session_id: int) -> None:
    from .opinion_maps import stability_due

    close_old_connections()
    try:
        cache.delete(_pending_key(session_id))  # votes from now on claim the next refresh
        refreshed = refresh_opinion_map(session_id, in_helper=True)
        if refreshed is not None:
            broadcast_map(session_id, refreshed)
            # Stability is slow to estimate: do it after the new votes are on screens, every few seconds.
            if stability_due(session_id):
                again = refresh_opinion_map(session_id, force=True, with_stability=True, in_helper=True)
                if again is not None:
                    broadcast_map(session_id, again)
    finally:
        close_old_connections()


def refresh_opinion_map(
    session_id: int,
    *,
    wait_seconds: float = 10.0,
    force: bool = False,
    with_stability: bool = False,
    in_helper: bool = False,
):
    """Recompute the map unless it already reflects the current votes.

    ``in_helper``: compute in the worker's helper process where there is one (see map_process.py); only
    for the background refresh, which reads committed votes like any other process would.
    Returns ``(snapshot, read_at)`` when it computed, or None when the map was already up to date or
    another worker held the lock for longer than ``wait_seconds``.
    """
    from . import map_process
    from .opinion_maps import compute_and_store

    if in_helper and map_process.enabled():
        compute_and_store = map_process.compute_and_store_elsewhere  # noqa: F811 - same contract

    deadline = time.monotonic() + wait_seconds
    while not cache.add(_lock_key(session_id), 1, timeout=60):
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)
    try:
        # Counted from when the votes are read, so a slow computation does not stretch the interval.
        cache.set(_last_key(session_id), time.time(), timeout=3600)
        return compute_and_store(session_id, force=force, with_stability=with_stability)
    finally:
        cache.delete(_lock_key(session_id))


def broadcast_map(session_id: int, refreshed) -> None:
    """Send the new map to the room screens, and to participants while their phase is reviewing it."""
    from coproduce.live.activities import MAP_ACTIVITIES
    from coproduce.live.broadcast import everyone_group, map_group, send_now

    from .rendering import render_map_for_session

    snapshot, read_at = refreshed
    session = snapshot.session
    common = {"type": "live.map", "read_at": read_at, "votes": snapshot.data.get("votes", 0)}
    send_now(
        map_group(session_id),
        {**common, "variant": "screen", "html": render_map_for_session(session, snapshot)},
    )
    phase = session.current_phase if session.is_live else None
    if phase is not None and phase.activity in MAP_ACTIVITIES:
        send_now(
            everyone_group(session_id),
            {
                **common,
                "variant": "participant",
                "html": render_map_for_session(session, snapshot, variant="participant"),
            },
        )


def current_map(session, *, max_age: float | None = None, with_stability: bool = False):
    """The session's latest snapshot, recomputed first if it is out of date and was last computed more than
    ``max_age`` seconds ago (default: the refresh interval). ``max_age=0`` always brings it up to date.

    ``with_stability`` also makes sure its stability was worked out from the current votes rather than
    carried over from an earlier map (the outcomes page, whose figure must equal the one ``coproduce
    analyse`` prints for the same votes)."""
    from .models import OpinionMapSnapshot
    from .opinion_maps import fingerprint

    snapshot = OpinionMapSnapshot.objects.filter(session=session).first()
    if snapshot is not None and snapshot.fingerprint == fingerprint(session.pk):
        if with_stability and not (snapshot.data or {}).get("stability_current"):
            refresh_opinion_map(session.pk, wait_seconds=5.0, force=True, with_stability=True)
            snapshot = OpinionMapSnapshot.objects.filter(session=session).first()
        return snapshot
    last = cache.get(_last_key(session.pk)) or 0.0
    if snapshot is None or time.time() - last >= (refresh_interval() if max_age is None else max_age):
        refresh_opinion_map(session.pk, wait_seconds=5.0, with_stability=with_stability)
        snapshot = OpinionMapSnapshot.objects.filter(session=session).first()
    return snapshot
