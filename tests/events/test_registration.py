"""Signing up, the waitlist, promotion, cancelling and the e-mails people receive."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.utils import timezone

from coproduce.core.models import AuditEntry, OutboxMessage
from coproduce.events.access import waitlist_position
from coproduce.events.actions import (
    EventActionError,
    do_cancel_registration,
    do_register_for_event,
    do_update_event,
)
from coproduce.events.models import Event, Registration
from coproduce.people.models import Person

from .conftest import london, person, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit_callbacks(django_capture_on_commit_callbacks):
    """Run on-commit work (e-mails) inside the test's transaction, as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_signing_up_gives_a_place_and_emails_a_confirmation_with_an_invitation(
    client, member, public_event, mailoutbox, commit_callbacks
):
    client.force_login(member)
    with commit_callbacks():
        response = client.post(f"/events/{public_event.pk}/sign-up/", {"access_needs": ["step_free"]})
    assert response.status_code == 302
    assert response["Location"] == f"/events/{public_event.pk}/my-place/"
    page = client.get(response["Location"]).content.decode()
    assert "You have a place." in page
    assert "Step-free access" in page

    registration = Registration.objects.get(event=public_event, person=member)
    assert (registration.status, registration.access_needs) == ("registered", ["step_free"])
    [mail] = mailoutbox
    assert mail.to == ["member@example.org"]
    assert mail.subject == "Your place: Open cuppa"
    [(filename, content, mimetype)] = mail.attachments
    assert filename == f"event-{public_event.pk}.ics"
    assert mimetype.startswith("text/calendar")
    assert "SUMMARY:Open cuppa" in (content.decode() if isinstance(content, bytes) else content)


def test_the_confirmation_is_sent_after_the_response_by_the_worker(
    client, member, public_event, commit_callbacks, no_outbox_worker
):
    client.force_login(member)
    with commit_callbacks():
        response = client.post(f"/events/{public_event.pk}/sign-up/", {})
    assert response.status_code == 302
    assert django_mail.outbox == [], "no e-mail is sent inside the request"
    [queued] = OutboxMessage.objects.all()
    assert (queued.to, queued.subject, queued.status) == (
        "member@example.org",
        "Your place: Open cuppa",
        "queued",
    )

    call_command("run_worker", "--once")
    [sent] = django_mail.outbox
    assert sent.subject == "Your place: Open cuppa"
    [(filename, content, _)] = sent.attachments
    assert filename == f"event-{public_event.pk}.ics" and "SUMMARY:Open cuppa" in content


def test_a_title_saved_with_a_line_break_and_a_control_character_still_makes_a_clean_subject(
    client, member, public_event, mailoutbox, commit_callbacks
):
    # As an earlier version could have saved it: a line break or a control character in a subject.
    Event.objects.filter(pk=public_event.pk).update(title="Open\r\x01cuppa")
    client.force_login(member)
    with commit_callbacks():
        response = client.post(f"/events/{public_event.pk}/sign-up/", {})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.subject == "Your place: Open cuppa"


def test_sign_up_form_starts_with_the_access_needs_from_the_profile(client, member, public_event):
    member.access_needs = ["easy_read", "quiet_space"]
    member.access_needs_details = "I bring my own ear defenders."
    member.save()
    client.force_login(member)
    page = client.get(f"/events/{public_event.pk}/sign-up/").content.decode()
    assert _is_checked(page, "easy_read")
    assert _is_checked(page, "quiet_space")
    assert not _is_checked(page, "step_free")
    assert "I bring my own ear defenders." in page


