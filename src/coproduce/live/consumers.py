"""The websocket every page of a live session keeps open: participants, room screens and control pages.

A connection holds only what it needs to route messages (which session, which participant, which
activity its page shows). Everything else is read from the database, so any worker can serve anyone
and a dropped connection picks up exactly where it was on reconnecting.

Messages from the browser are JSON objects with a ``type`` and an optional ``ref``, answered with
``{"type": "ack", "ref": ..., "ok": ..., "message": ...}``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import close_old_connections

from . import actions, activities, fanout
from .broadcast import everyone_group, map_group, screen_group, session_state
from .identity import find_participant
from .models import LiveSession, Participant, Phase
from .permissions import can_control_session

logger = logging.getLogger(__name__)

VIEWS = {"participant", "screen", "control"}
CONTROL_ACTIONS = {
    "start": actions.do_start_session,
    "pause": actions.do_pause_phase,
    "resume": actions.do_resume_phase,
    "advance": actions.do_advance_phase,
    "finish": actions.do_finish_session,
}
CLOSE_NOT_FOUND = 4404


# Messages from pages (votes, statements, a facilitator's controls) get threads of their own, so an
# acknowledgement never waits behind redrawing panels, e.g. the hundreds redrawn when a phase changes.
_MESSAGE_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="live-messages")
# Redrawing panels is the bulk of the work when a phase changes (one per page): two threads at a time,
# so it never starves the event loop, or the message threads, of Python's interpreter lock.
_RENDER_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="live-panels")
_redraws: set[asyncio.Task] = set()


def in_thread(fn, *, messages: bool = False):
    """Run database work off the event loop. On PostgreSQL in a pool thread with its own connection, so
    one connection's slow render never holds up another's vote; on SQLite, which writes one at a time
    anyway, in the one shared database thread."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        # Tidy connections here too, inside the context the work ran in: connections are context-local.
        try:
            return fn(*args, **kwargs)
        finally:
            close_old_connections()

    if not parallel_database():
        return database_sync_to_async(run)
    return database_sync_to_async(
        run, thread_sensitive=False, executor=_MESSAGE_THREADS if messages else _RENDER_THREADS
    )


def parallel_database() -> bool:
    return not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def _load_session(session_id: int) -> LiveSession | None:
    return LiveSession.objects.select_related("event__project", "current_phase").filter(pk=session_id).first()


_started_phases: dict[int, Phase] = {}


def _load_session_for_activity(session_id: int) -> LiveSession | None:
    """The session as a participant's page needs it: its status and current phase.

    A phase that has started can no longer change (see do_update_phase), so this worker keeps those it
    has read: a session is then one cheap query, which matters as it is read for every panel drawn.
    """
    session = LiveSession.objects.filter(pk=session_id).first()
    if session is None or session.current_phase_id is None:
        return session
    phase = _started_phases.get(session.current_phase_id)
    if phase is None:
        phase = Phase.objects.get(pk=session.current_phase_id)
        if phase.started_at is not None:
            if len(_started_phases) > 5000:
                _started_phases.clear()
            _started_phases[phase.pk] = phase
    session.current_phase = phase
    return session


