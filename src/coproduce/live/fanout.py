"""One channel-layer subscription per worker process and session, shared by that worker's pages.

With Redis, a group message is queued once per channel in the group and each worker pops its messages
one by one, so a phase change sent to 200 pages, one channel each, costs hundreds of Redis round trips
before the last page hears of it. Instead each worker joins the session's group once, with a channel of
its own, and hands every message it receives to all of its pages for that session at once.

What this keeps in a worker's memory is only which of *its own* open websockets belong to which session:
the connections themselves live there anyway. Everything about the session is still read from the
database, and every worker gets every message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

logger = logging.getLogger(__name__)


class _Subscription:
    def __init__(self, layer, group: str):
        self.layer = layer
        self.group = group
        self.pages: set[Any] = set()
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.ready = asyncio.Event()

    async def start(self) -> None:
        self.channel = await self.layer.new_channel()
        await self.layer.group_add(self.group, self.channel)
        self.task = asyncio.get_running_loop().create_task(self._relay())
        self.ready.set()

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.channel is not None:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:  # the group entry expires by itself
                logger.warning("Could not leave %s", self.group, exc_info=True)

    async def _relay(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # e.g. Redis restarting: keep trying, pages poll meanwhile
                logger.exception("Lost messages for %s; retrying", self.group)
                await asyncio.sleep(1)
                continue
            pages = list(self.pages)
            if pages:
                await asyncio.gather(*(_deliver(page, message) for page in pages))


async def _deliver(page, message: dict) -> None:
    try:
        await page.dispatch(message)
    except Exception:  # one page's trouble must not stop the others hearing
        logger.exception("Could not deliver %s", message.get("type"))


_subscriptions: dict[tuple[int, str], _Subscription] = {}
_lock_by_loop: dict[int, asyncio.Lock] = {}


def _lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _lock_by_loop.get(id(loop))
    if lock is None:
        lock = _lock_by_loop[id(loop)] = asyncio.Lock()
    return lock


async def join(layer, group: str, page) -> None:
    """Have ``page`` (a consumer) receive every message sent to ``group``."""
    key = (id(asyncio.get_running_loop()), group)
    async with _lock():
        subscription = _subscriptions.get(key)
        if subscription is None:
            subscription = _subscriptions[key] = _Subscription(layer, group)
            await subscription.start()
        subscription.pages.add(page)


async def leave(group: str, page) -> None:
    key = (id(asyncio.get_running_loop()), group)
    async with _lock():
        subscription = _subscriptions.get(key)
        if subscription is None:
            return
        subscription.pages.discard(page)
        if not subscription.pages:
            del _subscriptions[key]
            await subscription.stop()