def _is_checked(page: str, code: str) -> bool:
    start = page.index(f'value="{code}"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    return "checked" in tag


def test_signing_up_twice_changes_nothing(client, member, public_event, mailoutbox, commit_callbacks):
    with commit_callbacks():
        first, created = do_register_for_event(
            public_event, member, access_needs=["bsl"], details="", attendance=None, acting_user=member
        )
        again, created_again = do_register_for_event(
            public_event, member, access_needs=[], details="changed", attendance=None, acting_user=member
        )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Registration.objects.filter(event=public_event, person=member).count() == 1
    again.refresh_from_db()
    assert (again.access_needs, again.access_needs_details) == (["bsl"], "")
    assert len(mailoutbox) == 1

    client.force_login(member)
    response = client.post(f"/events/{public_event.pk}/sign-up/", {}, follow=True)
    assert "You are already signed up for this event. Nothing has changed." in response.content.decode()
    assert Registration.objects.filter(event=public_event, person=member).count() == 1


def test_a_full_event_puts_people_on_the_waitlist_and_tells_them_their_position(
    client, public_event, mailoutbox, commit_callbacks
):
    people = [person(i) for i in range(4)]
    with commit_callbacks():
        registrations = [register(public_event, p) for p in people]
    assert [r.status for r in registrations] == ["registered", "registered", "waitlisted", "waitlisted"]
    assert [waitlist_position(r) for r in registrations] == [None, None, 1, 2]
    assert mailoutbox[2].subject == "You are on the waitlist: Open cuppa"
    assert "You are number 1 in the queue." in mailoutbox[2].body
    assert "You are number 2 in the queue." in mailoutbox[3].body
    assert not mailoutbox[3].attachments

    client.force_login(people[3])
    page = client.get(f"/events/{public_event.pk}/my-place/").content.decode()
    assert "You are on the waitlist: number 2 in the queue." in page
    detail = client.get(f"/events/{public_event.pk}/").content.decode()
    assert "You are on the waitlist: number 2 in the queue." in detail


def test_cancelling_gives_the_place_to_the_first_person_waiting_and_emails_them(
    client, public_event, mailoutbox, commit_callbacks
):
    first, second, waiting1, waiting2 = [person(i) for i in range(4)]
    for p in (first, second, waiting1, waiting2):
        register(public_event, p, notify=False)
    mine = Registration.objects.get(event=public_event, person=second)

    client.force_login(second)
    confirm = client.get(f"/events/registrations/{mine.pk}/cancel/")
    assert "Cancel your place?" in confirm.content.decode()
    with commit_callbacks():
        response = client.post(f"/events/registrations/{mine.pk}/cancel/", follow=True)
    assert "You have cancelled your place at “Open cuppa”." in response.content.decode()

    statuses = dict(
        Registration.objects.filter(event=public_event).values_list("person__badge_name", "status")
    )
    assert statuses == {
        "Person 0": "registered",
        "Person 1": "cancelled",
        "Person 2": "registered",
        "Person 3": "waitlisted",
    }
    promoted = Registration.objects.get(event=public_event, person=waiting1)
    assert promoted.promoted_at is not None
    [mail] = mailoutbox
    assert mail.to == [waiting1.email]
    assert mail.subject == "A place came up for you: Open cuppa"
    assert "a place came up" in mail.body and "it is yours" in mail.body
    assert mail.attachments[0][0].endswith(".ics")
    assert waitlist_position(Registration.objects.get(event=public_event, person=waiting2)) == 1


def test_leaving_the_waitlist_gives_nobody_a_place(public_event, mailoutbox):
    people = [person(i) for i in range(3)]
    registrations = [register(public_event, p, notify=False) for p in people]
    promoted = do_cancel_registration(registrations[2], acting_user=people[2])
    assert promoted == []
    assert Registration.objects.filter(event=public_event, status="registered").count() == 2


def test_cancelling_twice_changes_nothing(public_event, member):
    registration = register(public_event, member, notify=False)
    do_cancel_registration(registration, acting_user=member)
    cancelled_at = Registration.objects.get(pk=registration.pk).cancelled_at
    assert do_cancel_registration(registration, acting_user=member) == []
    assert Registration.objects.get(pk=registration.pk).cancelled_at == cancelled_at


def test_signing_up_again_after_cancelling_joins_the_back_of_the_queue(public_event):
    a, b, c, d = [person(i) for i in range(4)]
    for p in (a, b, c):
        register(public_event, p, notify=False)
    c_registration = Registration.objects.get(person=c, event=public_event)
    do_cancel_registration(c_registration, acting_user=c)
    register(public_event, d, notify=False)
    again = register(public_event, c, notify=False)
    assert again.pk != c_registration.pk
    assert waitlist_position(again) == 2


def test_more_places_go_to_people_waiting(public_event, mailoutbox, commit_callbacks):
    people = [person(i) for i in range(5)]
    for p in people:
        register(public_event, p, notify=False)
    with commit_callbacks():
        do_update_event(public_event, capacity=4, acting_user=None)
    statuses = list(
        Registration.objects.filter(event=public_event).order_by("id").values_list("status", flat=True)
    )
    assert statuses == ["registered"] * 4 + ["waitlisted"]
    assert sorted(m.to[0] for m in mailoutbox) == ["person2@example.org", "person3@example.org"]


def test_fewer_places_take_nobody_s_place_away(public_event):
    people = [person(i) for i in range(2)]
    for p in people:
        register(public_event, p, notify=False)
    do_update_event(public_event, capacity=1, acting_user=None)
    assert Registration.objects.filter(event=public_event, status="registered").count() == 2
    assert register(public_event, person(9), notify=False).status == "waitlisted"


def test_sign_up_is_refused_before_it_opens_and_after_it_closes(client, member, make_event, project):
    not_yet = make_event(project, is_public=True, registration_opens_at=london(3, 9))
    closed = make_event(project, is_public=True, registration_closes_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(EventActionError, match="Sign-up for this event has not opened yet."):
        register(not_yet, member)
    with pytest.raises(EventActionError, match="Sign-up for this event has closed."):
        register(closed, member)

    client.force_login(member)
    page = client.get(f"/events/{not_yet.pk}/sign-up/").content.decode()
    assert "Sign-up opens on" in page and '<form method="post" action="/events/' not in page
    response = client.post(f"/events/{closed.pk}/sign-up/", {})
    assert "Sign-up for this event has closed." in response.content.decode()
    assert not Registration.objects.filter(person=member).exists()


def test_a_hybrid_event_asks_how_you_will_take_part(client, member, make_event, project):
    event = make_event(
        project,
        is_public=True,
        format=Event.Format.HYBRID,
        online_joining_link="https://meet.example.org/hybrid",
    )
    client.force_login(member)
    response = client.post(f"/events/{event.pk}/sign-up/", {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose whether you will take part in person or online." in page
    assert 'id="id_attendance-error"' in page
    client.post(f"/events/{event.pk}/sign-up/", {"attendance": "online"})
    assert Registration.objects.get(event=event, person=member).attendance == "online"


def test_unknown_access_needs_are_refused_with_a_message(client, member, public_event):
    client.force_login(member)
    response = client.post(f"/events/{public_event.pk}/sign-up/", {"access_needs": ["telepathy"]})
    assert "Choose access needs from the list." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_visitor_signs_up_with_just_a_name_and_an_e_mail_address(
    client, public_event, mailoutbox, commit_callbacks
):
    with commit_callbacks():
        response = client.post(
            f"/events/{public_event.pk}/sign-up/",
            {
                "badge_name": "Vi",
                "email": "Vi@Example.org",
                "access_needs": ["large_print"],
            },
        )
    assert response["Location"] == f"/events/{public_event.pk}/signed-up/"
    page = client.get(response["Location"]).content.decode()
    assert "We have sent an e-mail to Vi@Example.org." in page
    assert "Open the link in it within 30 minutes to confirm your sign-up" in page
    visitor = Person.objects.get(email="vi@example.org")
    assert visitor.badge_name == "Vi"
    registration = Registration.objects.get(person=visitor)
    # Anyone can type any address: the place is held until the visitor confirms it (see test_holds.py).
    assert (registration.status, registration.access_needs) == ("held", ["large_print"])
    assert mailoutbox[0].to == ["vi@example.org"]
    assert "_auth_user_id" not in client.session, "signing up must not sign anybody in"


def test_a_visitor_cannot_learn_whether_someone_else_is_signed_up(client, public_event, member, mailoutbox):
    register(public_event, member, needs=["bsl"], notify=False)
    new = client.post(
        f"/events/{public_event.pk}/sign-up/", {"badge_name": "New", "email": "new@example.org"}
    )
    new_page = _without_tokens(
        client.get(new["Location"]).content.decode().replace("new@example.org", "ADDRESS")
    )
    existing = client.post(
        f"/events/{public_event.pk}/sign-up/", {"badge_name": "Prankster", "email": member.email}
    )
    existing_page = _without_tokens(
        client.get(existing["Location"]).content.decode().replace(member.email, "ADDRESS")
    )
    assert existing["Location"] == new["Location"]
    assert existing_page == new_page
    member.refresh_from_db()
    assert member.badge_name == "Jo", "an existing person's badge name is never changed by a sign-up form"
    assert Registration.objects.get(person=member).access_needs == ["bsl"]


def _without_tokens(page: str) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def test_visitor_sign_up_needs_a_name_and_a_valid_address(client, public_event):
    response = client.post(
        f"/events/{public_event.pk}/sign-up/", {"badge_name": "", "email": "not-an-address"}
    )
    page = response.content.decode()
    assert "Enter the name you would like on your badge." in page
    assert "Enter an e-mail address in the right format, like name@example.org." in page
    assert 'id="id_email-error"' in page
    assert not Person.objects.filter(email="not-an-address").exists()


def test_visitors_are_rate_limited(client, public_event):
    for n in range(30):
        client.post(
            f"/events/{public_event.pk}/sign-up/", {"badge_name": f"V{n}", "email": f"v{n}@example.org"}
        )
    response = client.post(
        f"/events/{public_event.pk}/sign-up/", {"badge_name": "V", "email": "v@example.org"}
    )
    assert response.status_code == 429
    assert not Person.objects.filter(email="v@example.org").exists()


def test_cancelling_is_refused_once_the_event_has_started(member, public_event):
    registration = register(public_event, member, notify=False)
    Event.objects.filter(pk=public_event.pk).update(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    registration.event.refresh_from_db()
    with pytest.raises(EventActionError, match="already started"):
        do_cancel_registration(registration, acting_user=member)


def test_the_audit_trail_records_sign_ups_without_access_needs(member, public_event):
    register(public_event, member, needs=["bsl"], details="my details", notify=False)
    entry = AuditEntry.objects.get(action="registration.created")
    assert entry.acting_user == member
    assert entry.details == {"event": public_event.pk, "status": "registered"}


def test_the_database_allows_one_active_registration_per_person(member, public_event):
    from django.db import IntegrityError, transaction

    register(public_event, member, notify=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=public_event, person=member, status="waitlisted", attendance="in_person"
        )