class LiveConsumer(AsyncJsonWebsocketConsumer):
    session_id: int
    view: str
    participant_id: int | None = None
    participant: Participant | None = None
    session_at_connect: LiveSession | None = None
    can_control: bool = False
    phase_id: int | None = None
    activity: str | None = None

    async def dispatch(self, message) -> None:
        """Channels closes stale database connections before every message, through the one shared
        database thread. This consumer's database work runs in pool threads that tidy up after
        themselves, so skip that: it would queue each of hundreds of broadcast deliveries behind the
        others."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connecting --------------------------------------------------------------------------------

    async def connect(self) -> None:
        try:
            self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        except (KeyError, ValueError):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.view = query.get("as", ["participant"])[0]
        if self.view not in VIEWS:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        state = await in_thread(self._identify)()
        if state is None:  # not a participant of this session, nor allowed to control it
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # Everyone's messages reach this page through its worker's one subscription for the session
        # (see fanout.py); the few room screens and control pages also have groups of their own.
        self.joined_groups = []
        if self.view in ("screen", "control"):
            # Participants are sent the map through the everyone group, and only while their phase shows it.
            self.joined_groups += [screen_group(self.session_id), map_group(self.session_id)]
        for group in self.joined_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await fanout.join(self.channel_layer, everyone_group(self.session_id), self)
        self.in_fanout = True
        await self.accept()
        await self.send_json({"type": "state", **state})

    def _identify(self) -> dict | None:
        session = _load_session(self.session_id)
        if session is None:
            return None
        user = self.scope.get("user")
        self.can_control = can_control_session(user, session)
        self.session_at_connect = session
        if self.view == "participant":
            participant = find_participant(self.scope.get("session"), user, session)
            if participant is None:
                return None
            self.participant_id = participant.pk
            self.participant = participant
        elif not self.can_control:
            return None
        self._note_phase(session)
        return session_state(session)

    def _note_phase(self, session: LiveSession) -> None:
        phase = session.current_phase if session.is_live else None
        self.phase_id = phase.pk if phase else None
        self.activity = phase.activity if phase else None

    async def disconnect(self, code) -> None:
        if getattr(self, "in_fanout", False):
            await fanout.leave(everyone_group(self.session_id), self)
        for group in getattr(self, "joined_groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    # --- messages from the browser -------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json({"type": "error", "message": "That message was not understood."})
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs) -> None:
        kind, ref = content["type"], content.get("ref")
        if kind == "ping":
            await self.send_json({"type": "pong", "ref": ref})
            return
        if kind == "sync":
            await self._send_sync()
            return
        if kind == "control":
            await self._control(content, ref)
            return
        handler = activities.SOCKET_HANDLERS.get(kind)
        if handler is None or self.participant_id is None:
            await self.send_json(
                {"type": "ack", "ref": ref, "ok": False, "message": "That message was not understood."}
            )
            return
        session = None
        try:
            reply, session = await in_thread(self._handle, messages=True)(kind, handler, content)
        except Exception:  # one person's bad request must never end anyone's session
            logger.exception("Live session %s: %s failed", self.session_id, kind)
            reply = activities.SocketReply(ok=False, message="Something went wrong. Please try again.")
        await self.send_json(
            {"type": "ack", "ref": ref, "ok": reply.ok, "message": reply.message, **reply.data}
        )
        if reply.redraw_panel:
            await self._send_panel(session)

    def _handle(self, kind: str, handler, content: dict) -> tuple[activities.SocketReply, LiveSession | None]:
        """Run a message's handler. Returns its reply, and the session if it was read just now (so the
        panel can be redrawn from it without reading it again)."""
        if (
            kind in activities.CHECKS_PHASE_ITSELF
            and self.session_at_connect is not None
            and self.participant
        ):
            # A vote: one statement both checks the phase and stores it, the fastest path there is.
            return handler(self.session_at_connect, self.participant, content), None
        session = _load_session_for_activity(self.session_id)
        if session is None or self.participant is None:
            reply = activities.SocketReply(
                ok=False, message="You are no longer in this session.", redraw_panel=False
            )
            return reply, None
        return handler(session, self.participant, content), session

    async def _control(self, content: dict, ref) -> None:
        if not self.can_control:
            await self.send_json(
                {"type": "ack", "ref": ref, "ok": False, "message": "Only facilitators can do that."}
            )
            return
        try:
            message = await in_thread(self._run_control, messages=True)(content)
            ok = message == ""
        except Exception:
            logger.exception("Live session %s: control failed", self.session_id)
            ok, message = False, "Something went wrong. Please try again."
        await self.send_json({"type": "ack", "ref": ref, "ok": ok, "message": message})

    def _run_control(self, content: dict) -> str:
        session = _load_session(self.session_id)
        user = self.scope.get("user")
        if session is None or not can_control_session(user, session):
            return "Only facilitators can do that."
        action = content.get("action")
        version = content.get("version")
        version = version if isinstance(version, int) else None
        try:
            if action == "extend":
                minutes = content.get("minutes")
                actions.do_extend_phase(
                    session,
                    minutes=minutes if isinstance(minutes, int) else 0,
                    acting_user=user,
                    expected_version=version,
                )
            elif action in CONTROL_ACTIONS:
                CONTROL_ACTIONS[action](session, acting_user=user, expected_version=version)
            else:
                return "That is not something a session can do."
        except actions.LiveSessionError as error:
            return error.message
        return ""

    # --- redrawing -----------------------------------------------------------------------------------

    def _render_panel(self, session: LiveSession | None = None) -> str | None:
        if session is None:
            session = _load_session_for_activity(self.session_id)
        if session is None:
            return None
        self._note_phase(session)
        if self.view == "participant":
            return (
                activities.render_participant_panel(session, self.participant) if self.participant else None
            )
        if self.view == "screen":
            return activities.render_screen_panel(session)
        return None

    async def _send_panel(self, session: LiveSession | None = None) -> None:
        """Redraw this page's panel; ``session`` may be one just read for the message being answered."""
        html = await in_thread(self._render_panel)(session)
        if html is not None:
            await self.send_json({"type": "panel", "html": html, "phase": self.phase_id})

    async def _send_sync(self) -> None:
        def read():
            session = _load_session_for_activity(self.session_id)
            return session_state(session) if session else None

        state = await in_thread(read)()
        if state is not None:
            await self.send_json({"type": "state", **state})
        await self._send_panel()

    async def _redraw(self) -> None:
        try:
            await self._send_panel()
        except Exception:  # e.g. the page went away meanwhile
            logger.debug("Live session %s: panel not redrawn", self.session_id, exc_info=True)

    # --- messages from the channel layer -------------------------------------------------------------

    async def live_state(self, event) -> None:
        state = event["state"]
        await self.send_json({"type": "state", **state})
        phase = state.get("phase") or {}
        new_phase_id = phase.get("id")
        if new_phase_id != self.phase_id or state.get("status") != "live":
            self.phase_id = new_phase_id
            self.activity = phase.get("activity")
            if self.view in ("participant", "screen"):
                # Redraw later: every page of this worker hears of the change first, then the panels follow.
                task = asyncio.get_running_loop().create_task(self._redraw())
                _redraws.add(task)
                task.add_done_callback(_redraws.discard)

    async def live_map(self, event) -> None:
        if (self.view == "participant") != (event.get("variant") == "participant"):
            return
        await self.send_json(
            {
                "type": "map",
                "html": event["html"],
                "read_at": event.get("read_at"),
                "votes": event.get("votes"),
            }
        )

    async def live_fragment(self, event) -> None:
        """A piece of a room screen or control page that changed (take-home wall, moderation queue)."""
        if self.view in event.get("views", ("screen", "control")):
            await self.send_json(
                {"type": "fragment", "target": event["target"], "html": event.get("html", "")}
            )

    async def live_notice(self, event) -> None:
        """Something participants may want to react to, e.g. new statements to vote on."""
        await self.send_json({"type": "notice", "what": event["what"]})
