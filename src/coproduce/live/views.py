"""Live session pages. Every form posts normally and redirects, so all of it works without JavaScript;
live.js adds websockets (or polling when websockets are blocked) on top."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from coproduce.core.errors import add_action_error

from . import actions, activities, permissions
from .access import (
    TooManyJoinCodeGuesses,
    access_controlled_session_by_id,
    access_event_for_sessions_by_id,
    access_participation_by_id,
    access_phase_by_id,
    access_session_as_viewer_by_id,
    access_session_by_join_code,
    co_facilitators_of,
    event_has_agenda,
    participant_badge_names,
    phases_of,
    project_people,
    project_person_by_id,
    sessions_of_event,
)
from .broadcast import session_state
from .forms import CoFacilitatorForm, CreateSessionForm, ExtendForm, JoinForm, PhaseForm, SessionSettingsForm
from .identity import find_participant, remember_participant
from .models import LiveSession, Phase, describe_time_left
from .qr import qr_svg


def _join_url(request: HttpRequest, session: LiveSession) -> str:
    return request.build_absolute_uri(reverse("live:join_code", args=[session.join_code]))


def _session_links(request, session):
    return activities.session_links(request.user, session)


# --- the event's sessions ----------------------------------------------------------------------------


def for_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """The live sessions of an event: facilitators create and open them; others are told how to join."""
    event = access_event_for_sessions_by_id(request.user, event_id)
    can_create = permissions.can_create_live_session(request.user, event)
    form = None
    if can_create:
        has_agenda = event_has_agenda(event)
        if request.method == "POST":
            form = CreateSessionForm(request.POST, has_agenda=has_agenda)
            if form.is_valid():
                try:
                    session = actions.do_create_live_session(
                        event,
                        title=form.cleaned_data["title"],
                        format_key=form.cleaned_data["format_key"],
                        capacity=form.cleaned_data["capacity"],
                        moderation=form.cleaned_data["moderation"],
                        signed_in_only=form.cleaned_data["signed_in_only"],
                        acting_user=request.user,
                    )
                except actions.LiveSessionError as error:
                    add_action_error(form, error)
                else:
                    messages.success(request, f"Session created. Its join code is {session.display_code}.")
                    return redirect("live:control", session_id=session.pk)
        else:
            form = CreateSessionForm(
                has_agenda=has_agenda, initial={"title": event.title, "format_key": "workshop_hour"}
            )
    elif request.method == "POST":
        raise Http404("No such event.")
    sessions = [
        {
            "session": s,
            "controls": permissions.can_control_session(request.user, s),
            "participant": find_participant(request.session, request.user, s),
            "links": _session_links(request, s),
        }
        for s in sessions_of_event(event)
    ]
    return render(
        request,
        "live/for_event.html",
        {"event": event, "sessions": sessions, "form": form, "can_create": can_create},
    )


# --- joining -----------------------------------------------------------------------------------------


TOO_MANY_GUESSES = _(
    "Too many codes that do not exist were tried from here. Please wait a few minutes and try again, "
    "or sign in first: then only your own tries count."
)
NO_SUCH_CODE = _("We could not find a session with that code. Check the code on the screen and try again.")


def _join_page(
    request: HttpRequest, form: JoinForm, session: LiveSession | None, *, limited: bool = False
) -> HttpResponse:
    context = {"form": form, "session": session, "limited": TOO_MANY_GUESSES if limited else ""}
    return render(request, "live/join.html", context, status=429 if limited else 200)


def _too_many_guesses(request: HttpRequest, form: JoinForm) -> HttpResponse:
    """The join form, saying why it cannot look the code up now (an unbound form: the person may
    try again later)."""
    return _join_page(request, form, None, limited=True)


def _sign_in_first(request: HttpRequest, session: LiveSession) -> HttpResponse:
    """A session for signed-in people only: sign in, then come back to its join page."""
    messages.info(request, actions.SIGNED_IN_ONLY_MESSAGE)
    back = reverse("live:join_code", args=[session.join_code])
    return redirect(f"{reverse('people:sign_in')}?{urlencode({'next': back})}")


def _join(request: HttpRequest, form: JoinForm, page_session: LiveSession | None = None) -> HttpResponse:
    """Join from a valid form: a redirect, or the join page again (for ``page_session`` when it was one
    session's page) with the reason next to the field."""
    try:
        session = access_session_by_join_code(request, form.cleaned_data["code"])
    except TooManyJoinCodeGuesses:
        return _too_many_guesses(request, form)
    if session is None:
        form.add_error("code", NO_SUCH_CODE)
        return _join_page(request, form, page_session)
    existing = find_participant(request.session, request.user, session)
    if existing is not None:
        remember_participant(request.session, existing)
        messages.success(request, f"Welcome back, {existing.badge_name}.")
        return redirect("live:participant", session_id=session.pk)
    if session.signed_in_only and not request.user.is_authenticated:
        return _sign_in_first(request, session)
    try:
        participant = actions.do_join_session(
            session,
            badge_name=form.cleaned_data["badge_name"],
            person=request.user,
            acting_user=request.user,
        )
    except actions.LiveSessionError as error:
        add_action_error(form, error, default_field="code")
        return _join_page(request, form, page_session)
    remember_participant(request.session, participant)
    messages.success(request, f"Welcome, {participant.badge_name}. You have joined {session.title}.")
    return redirect("live:participant", session_id=session.pk)


def join(request: HttpRequest) -> HttpResponse:
    """Join a session by its code with just a badge name: no account needed."""
    initial = {"code": request.GET.get("code", "")}
    if request.user.is_authenticated:
        initial["badge_name"] = request.user.badge_name
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            return _join(request, form)
    else:
        form = JoinForm(initial=initial)
    return _join_page(request, form, None)


def join_code(request: HttpRequest, code: str) -> HttpResponse:
    """Where the QR code leads: the code is already filled in. A code that does not exist is "not
    found" and counts as a failed lookup (see ``access_session_by_join_code``)."""
    try:
        session = access_session_by_join_code(request, code)
    except TooManyJoinCodeGuesses:
        return _too_many_guesses(request, JoinForm(initial={"code": code[:20]}))
    if session is None:
        raise Http404("No such session.")
    participant = find_participant(request.session, request.user, session)
    if participant is not None:  # recognised: signed in and joined before, or this browser joined before
        remember_participant(request.session, participant)
        return redirect("live:participant", session_id=session.pk)
    if session.signed_in_only and not request.user.is_authenticated:
        return _sign_in_first(request, session)
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            return _join(request, form, session)
        return _join_page(request, form, session)
    initial = {"code": session.join_code}
    if request.user.is_authenticated:
        initial["badge_name"] = request.user.badge_name
    return _join_page(request, JoinForm(initial=initial), session)


# --- taking part -------------------------------------------------------------------------------------


def _page_context(request, session: LiveSession) -> dict:
    timer = session.timer()
    return {
        "session": session,
        "phase": session.current_phase if session.is_live else None,
        "timer": timer,
        "time_left": describe_time_left(timer.remaining_seconds) if timer else "",
        "phase_count": phases_of(session).count(),
        "links": _session_links(request, session),
    }


def render_participant_page(
    request: HttpRequest, session: LiveSession, participant, panel_html: str
) -> HttpResponse:
    """The participant's page with a given panel, e.g. one showing a form's error after a plain POST."""
    context = _page_context(request, session)
    context.update({"participant": participant, "panel": panel_html})
    return render(request, "live/participant.html", context)


@never_cache
def participant_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session, participant = access_participation_by_id(request, session_id)
    return render_participant_page(
        request,
        session,
        participant,
        activities.render_participant_panel(session, participant, get_token(request)),
    )


@never_cache
@require_GET
def participant_panel(request: HttpRequest, session_id: int) -> HttpResponse:
    """The participant's panel alone, for pages that poll because websockets are blocked."""
    session, participant = access_participation_by_id(request, session_id)
    return HttpResponse(activities.render_participant_panel(session, participant, get_token(request)))


@never_cache
@require_GET
def state(request: HttpRequest, session_id: int) -> JsonResponse:
    """The session's state as JSON, for pages that poll because websockets are blocked."""
    session, _participant, _controls = access_session_as_viewer_by_id(request, session_id)
    return JsonResponse(session_state(session))


# --- the room screen ---------------------------------------------------------------------------------


@never_cache
def screen(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    context = _page_context(request, session)
    context.update(
        {
            "panel": activities.render_screen_panel(session),
            "join_url": _join_url(request, session),
            "join_page": request.build_absolute_uri(reverse("live:join")),
        }
    )
    return render(request, "live/screen.html", context)


@never_cache
@require_GET
def screen_panel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    return HttpResponse(activities.render_screen_panel(session))


@require_GET
def qr_code(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    response = HttpResponse(qr_svg(_join_url(request, session)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- control -----------------------------------------------------------------------------------------


@never_cache
def control(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    context = _page_context(request, session)
    co_facilitators = co_facilitators_of(session)
    candidates = [p for p in project_people(session) if p not in co_facilitators]
    context.update(
        {
            "phases": list(phases_of(session)),
            "participants": participant_badge_names(session),
            "extend_form": ExtendForm(),
            "settings_form": SessionSettingsForm(
                initial={
                    "title": session.title,
                    "capacity": session.capacity,
                    "moderation": session.moderation,
                    "signed_in_only": session.signed_in_only,
                }
            ),
            "co_facilitators": co_facilitators,
            "co_facilitator_form": CoFacilitatorForm(people=candidates) if candidates else None,
            "join_url": _join_url(request, session),
            "sections": [section(request, session) for section in activities.CONTROL_SECTIONS],
        }
    )
    return render(request, "live/control.html", context)


TIMER_ACTIONS = {
    "start": (actions.do_start_session, "The session has started."),
    "pause": (actions.do_pause_phase, "The timer is paused."),
    "resume": (actions.do_resume_phase, "The timer is running again."),
    "advance": (actions.do_advance_phase, "Moved on to the next phase."),
    "finish": (actions.do_finish_session, "The session has finished. Thank you."),
}


def _posted_version(request) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@require_POST
def control_action(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    action = request.POST.get("action", "")
    version = _posted_version(request)
    try:
        if action == "extend":
            form = ExtendForm(request.POST)
            if not form.is_valid():
                raise actions.LiveSessionError(
                    f"Extend by between 1 and {actions.EXTEND_MINUTES_MAX} minutes."
                )
            minutes = form.cleaned_data["minutes"]
            actions.do_extend_phase(
                session, minutes=minutes, acting_user=request.user, expected_version=version
            )
            messages.success(request, f"Added {minutes} minute{'s' if minutes != 1 else ''} to this phase.")
        elif action in TIMER_ACTIONS:
            do, done = TIMER_ACTIONS[action]
            do(session, acting_user=request.user, expected_version=version)
            messages.success(request, done)
        else:
            messages.error(request, "That is not something a session can do.")
    except actions.LiveSessionError as error:
        messages.error(request, error.message)
    return redirect("live:control", session_id=session.pk)


@require_POST
def update_settings(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    form = SessionSettingsForm(request.POST)
    if form.is_valid():
        try:
            actions.do_update_session_settings(session, acting_user=request.user, **form.cleaned_data)
        except actions.LiveSessionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Settings saved.")
    else:
        messages.error(
            request, "Settings were not saved: " + " ".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect("live:control", session_id=session.pk)


def edit_phase(request: HttpRequest, session_id: int, phase_id: int | None = None) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    phase = access_phase_by_id(session, phase_id) if phase_id is not None else None
    if phase is not None and phase.has_run:
        messages.error(request, "This phase has already started, so it can no longer be changed.")
        return redirect("live:control", session_id=session.pk)
    if request.method == "POST":
        form = PhaseForm(request.POST)
        if form.is_valid():
            try:
                if phase is None:
                    actions.do_add_phase(session, acting_user=request.user, **form.cleaned_data)
                else:
                    actions.do_update_phase(phase, acting_user=request.user, **form.cleaned_data)
            except actions.LiveSessionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Phase saved.")
                return redirect("live:control", session_id=session.pk)
    elif phase is not None:
        form = PhaseForm(initial={f: getattr(phase, f) for f in PhaseForm.base_fields})
    else:
        form = PhaseForm(initial={"duration_minutes": 10, "activity": Phase.Activity.INFORMATION})
    return render(request, "live/phase_form.html", {"session": session, "phase": phase, "form": form})


@require_POST
def change_phase_order(request: HttpRequest, session_id: int, phase_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    phase = access_phase_by_id(session, phase_id)
    what = request.POST.get("what")
    try:
        if what == "remove":
            actions.do_remove_phase(phase, acting_user=request.user)
            messages.success(request, f"Removed \u201c{phase.title}\u201d.")
        elif what in ("earlier", "later"):
            actions.do_move_phase(phase, earlier=what == "earlier", acting_user=request.user)
            messages.success(request, f"Moved \u201c{phase.title}\u201d {what}.")
        else:
            messages.error(request, "That is not something a phase can do.")
    except actions.LiveSessionError as error:
        messages.error(request, error.message)
    return redirect("live:control", session_id=session.pk)


@require_POST
def co_facilitators(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_controlled_session_by_id(request.user, session_id)
    person = project_person_by_id(session, request.POST.get("person"))
    if person is None:
        messages.error(request, "Choose a member of the project.")
        return redirect("live:control", session_id=session.pk)
    try:
        if request.POST.get("what") == "remove":
            actions.do_remove_co_facilitator(session, person, acting_user=request.user)
            messages.success(request, f"{person.badge_name} no longer shares control.")
        else:
            actions.do_add_co_facilitator(session, person, acting_user=request.user)
            messages.success(request, f"{person.badge_name} now shares control of this session.")
    except actions.LiveSessionError as error:
        messages.error(request, error.message)
    return redirect("live:control", session_id=session.pk)
