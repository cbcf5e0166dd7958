"""Compute opinion maps in a helper process beside each ASGI worker.

The engine is numeric Python: run in a worker's own thread it holds the interpreter lock for a good
part of each second, and votes wait for it. In a helper process it runs beside the worker instead, on
whichever core is free. The helper reads the votes and stores the map in the database itself; the
worker then reads the stored map, draws it and broadcasts it.

Used for the background refresh on PostgreSQL only: SQLite (the embedded, one-process setup) computes
in a thread, and pages that read the map compute it in their own request as before. If the helper
cannot be started or fails, the worker computes in its own thread.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor

from django.db import connection

logger = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_broken = False


def enabled() -> bool:
    return (
        connection.vendor == "postgresql"
        and not _broken
        and os.environ.get("COPRODUCE_LIVE_MAP_PROCESS", "1") != "0"
    )


def _database_url() -> str:
    from urllib.parse import quote

    s = connection.settings_dict
    user, password = s.get("USER") or "", s.get("PASSWORD") or ""
    auth = f"{quote(user)}:{quote(password)}@" if password else (f"{quote(user)}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _start_helper(database_url: str, worker_pid: int) -> None:
    """In the helper process: the same settings as the worker, on the very database it is using; and
    leave as soon as the worker is gone, however it ended."""

    def watch_worker() -> None:
        while os.getppid() == worker_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch_worker, name="watch-worker", daemon=True).start()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    import django

    django.setup()


def _compute(session_id: int, force: bool, with_stability: bool):
    from django.db import close_old_connections

    from .opinion_maps import compute_and_store

    try:
        result = compute_and_store(session_id, force=force, with_stability=with_stability)
        return None if result is None else result[1]
    finally:
        close_old_connections()


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_helper,
                initargs=(_database_url(), os.getpid()),
            )
        return _pool


def compute_and_store_elsewhere(session_id: int, *, force: bool = False, with_stability: bool = False):
    """Like ``opinion_maps.compute_and_store``, run in the helper process. Returns ``(snapshot, read_at)``
    or None when the map was already up to date."""
    global _broken, _pool
    from .models import OpinionMapSnapshot
    from .opinion_maps import compute_and_store

    try:
        read_at = _get_pool().submit(_compute, session_id, force, with_stability).result(timeout=120)
    except Exception:
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
    """Start the helper ahead of the first map (starting a Python process takes a moment)."""
    from .map_refresh import _server_loop

    if enabled() and _pool is None and _server_loop() is not None:
        try:
            _get_pool().submit(int, 0)
        except Exception:
            logger.warning("Could not start the map helper process", exc_info=True)
