"""A visitor's place is held until they confirm their e-mail address; unconfirmed holds are released.

Anyone can type any address into the public sign-up form, so made-up addresses must not take places
from real people. Held places count as taken while the hold lasts (two visitors cannot overbook);
when it lapses, the place goes to the first person waiting.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from coproduce.core import happenings
from coproduce.events.actions import do_cancel_registration
from coproduce.events.availability import places_for
from coproduce.events.confirmation import confirmation_token
from coproduce.events.models import Registration
from coproduce.people.models import Person
from tests.words import named

from .conftest import person, register

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://[^\s]+(/events/confirm/[^\s]+/)")


class Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run on-commit work (e-mails, happenings) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def confirmed_places(monkeypatch):
    """Every place_confirmed announcement, as a subscriber would hear it."""
    heard: list[str] = []

    def listen(registration):
        heard.append(registration.person.email)

    happenings.place_confirmed.subscribe(listen)
    yield heard
    happenings.place_confirmed.unsubscribe(listen)


def visitor_signs_up(event, email: str, name: str = "Visitor"):
    return Client().post(f"/events/{event.pk}/sign-up/", {"badge_name": name, "email": email})


def status_of(event, email: str) -> str:
    return Registration.objects.exclude(status="cancelled").get(event=event, person__email=email).status


def confirm_path(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


def test_made_up_addresses_cannot_keep_a_member_from_a_place(
    public_event, member, clock, commit, mailoutbox, confirmed_places
):
    """The reported case: two made-up addresses filled a 2-place event and pushed a member to the waitlist."""
    with commit():
        for email in ("made.up.1@example.org", "made.up.2@example.org"):
            assert visitor_signs_up(public_event, email).status_code == 302
        register(public_event, member)

    # While the holds last they count as taken: nobody can overbook.
    assert status_of(public_event, "made.up.1@example.org") == "held"
    assert status_of(public_event, "made.up.2@example.org") == "held"
    assert status_of(public_event, member.email) == "waitlisted"
    assert confirmed_places == [], "a held place is not a confirmed place"

    # Nobody confirms. Once the holds lapse, the worker releases them and the member gets a place.
    clock.advance(minutes=31)
    mailoutbox.clear()
    with commit():
        call_command("run_worker", "--once")
    assert status_of(public_event, member.email) == "registered"
    assert not Registration.objects.filter(event=public_event, status="held").exists()
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([member.email], "A place came up for you: Open cuppa")
    ]
    assert confirmed_places == [member.email]


def test_a_lapsed_hold_frees_its_place_even_before_the_worker_runs(public_event, member, outsider, clock):
    for email in ("made.up.1@example.org", "made.up.2@example.org"):
        visitor_signs_up(public_event, email)
    register(public_event, member, notify=False)
    assert places_for(public_event).left == 0
    clock.advance(minutes=31)

    assert places_for(public_event).left == 2, "a lapsed hold is counted as free at once"
    # The next change to the event's places releases the lapsed holds first: the member, who was
    # waiting, gets a place before the newcomer.
    register(public_event, outsider, notify=False)
    assert status_of(public_event, member.email) == "registered"
    assert status_of(public_event, outsider.email) == "registered"
    assert Registration.objects.filter(event=public_event, status="cancelled").count() == 2


def test_a_visitor_confirms_their_place_with_the_link_in_the_e_mail(
    public_event, commit, mailoutbox, confirmed_places
):
    with commit():
        visitor_signs_up(public_event, "vi@example.org", "Vi")
    [request] = mailoutbox
    assert request.subject == "Confirm your place: Open cuppa"
    assert "We are holding a place for you." in request.body
    assert not request.attachments, "no calendar invitation until the place is confirmed"
    path = confirm_path(request)

    # Opening the link only shows a button, so mail scanners that fetch links confirm nothing.
    page = Client().get(path).content.decode()
    assert "We are holding a place for you until" in page
    assert status_of(public_event, "vi@example.org") == "held"

    with commit():
        response = Client().post(path, follow=True)
    assert "Thank you: your place is confirmed." in response.content.decode()
    assert status_of(public_event, "vi@example.org") == "registered"
    assert confirmed_places == ["vi@example.org"]
    confirmation = mailoutbox[1]
    assert confirmation.subject == "Your place: Open cuppa"
    [(filename, _, _)] = confirmation.attachments
    assert filename == f"event-{public_event.pk}.ics"

    # The link works once: afterwards it only says the sign-up is confirmed.
    with commit():
        again = Client().post(path).content.decode()
    assert "Your sign-up is confirmed" in again
    assert confirmed_places == ["vi@example.org"]
    assert len(mailoutbox) == 2


def test_a_link_opened_too_late_says_the_place_went_to_someone_else(public_event, clock, commit, mailoutbox):
    with commit():
        visitor_signs_up(public_event, "vi@example.org", "Vi")
    path = confirm_path(mailoutbox[0])
    clock.advance(minutes=30, seconds=1)
    late = "The time to confirm this sign-up ran out, so the place went to the next person."
    assert late in Client().get(path).content.decode()
    assert late in Client().post(path).content.decode()
    assert Registration.objects.get(person__email="vi@example.org").status != "registered"


def test_a_link_we_did_not_make_is_not_found(public_event, commit, mailoutbox):
    with commit():
        visitor_signs_up(public_event, "vi@example.org", "Vi")
    token = confirm_path(mailoutbox[0]).split("/")[-2]
    registration = Registration.objects.get()
    other_payload = signing.Signer().sign_object([registration.pk + 1, 0]).split(":")[0]
    swapped = ":".join([other_payload, *token.split(":")[1:]])
    for bad in (
        "nonsense",
        token[:-2],  # cut short, as some e-mail programs do
        swapped,  # another sign-up's number with this one's signature
        signing.Signer(salt="another purpose").sign_object([registration.pk, 0]),  # ours, not for this
        confirmation_token(Registration(pk=registration.pk + 1000, confirm_by=timezone.now())),  # nobody's
    ):
        assert Client().get(f"/events/confirm/{bad}/").status_code == 404
        assert Client().post(f"/events/confirm/{bad}/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "held"


def test_a_visitor_on_the_waitlist_must_confirm_to_keep_their_spot(
    public_event, member, outsider, clock, commit, mailoutbox
):
    register(public_event, member, notify=False)
    register(public_event, outsider, notify=False)
    with commit():
        visitor_signs_up(public_event, "vi@example.org", "Vi")
        visitor_signs_up(public_event, "kai@example.org", "Kai")
    assert [m.subject for m in mailoutbox] == ["Confirm your place on the waitlist: Open cuppa"] * 2
    assert "You are number 1 in the queue." in mailoutbox[0].body
    Client().post(confirm_path(mailoutbox[1]))  # Kai confirms; Vi does not

    clock.advance(minutes=31)
    call_command("release_expired_holds")
    assert status_of(public_event, "kai@example.org") == "waitlisted"
    assert (
        not Registration.objects.filter(person__email="vi@example.org").exclude(status="cancelled").exists()
    )
    # Kai moved up: the lapsed spot ahead of them is gone.
    member_client = Client()
    member_client.force_login(Person.objects.get(email="kai@example.org"))
    page = member_client.get(f"/events/{public_event.pk}/my-place/").content.decode()
    assert "You are on the waitlist: number 1 in the queue." in page


def test_signing_in_proves_the_address_so_signing_up_again_confirms_the_place(
    public_event, member, confirmed_places, commit
):
    visitor_signs_up(public_event, member.email)  # as a visitor, before signing in
    assert status_of(public_event, member.email) == "held"
    client = Client()
    client.force_login(member)
    page = client.get(f"/events/{public_event.pk}/my-place/").content.decode()
    assert "We are holding a place for you until" in page
    with commit():
        response = client.post(f"/events/{public_event.pk}/sign-up/", follow=True)
    assert "Thank you: your place is confirmed." in response.content.decode()
    assert status_of(public_event, member.email) == "registered"
    assert confirmed_places == [member.email]


def test_signed_in_people_get_a_place_at_once(public_event, member, confirmed_places, commit):
    with commit():
        registration = register(public_event, member)
    assert (registration.status, registration.confirm_by) == ("registered", None)
    assert confirmed_places == [member.email]


def test_organisers_see_held_places_apart_from_confirmed_ones(client, coordinator, public_event, member):
    register(public_event, member, notify=False)
    visitor_signs_up(public_event, "vi@example.org", "Vi")
    for n in range(2):
        register(public_event, person(n), notify=False)
    client.force_login(coordinator)
    page = client.get(f"/events/{public_event.pk}/registrations/").content.decode()
    assert "<dt>With a place</dt><dd>1</dd>" in page
    assert "<dt>Held, not yet confirmed</dt><dd>1</dd>" in page
    held = page[page.index("Places held for visitors") : page.index("<h2>Waitlist</h2>")]
    assert re.search(r"Vi: held until \d+(:\d\d)?[ap]m on ", held)
    confirmed = page[page.index("People with a place") : page.index("Places held for visitors")]
    assert not named("Vi", confirmed) and named("Jo", confirmed)
    check_in = client.get(f"/events/{public_event.pk}/check-in/").content.decode()
    assert not named("Vi", check_in)


def test_how_long_a_place_is_held_is_a_setting(public_event, settings, clock):
    settings.EVENTS_PLACE_HOLD_MINUTES = 10
    visitor_signs_up(public_event, "vi@example.org", "Vi")
    assert Registration.objects.get().confirm_by == clock.now + timedelta(minutes=10)


def test_a_place_that_opens_for_a_visitor_still_to_confirm_is_held_not_given(
    public_event, member, outsider, commit, mailoutbox, confirmed_places
):
    register(public_event, member, notify=False)
    mine = register(public_event, outsider, notify=False)
    visitor_signs_up(public_event, "vi@example.org", "Vi")  # the waitlist, unconfirmed
    deadline = Registration.objects.get(person__email="vi@example.org").confirm_by
    with commit():
        do_cancel_registration(mine, acting_user=outsider)
    promoted = Registration.objects.get(person__email="vi@example.org")
    assert (promoted.status, promoted.confirm_by) == ("held", deadline), "held until their own deadline"
    assert confirmed_places == []
    [message] = mailoutbox
    assert message.subject == "Confirm your place: Open cuppa"
    assert 'Good news: a place came up at "Open cuppa" and we are holding it for you.' in message.body


def test_signing_up_again_before_confirming_sends_the_link_again_and_keeps_the_deadline(
    public_event, clock, commit, mailoutbox
):
    with commit():
        visitor_signs_up(public_event, "vi@example.org", "Vi")
    clock.advance(minutes=10)
    with commit():
        visitor_signs_up(public_event, "vi@example.org", "Vi")  # the first e-mail went to junk
    [registration] = Registration.objects.all()
    assert registration.confirm_by == clock.now + timedelta(minutes=20), "asking again buys no more time"
    assert [m.subject for m in mailoutbox] == ["Confirm your place: Open cuppa"] * 2
    assert confirm_path(mailoutbox[0]) == confirm_path(mailoutbox[1])
