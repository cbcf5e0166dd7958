"""What the map helper process runs first: Django on the worker's own database, until the worker ends.

``map_refresh`` starts the helper (a fresh "spawn" process) with :func:`start_helper` as its
initializer. The new process imports this module *before* Django is set up, so it must not import
models or anything that does; that is the only reason it is apart from ``map_refresh``.
"""

from __future__ import annotations

import os
import threading
import time

import django


def start_helper(database_url: str, worker_pid: int) -> None:
    """In the helper process: the same settings as the worker, on the very database it is using; and
    leave as soon as the worker is gone, however it ended."""

    def watch_worker() -> None:
        while os.getppid() == worker_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch_worker, name="watch-worker", daemon=True).start()
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    django.setup()
