"""Event pages. Each view checks permission first (through access.py), then calls actions or reads."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from coproduce.core.errors import add_action_error
from coproduce.people.models import AccessNeed

from . import access, actions, permissions
from .availability import (
    Window,
    deadline_text,
    format_time,
    local,
    places_for,
    registration_window,
    when_text,
    window_text,
)
from .calendar import event_ics as build_event_ics
from .calendar import feed_ics
from .forms import AgendaItemForm, EventFilterForm, EventForm, RegistrationForm
from .models import AgendaItem, Event, Registration
from .planning import access_plan

ANONYMOUS_SIGN_UPS_PER_HOUR = "30/h"
SESSION_SIGNED_UP = "events_signed_up_email"
NEED_LABELS = dict(AccessNeed.choices)


def _agenda_with_times(event: Event) -> list[dict]:
    """Agenda items with the local time each starts, counting on from the event's start."""
    start = local(event, event.starts_at)
    rows = []
    for item in access.agenda_items(event):
        rows.append({"item": item, "starts": format_time(start)})
        start = start + timedelta(minutes=item.duration_minutes)
    return rows


# -------------------------------------------------------------------------------- public pages


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "formats": [data["format"]] if data["format"] else None,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "times_of_day": data["time_of_day"] or None,
        }
    events = access.upcoming_public_events(**filters)
    page = Paginator(events, 20).get_page(request.GET.get("page"))
    for event in page:
        event.places = places_for(event)
        event.when = when_text(event)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)}
    return render(request, "events/public_list.html", context)


