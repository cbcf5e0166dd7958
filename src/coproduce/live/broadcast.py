"""Tell every open page of a session what changed, through the channel layer (Redis across workers).

Messages are sent only after the change has committed, so a page that reacts by reading the
database sees the change. A failure to broadcast never undoes or breaks the change itself: pages
also poll when their websocket is down, and re-read the state when they reconnect.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import LiveSession, describe_time_left

logger = logging.getLogger(__name__)


def everyone_group(session_id: int) -> str:
    """Every page of the session: participants, room screens and control pages."""
    return f"live.{session_id}"


def screen_group(session_id: int) -> str:
    """Room screens and control pages: moderation queues, the take-home wall, pieces."""
    return f"live.{session_id}.screen"


def map_group(session_id: int) -> str:
    """Pages showing the live map: room screens, and participants while the map phase is on."""
    return f"live.{session_id}.map"


def send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the change is saved; pages catch up by polling or on reconnect
        logger.exception("Could not broadcast %s to %s", message.get("type"), group)


def send_after_commit(group: str, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(group, message))


def session_state(session: LiveSession) -> dict[str, Any]:
    """What every page shows at the top: status, current phase and time left, with its HTML."""
    now = timezone.now()
    timer = session.timer(now)
    phase = session.current_phase if session.is_live else None
    phase_count = session.phases.count()
    state: dict[str, Any] = {
        "version": session.version,
        "status": session.status,
        "phase": None,
        "remaining": timer.remaining_seconds if timer else None,
        "running": bool(timer and timer.running),
        "sent_at": now.timestamp(),
    }
    if phase is not None:
        state["phase"] = {
            "id": phase.pk,
            "title": phase.title,
            "activity": phase.activity,
            "position": phase.position,
        }
    state["html"] = render_to_string(
        "live/_phase.html",
        {
            "session": session,
            "phase": phase,
            "timer": timer,
            "phase_count": phase_count,
            "time_left": describe_time_left(timer.remaining_seconds) if timer else "",
        },
    )
    return state


def broadcast_state_after_commit(session: LiveSession) -> None:
    session_id = session.pk

    def send() -> None:
        fresh = LiveSession.objects.select_related("current_phase").get(pk=session_id)
        send_now(everyone_group(session_id), {"type": "live.state", "state": session_state(fresh)})

    transaction.on_commit(send)
