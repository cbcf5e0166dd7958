"""Keeping each session's opinion map fresh: recomputed at most about once a second, by any worker.

The public interface:

- :func:`request_map_refresh` (subscribed to votes and moderation in ``apps.py``) asks for the map to
  be recomputed soon, in the background, on the ASGI server's event loop;
- :func:`current_map` is the map for a page about to show it, recomputed first if out of date;
- :func:`refresh_opinion_map` recomputes now (the demo, and the two functions above);
- :func:`warm_up` starts the helper process ahead of the first map.

**The background refresh.** After a vote commits, ``request_map_refresh`` claims a short-lived
"refresh pending" key in the shared cache (Redis in production). The worker that wins the claim waits
until a second has passed since the last computation, then recomputes from the database and announces
``opinion_map_refreshed`` (``broadcasting.py`` sends it to every room screen). Votes arriving meanwhile
find the claim taken and add nothing; votes arriving after the wait claim the next refresh. A lock
makes sure two workers never compute the same session at once. Nothing here lives only in one
worker's memory: if a worker dies mid-wait, the claim expires after a few seconds and the next vote
claims again; pages that read the map also recompute it when it is out of date.

**The helper process.** The engine is numeric Python: run in a worker's own thread it holds the
interpreter lock for a good part of each second, and votes wait for it. On PostgreSQL the background
refresh therefore computes in a helper process beside each worker, on whichever core is free; the
helper reads the votes and stores the map in the database itself, and the worker reads the stored map
back. SQLite (the embedded, one-process setup) computes in a thread, as do pages that read the map.
If the helper cannot be started or fails, the worker computes in its own thread from then on.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import quote

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection

from coproduce.core import happenings

from .map_helper import start_helper
from .models import OpinionMapSnapshot, Statement
from .opinion_maps import compute_and_store, fingerprint, stability_due

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


# --- the server's event loop -----------------------------------------------------------------------


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when called from a thread it handed sync work to, else None (a
    command, a test without a server): then nothing runs in the background and no helper is started."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return loop if loop.is_running() and not loop.is_closed() else None


def _threads_share_one_database() -> bool:
    """SQLite writes one at a time: its work stays in the server's one database thread. (Read from the
    settings: this is asked on the event loop, where no connection is wanted.)"""
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


# --- asking for a refresh (the subscribers) -----------------------------------------------------------


def request_map_refresh(session_id: int) -> None:
    """Ask for the session's map to be recomputed and broadcast soon (at most about once a second).

    Cheap, as it runs after every vote: one cache round trip, no query."""
    loop = server_loop()
    if loop is None:
        return  # no server here: the map is recomputed when it is next read
    if not cache.add(_pending_key(session_id), 1, timeout=15):
        return
    # A fresh context: the task must not inherit the request's (whose thread executor ends with it).
    loop.call_soon_threadsafe(_start, loop, session_id, context=contextvars.Context())


def refresh_after_vote(session_id: int, statement_id: int) -> None:
    """Subscriber of ``vote_cast``."""
    request_map_refresh(session_id)


def refresh_after_new_statement(statement: Statement) -> None:
    """Subscriber of ``statement_submitted``: an accepted statement is on the map (a pending one is not)."""
    if statement.status == Statement.Status.ACCEPTED:
        request_map_refresh(statement.session_id)


def refresh_after_moderation(statement: Statement) -> None:
    """Subscriber of ``statement_moderated``: hidden and merged statements leave the map."""
    request_map_refresh(statement.session_id)


# --- the background refresh ----------------------------------------------------------------------------


def _start(loop: asyncio.AbstractEventLoop, session_id: int) -> None:
    task = loop.create_task(_refresh_later(session_id), context=contextvars.Context())
    _running_tasks.add(task)
    task.add_done_callback(_running_tasks.discard)


def _delay(session_id: int) -> float:
    last = cache.get(_last_key(session_id)) or 0.0
    return max(0.15, last + refresh_interval() - time.time())


async def _refresh_later(session_id: int) -> None:
    try:
        await asyncio.sleep(await sync_to_async(_delay, thread_sensitive=False)(session_id))
        await sync_to_async(_refresh_and_announce, thread_sensitive=_threads_share_one_database())(session_id)
    except Exception:  # a background task has nobody to tell: log it, and let the next vote claim again
        logger.exception("Could not refresh the opinion map of session %s", session_id)
        cache.delete(_pending_key(session_id))


def _refresh_and_announce(session_id: int) -> None:
    close_old_connections()
    try:
        cache.delete(_pending_key(session_id))  # votes from now on claim the next refresh
        refreshed = refresh_opinion_map(session_id, in_helper=True)
        if refreshed is not None:
            happenings.opinion_map_refreshed.announce(snapshot=refreshed[0], read_at=refreshed[1])
            # Stability is slow to estimate: do it after the new votes are on screens, every few seconds.
            if stability_due(session_id):
                again = refresh_opinion_map(session_id, force=True, with_stability=True, in_helper=True)
                if again is not None:
                    happenings.opinion_map_refreshed.announce(snapshot=again[0], read_at=again[1])
    finally:
        close_old_connections()


def refresh_opinion_map(
    session_id: int,
    *,
    wait_seconds: float = 10.0,
    force: bool = False,
    with_stability: bool = False,
    in_helper: bool = False,
) -> tuple[OpinionMapSnapshot, float] | None:
    """Recompute the map unless it already reflects the current votes.

    ``in_helper``: compute in the worker's helper process where there is one; only for the background
    refresh, which reads committed votes like any other process would.
    Returns ``(snapshot, read_at)`` when it computed, or None when the map was already up to date or
    another worker held the lock for longer than ``wait_seconds``.
    """
    compute = _compute_and_store_in_helper if in_helper and _helper_enabled() else compute_and_store
    deadline = time.monotonic() + wait_seconds
    while not cache.add(_lock_key(session_id), 1, timeout=60):
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)
    try:
        # Counted from when the votes are read, so a slow computation does not stretch the interval.
        cache.set(_last_key(session_id), time.time(), timeout=3600)
        return compute(session_id, force=force, with_stability=with_stability)
    finally:
        cache.delete(_lock_key(session_id))


def current_map(
    session, *, max_age: float | None = None, with_stability: bool = False
) -> OpinionMapSnapshot | None:
    """The session's latest snapshot, recomputed first if it is out of date and was last computed more than
    ``max_age`` seconds ago (default: the refresh interval). ``max_age=0`` always brings it up to date.

    ``with_stability`` also makes sure its stability was worked out from the current votes rather than
    carried over from an earlier map (the outcomes page, whose figure must equal the one ``coproduce
    analyse`` prints for the same votes)."""
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


# --- the helper process ----------------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_broken = False


def _helper_enabled() -> bool:
    return (
        connection.vendor == "postgresql"
        and not _broken
        and os.environ.get("COPRODUCE_LIVE_MAP_PROCESS", "1") != "0"
    )


def _database_url() -> str:
    s = connection.settings_dict
    user, password = s.get("USER") or "", s.get("PASSWORD") or ""
    auth = f"{quote(user)}:{quote(password)}@" if password else (f"{quote(user)}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_helper,
                initargs=(_database_url(), os.getpid()),
            )
        return _pool


def _compute_in_helper(session_id: int, force: bool, with_stability: bool) -> float | None:
    """Runs in the helper process: store the map, and return its ``read_at`` (None: it was up to date)."""
    try:
        result = compute_and_store(session_id, force=force, with_stability=with_stability)
        return None if result is None else result[1]
    finally:
        close_old_connections()


def _compute_and_store_in_helper(
    session_id: int, *, force: bool = False, with_stability: bool = False
) -> tuple[OpinionMapSnapshot, float] | None:
    """``opinion_maps.compute_and_store``, run in the helper process; same contract."""
    global _broken, _pool
    try:
        read_at = (
            _get_pool().submit(_compute_in_helper, session_id, force, with_stability).result(timeout=120)
        )
    except Exception:  # the helper died or failed: compute here from now on (an engine error is raised again)
        logger.exception("The map helper process failed; computing maps in the worker from now on")
        _broken = True
        with _pool_lock:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
                _pool = None
        return compute_and_store(session_id, force=force, with_stability=with_stability)
    if read_at is None:
        return None
    snapshot = OpinionMapSnapshot.objects.select_related("session__current_phase").get(session_id=session_id)
    return snapshot, read_at


def warm_up() -> None:
    """Start the helper ahead of the first map (starting a Python process takes a moment). Does nothing
    outside a server, or where maps are computed in the worker."""
    if _helper_enabled() and _pool is None and server_loop() is not None:
        try:
            _get_pool().submit(int, 0)
        except Exception:  # the first refresh tries again, and falls back to the worker
            logger.warning("Could not start the map helper process", exc_info=True)