@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.access_event_by_id(request.user, event_id)
    registration = access.active_registration(request.user, event)
    window = registration_window(event)
    context = {
        "event": event,
        "when": when_text(event),
        "places": places_for(event),
        "window": window.value,
        "window_text": window_text(event),
        "registration": registration,
        "waitlist_position": access.waitlist_position(registration) if registration else None,
        "has_place": bool(registration and registration.status == Registration.Status.REGISTERED),
        "can_register": permissions.can_register_for_event(request.user, event) and window is Window.OPEN,
        "can_manage": permissions.can_manage_event(request.user, event),
        "agenda": _agenda_with_times(event),
    }
    return render(request, "events/event_detail.html", context)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.access_event_for_registration_by_id(request.user, event_id)
    signed_in = request.user.is_authenticated
    existing = access.active_registration(request.user, event) if signed_in else None
    if existing and request.method == "POST" and not existing.is_confirmed:
        # Signed in, the address is proven: signing up again confirms a sign-up made as a visitor.
        registration_, _ = actions.do_register_for_event(
            event,
            request.user,
            access_needs=existing.access_needs,
            details=existing.access_needs_details,
            attendance=existing.attendance,
            acting_user=request.user,
        )
        messages.success(request, _confirmed_message(registration_))
        return redirect("events:registration", event_id=event.pk)
    if existing:
        messages.info(request, "You are already signed up for this event. Nothing has changed.")
        return redirect("events:registration", event_id=event.pk)
    window = registration_window(event)
    person = request.user if signed_in else None
    form = RegistrationForm(request.POST if request.method == "POST" else None, event=event, person=person)
    context = {
        "event": event,
        "when": when_text(event),
        "places": places_for(event),
        "form": form,
        "window_open": window is Window.OPEN,
        "window_text": window_text(event),
    }
    if request.method == "POST" and window is Window.OPEN:
        if not signed_in and is_ratelimited(
            request,
            group="events:register",
            key="ip",
            rate=ANONYMOUS_SIGN_UPS_PER_HOUR,
            method="POST",
            increment=True,
        ):
            return render(request, "core/rate_limited.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if signed_in:
                    actions.do_register_for_event(
                        event,
                        request.user,
                        access_needs=data["access_needs"],
                        details=data["access_needs_details"],
                        attendance=data.get("attendance"),
                        acting_user=request.user,
                    )
                    return redirect("events:registration", event_id=event.pk)
                actions.do_register_visitor_for_event(
                    event,
                    email=data["email"],
                    badge_name=data["badge_name"],
                    access_needs=data["access_needs"],
                    details=data["access_needs_details"],
                    attendance=data.get("attendance"),
                )
                request.session[SESSION_SIGNED_UP] = data["email"]
                return redirect("events:signed_up", event_id=event.pk)
            except actions.EventActionError as error:
                add_action_error(form, error)
    return render(request, "events/register.html", context)


@login_required
@require_GET
def registration(request: HttpRequest, event_id: int) -> HttpResponse:
    """The signed-in person's own sign-up for this event: a place, or their position on the waitlist."""
    event = access.access_event_by_id(request.user, event_id)
    mine = access.active_registration(request.user, event)
    if mine is None:
        messages.info(request, "You are not signed up for this event.")
        return redirect("events:event_detail", event_id=event.pk)
    context = {
        "event": event,
        "when": when_text(event),
        "registration": mine,
        "waitlist_position": access.waitlist_position(mine),
        "deadline": deadline_text(event, mine.confirm_by) if mine.confirm_by else "",
        "needs": [NEED_LABELS[code] for code in mine.access_needs if code in NEED_LABELS],
    }
    return render(request, "events/registration.html", context)


@require_GET
def signed_up(request: HttpRequest, event_id: int) -> HttpResponse:
    """After a visitor signs up without signing in.

    The page is the same whether the address was new, already known, or already signed up, so it never
    tells a stranger who is coming to what; the e-mail says whether there is a place or a waitlist position.
    """
    event = access.access_event_by_id(request.user, event_id)
    email = request.session.get(SESSION_SIGNED_UP)
    if not email:
        return redirect("events:event_detail", event_id=event.pk)
    return render(
        request,
        "events/signed_up.html",
        {
            "event": event,
            "when": when_text(event),
            "email": email,
            "hold_minutes": int(actions.place_hold().total_seconds() // 60),
        },
    )


def _confirmed_message(registration_: Registration) -> str:
    if registration_.status == Registration.Status.REGISTERED:
        return gettext("Thank you: your place is confirmed. We have e-mailed you a calendar invitation.")
    return gettext("Thank you: your place on the waitlist is confirmed.")


@require_http_methods(["GET", "POST"])
def confirm_sign_up(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a visitor's e-mail. Opening it shows a button (so mail scanners that fetch links do
    not confirm anything); pressing it confirms the sign-up. The token is the only key."""
    registration_ = access.access_registration_by_confirmation_token(token)
    event = registration_.event
    problem = ""
    if request.method == "POST" and not registration_.is_confirmed:
        try:
            actions.do_confirm_registration(registration_, acting_user=None)
        except actions.EventActionError as error:
            problem = error.message
        else:
            messages.success(request, _confirmed_message(registration_))
            return redirect("events:confirm_sign_up", token=token)
    elif registration_.status == Registration.Status.CANCELLED or registration_.has_lapsed:
        problem = gettext(
            "The time to confirm this sign-up ran out, so the place went to the next person. "
            "You can sign up again if there is still room."
        )
    return render(
        request,
        "events/confirm_sign_up.html",
        {
            "event": event,
            "when": when_text(event),
            "registration": registration_,
            "token": token,
            "problem": problem,
            "waitlist_position": access.waitlist_position(registration_),
            "deadline": deadline_text(event, registration_.confirm_by) if registration_.confirm_by else "",
        },
    )


@require_GET
def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.access_event_by_id(request.user, event_id)
    mine = access.active_registration(request.user, event)
    has_place = bool(mine and mine.status == Registration.Status.REGISTERED)
    body = build_event_ics(
        event,
        include_joining_link=has_place,
        waitlisted=bool(mine and mine.status != Registration.Status.REGISTERED),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(event.title) or "event"}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------- my events


@login_required
@require_GET
def my_events(request: HttpRequest) -> HttpResponse:
    mine = access.my_events(request.user)
    for item in mine.upcoming + mine.past:
        item.when = when_text(item.registration.event)
    feed = access.own_calendar_feed(request.user)
    feed_url = request.build_absolute_uri(reverse("events:calendar_feed", args=[feed.token])) if feed else ""
    return render(request, "events/my_events.html", {"mine": mine, "feed": feed, "feed_url": feed_url})


@login_required
@require_http_methods(["GET", "POST"])
def cancel_registration(request: HttpRequest, registration_id: int) -> HttpResponse:
    mine = access.access_own_registration_by_id(request.user, registration_id)
    if mine.status == Registration.Status.CANCELLED:
        raise Http404("No such registration.")
    event = mine.event
    if request.method == "POST":
        was_waiting = mine.status == Registration.Status.WAITLISTED
        try:
            actions.do_cancel_registration(mine, acting_user=request.user)
        except actions.EventActionError as error:
            messages.error(request, error.message)
        else:
            if was_waiting:
                messages.success(request, f"You have left the waitlist for “{event.title}”.")
            else:
                messages.success(
                    request,
                    f"You have cancelled your place at “{event.title}”. Thank you for letting us know.",
                )
        return redirect("events:my_events")
    return render(
        request,
        "events/cancel_registration.html",
        {"registration": mine, "event": event, "when": when_text(event)},
    )


@login_required
@require_POST
def calendar_feed_change(request: HttpRequest) -> HttpResponse:
    choice = request.POST.get("change")
    if choice == "renew":
        had_feed = access.own_calendar_feed(request.user) is not None
        actions.do_renew_calendar_feed(request.user, acting_user=request.user)
        messages.success(
            request,
            "Your calendar has a new private address. The old one no longer works."
            if had_feed
            else "Your private calendar address is ready.",
        )
    elif choice == "turn_off":
        actions.do_turn_off_calendar_feed(request.user, acting_user=request.user)
        messages.success(request, "Your calendar address is turned off. Nobody can use it any more.")
    else:
        messages.error(request, "Choose what to do with your calendar address.")
    return redirect(reverse("events:my_events") + "#calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's events as iCalendar, for calendar apps to subscribe to. The token is the only key."""
    feed = access.feed_by_token(token)
    response = HttpResponse(
        feed_ics(access.feed_registrations(feed.person)), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# ----------------------------------------------------------------------- organising (projects)


@require_GET
def project_events(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_events_by_id(request.user, project_id)
    events = list(access.project_events(project))
    for event in events:
        event.places = places_for(event)
        event.when = when_text(event)
    return render(
        request,
        "events/project_events.html",
        {
            "project": project,
            "events": events,
            "can_create": permissions.can_create_event(request.user, project),
        },
    )


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_for_new_event_by_id(request.user, project_id)
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = actions.do_create_event(project, acting_user=request.user, **form.cleaned_data)
        except actions.EventActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"“{event.title}” is created. Now add its agenda.")
            return redirect("events:agenda", event_id=event.pk)
    return render(request, "events/event_form.html", {"form": form, "project": project, "event": None})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.access_managed_event_by_id(request.user, event_id)
    form = EventForm(request.POST if request.method == "POST" else None, initial=EventForm.initial_for(event))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_event(event, acting_user=request.user, **form.cleaned_data)
        except actions.EventActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("events:event_detail", event_id=event.pk)
    return render(request, "events/event_form.html", {"form": form, "project": event.project, "event": event})


@require_http_methods(["GET", "POST"])
def agenda(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.access_managed_event_by_id(request.user, event_id)
    form = AgendaItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_agenda_item(event, acting_user=request.user, **form.cleaned_data)
        messages.success(request, f"Added “{form.cleaned_data['title']}” to the agenda.")
        return redirect("events:agenda", event_id=event.pk)
    rows = _agenda_with_times(event)
    total = sum(row["item"].duration_minutes for row in rows)
    minutes = int(event.duration.total_seconds() // 60)
    return render(
        request,
        "events/agenda.html",
        {
            "event": event,
            "when": when_text(event),
            "rows": rows,
            "form": form,
            "total_minutes": total,
            "event_minutes": minutes,
        },
    )


def _managed_item(request: HttpRequest, event_id: int, item_id: int) -> tuple[Event, AgendaItem]:
    return access.access_managed_agenda_item_by_id(request.user, event_id, item_id)


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event, item = _managed_item(request, event_id, item_id)
    initial = {"title": item.title, "duration_minutes": item.duration_minutes, "purpose": item.purpose}
    form = AgendaItemForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.do_update_agenda_item(item, acting_user=request.user, **form.cleaned_data)
        messages.success(request, f"Saved “{item.title}”.")
        return redirect("events:agenda", event_id=event.pk)
    return render(request, "events/agenda_item_form.html", {"event": event, "item": item, "form": form})


@require_POST
def agenda_item_move(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event, item = _managed_item(request, event_id, item_id)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        actions.do_move_agenda_item(item, direction=direction, acting_user=request.user)
        messages.success(request, f"Moved “{item.title}” {direction}.")
    return redirect(reverse("events:agenda", args=[event.pk]) + f"#item-{item.pk}")


@require_POST
def agenda_item_remove(request: HttpRequest, event_id: int, item_id: int) -> HttpResponse:
    event, item = _managed_item(request, event_id, item_id)
    actions.do_remove_agenda_item(item, acting_user=request.user)
    messages.success(request, f"Removed “{item.title}” from the agenda.")
    return redirect("events:agenda", event_id=event.pk)


@require_GET
def manage(request: HttpRequest, event_id: int) -> HttpResponse:
    """For the event's organisers: who has a place, the waitlist and the plan.

    Shows the access needs each person shared.
    """
    event = access.access_managed_event_by_id(request.user, event_id)
    registered = list(access.registered_people(event))
    for registration in registered:
        registration.need_labels = [NEED_LABELS[c] for c in registration.access_needs if c in NEED_LABELS]
    waiting = list(access.waitlist(event))
    held = list(access.held_places(event))
    for registration_ in held:
        registration_.deadline = deadline_text(event, registration_.confirm_by)
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "when": when_text(event),
            "places": places_for(event),
            "registered": registered,
            "held": held,
            "waiting": waiting,
            "plan": access_plan(event),
            "checked_in": sum(1 for r in registered if r.checked_in_at),
        },
    )


@require_GET
def check_in(request: HttpRequest, event_id: int) -> HttpResponse:
    """The check-in list for the day: badge names only (the screen may be seen by others in the room)."""
    event = access.access_managed_event_by_id(request.user, event_id)
    registered = list(access.registered_people(event))
    return render(
        request,
        "events/check_in.html",
        {
            "event": event,
            "when": when_text(event),
            "registered": registered,
            "checked_in": sum(1 for r in registered if r.checked_in_at),
        },
    )


@require_POST
def check_in_person(request: HttpRequest, event_id: int, registration_id: int) -> HttpResponse:
    event, registration_ = access.access_registration_for_check_in_by_id(
        request.user, event_id, registration_id
    )
    name = registration_.person.badge_name
    if request.POST.get("undo") == "1":
        actions.do_undo_check_in(registration_, acting_user=request.user)
        message = f"{name} is no longer checked in."
    else:
        actions.do_check_in(registration_, acting_user=request.user)
        message = f"{name} is checked in."
    if request.htmx:
        return render(
            request,
            "events/_check_in_row.html",
            {"event": event, "registration": registration_, "announce": message},
        )
    messages.success(request, message)
    return redirect(reverse("events:check_in", args=[event.pk]) + f"#person-{registration_.pk}")
