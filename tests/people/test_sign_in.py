"""Signing in without a password: an e-mailed link and a code, single use, 15 minutes, rate limited."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client

from coproduce.core.models import OutboxMessage
from coproduce.people.models import Person, SignInToken

from .conftest import ask_for_sign_in, link_and_code, signed_in_id

pytestmark = pytest.mark.django_db

NOT_RIGHT = "That code is not right. Check the most recent e-mail from us and try again"


def test_asking_for_a_link_emails_a_link_and_a_code(client, member, mailoutbox):
    response = ask_for_sign_in(client, " Member@Example.org ")
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["member@example.org"]
    assert message.subject == "Your Coproduce sign-in link and code"
    path, code = link_and_code(message)
    assert "work once, for 15 minutes" in message.body
    assert re.fullmatch(r"\d{3} \d{3}", code)
    page = client.get("/sign-in/code/").content.decode()
    assert "If <strong>member@example.org</strong> belongs to someone on Coproduce" in page


def test_link_signs_in_after_pressing_the_button(client, member, mailoutbox):
    ask_for_sign_in(client, member.email, next="/me/")
    path, _ = link_and_code(mailoutbox[0])
    other_device = Client()
    # Opening the link only shows a button, so e-mail scanners that fetch links do not use it up.
    page = other_device.get(path)
    assert page.status_code == 200
    assert "Press the button to finish signing in as Jo." in page.content.decode()
    assert signed_in_id(other_device) is None
    response = other_device.post(path)
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert signed_in_id(other_device) == str(member.pk)
    member.refresh_from_db()
    assert member.last_login is not None


def test_link_works_only_once(client, member, mailoutbox):
    ask_for_sign_in(client, member.email)
    path, _ = link_and_code(mailoutbox[0])
    assert Client().post(path).status_code == 302
    second = Client()
    response = second.post(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This sign-in link has already been used" in page
    assert "Send me a new link" in page
    assert signed_in_id(second) is None


def test_link_expires_after_15_minutes(client, member, mailoutbox, clock):
    ask_for_sign_in(client, member.email)
    path, _ = link_and_code(mailoutbox[0])
    token = SignInToken.objects.get()
    assert token.expires_at - token.created_at == timedelta(minutes=15)

    clock.advance(minutes=14, seconds=59)
    assert "Press the button to finish signing in" in Client().get(path).content.decode()
    clock.advance(seconds=1)
    late = Client()
    page = late.post(path).content.decode()
    assert "This sign-in link has expired" in page
    assert f'action="{path}new/"' in page and "Send me a new link" in page
    assert signed_in_id(late) is None


def test_expired_link_page_sends_a_new_link_to_the_same_address(client, member, mailoutbox, clock):
    ask_for_sign_in(client, member.email, next="/me/")
    path, _ = link_and_code(mailoutbox[0])
    clock.advance(minutes=16)
    response = Client().post(path + "new/")
    assert "We have sent a new link" in response.content.decode()
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["member@example.org"]
    new_path, _ = link_and_code(mailoutbox[1])
    assert new_path != path
    fresh = Client()
    assert fresh.post(new_path)["Location"] == "/me/"
    assert signed_in_id(fresh) == str(member.pk)


def test_a_link_that_was_never_issued_says_so(client, db):
    page = client.get("/sign-in/link/not-a-real-token/").content.decode()
    assert "This sign-in link does not work" in page
    assert 'href="/sign-in/"' in page
    assert client.post("/sign-in/link/not-a-real-token/new/")["Location"] == "/sign-in/"


def test_code_signs_in_the_browser_that_asked(client, member, mailoutbox):
    ask_for_sign_in(client, member.email, next="/me/")
    _, code = link_and_code(mailoutbox[0])
    response = client.post("/sign-in/code/", {"code": code})  # typed with its space, as in the e-mail
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert signed_in_id(client) == str(member.pk)


def test_code_and_link_are_one_sign_in(client, member, mailoutbox):
    ask_for_sign_in(client, member.email)
    path, code = link_and_code(mailoutbox[0])
    assert Client().post(path).status_code == 302
    response = client.post("/sign-in/code/", {"code": code})
    assert NOT_RIGHT in response.content.decode()
    assert signed_in_id(client) is None


def test_code_works_only_once(client, member, mailoutbox):
    ask_for_sign_in(client, member.email)
    _, code = link_and_code(mailoutbox[0])
    client.post("/sign-in/code/", {"code": code})
    again = Client()
    ask_for_sign_in(again, member.email)
    response = again.post("/sign-in/code/", {"code": code})
    assert NOT_RIGHT in response.content.decode()
    assert signed_in_id(again) is None


def test_code_expires_after_15_minutes(client, member, mailoutbox, clock):
    ask_for_sign_in(client, member.email)
    _, code = link_and_code(mailoutbox[0])
    clock.advance(minutes=15, seconds=1)
    page = client.post("/sign-in/code/", {"code": code}).content.decode()
    assert "Your code has expired" in page
    assert "Send me a new code" in page
    assert signed_in_id(client) is None


def test_code_must_be_six_digits(client, member):
    ask_for_sign_in(client, member.email)
    page = client.post("/sign-in/code/", {"code": "12ab56"}).content.decode()
    assert "Enter the 6-digit code from the e-mail, using numbers only" in page
    assert 'aria-invalid="true"' in page
    page = client.post("/sign-in/code/", {"code": ""}).content.decode()
    assert "Enter the 6-digit code from the e-mail" in page


def wrong(code: str) -> str:
    return f"{(int(code.replace(' ', '')) + 1) % 1_000_000:06d}"


def test_five_wrong_codes_stop_the_code_working(client, member, mailoutbox):
    ask_for_sign_in(client, member.email)
    _, code = link_and_code(mailoutbox[0])
    for _ in range(4):
        assert NOT_RIGHT in client.post("/sign-in/code/", {"code": wrong(code)}).content.decode()
    page = client.post("/sign-in/code/", {"code": wrong(code)}).content.decode()
    assert "Too many wrong codes" in page and "Send me a new code" in page
    # Now even the right code is refused, in this browser ...
    assert "Too many wrong codes" in client.post("/sign-in/code/", {"code": code}).content.decode()
    assert signed_in_id(client) is None
    # ... and in a fresh one, because the count is kept on the sign-in itself, not only in the session.
    fresh = Client()
    session = fresh.session
    session["people.pending_sign_in"] = client.session["people.pending_sign_in"] | {"wrong": 0}
    session.save()
    assert NOT_RIGHT in fresh.post("/sign-in/code/", {"code": code}).content.decode()
    assert signed_in_id(fresh) is None
    assert SignInToken.objects.get().wrong_code_attempts == 5


def test_code_page_without_a_request_goes_back_to_sign_in(client, db):
    assert client.get("/sign-in/code/")["Location"] == "/sign-in/"


def test_email_field_messages(client, db):
    page = client.post("/sign-in/", {"email": ""}).content.decode()
    assert "Enter your e-mail address" in page
    page = client.post("/sign-in/", {"email": "not an address"}).content.decode()
    assert "Enter an e-mail address in the right format, like name@example.org" in page
    assert 'aria-describedby="id_email-hint id_email-error"' in page


def _without_tokens(html: str, email: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return html.replace(email, "ADDRESS")


def test_sign_in_never_reveals_whether_an_address_is_known(member, mailoutbox):
    known, unknown = Client(), Client()
    known_response = ask_for_sign_in(known, member.email)
    unknown_response = ask_for_sign_in(unknown, "nobody@example.org")
    assert (known_response.status_code, known_response["Location"]) == (
        unknown_response.status_code,
        unknown_response["Location"],
    )
    assert _without_tokens(known.get("/sign-in/code/").content.decode(), member.email) == _without_tokens(
        unknown.get("/sign-in/code/").content.decode(), "nobody@example.org"
    )
    assert [m.to for m in mailoutbox] == [[member.email]]
    # A wrong code reads the same for both.
    known_page = known.post("/sign-in/code/", {"code": "000000"}).content.decode()
    unknown_page = unknown.post("/sign-in/code/", {"code": "000000"}).content.decode()
    assert _without_tokens(known_page, member.email) == _without_tokens(unknown_page, "nobody@example.org")


class SlowMailServer(BaseEmailBackend):
    """A mail server that hangs and then fails: contacting it inside a request would show."""

    contacted = 0

    def open(self):
        type(self).contacted += 1
        raise TimeoutError("the mail server did not answer")

    def send_messages(self, email_messages):
        self.open()


def test_the_sign_in_e_mail_is_sent_after_the_response_so_a_slow_mail_server_reveals_nothing(
    member, settings, no_outbox_worker
):
    settings.EMAIL_BACKEND = "tests.people.test_sign_in.SlowMailServer"
    SlowMailServer.contacted = 0
    known_response = ask_for_sign_in(Client(), member.email)
    unknown_response = ask_for_sign_in(Client(), "nobody@example.org")
    assert (known_response.status_code, known_response["Location"]) == (302, "/sign-in/code/")
    assert (unknown_response.status_code, unknown_response["Location"]) == (302, "/sign-in/code/")
    assert SlowMailServer.contacted == 0, "no mail server is contacted inside the request"
    [queued] = OutboxMessage.objects.all()
    assert (queued.to, queued.status) == (member.email, "queued")

    # The worker sends it after the response.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox")
    [message] = mail.outbox
    assert message.to == [member.email]
    path, _ = link_and_code(message)
    assert Client().post(path)["Location"] == "/"


def test_signing_in_does_not_create_accounts(client, db, mailoutbox):
    ask_for_sign_in(client, "new.person@example.org")
    assert not Person.objects.filter(email="new.person@example.org").exists()
    assert mailoutbox == []


def test_erased_or_deactivated_people_cannot_sign_in(client, member, mailoutbox):
    ask_for_sign_in(client, member.email)
    path, code = link_and_code(mailoutbox[0])
    Person.objects.filter(pk=member.pk).update(is_active=False)
    assert "This sign-in link does not work" in Client().post(path).content.decode()
    assert NOT_RIGHT in client.post("/sign-in/code/", {"code": code}).content.decode()


@pytest.mark.parametrize(
    "next_url, lands_on",
    [
        ("/me/", "/me/"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_leads_to_this_site(client, member, mailoutbox, next_url, lands_on):
    ask_for_sign_in(client, member.email, next=next_url)
    path, code = link_and_code(mailoutbox[0])
    assert Client().post(path)["Location"] == lands_on
    ask_for_sign_in(client, member.email, next=next_url)
    _, code = link_and_code(mailoutbox[1])
    assert client.post("/sign-in/code/", {"code": code})["Location"] == lands_on


def test_someone_without_a_badge_name_is_asked_to_choose_one(client, db, mailoutbox):
    person = Person.objects.create_user(email="invited@example.org")
    ask_for_sign_in(client, person.email, next="/projects/")
    _, code = link_and_code(mailoutbox[0])
    response = client.post("/sign-in/code/", {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == "/me/"
    assert "Please choose a badge name: the name other people will see." in response.content.decode()


def test_tokens_and_codes_are_stored_only_as_hashes_and_never_logged(client, member, mailoutbox, caplog):
    caplog.set_level(logging.DEBUG)
    ask_for_sign_in(client, member.email)
    path, code = link_and_code(mailoutbox[0])
    token = path.split("/")[-2]
    Client().get(path)
    Client().post(path)
    Client().post(path)  # used: the "already used" page
    client.post("/sign-in/code/", {"code": code})
    row = SignInToken.objects.values().get()
    stored = " ".join(str(v) for v in row.values())
    assert token not in stored and code.replace(" ", "") not in stored
    # Nor does the e-mail that carried them stay in the outbox once sent.
    sent = " ".join(str(v) for v in OutboxMessage.objects.values().get().values())
    assert token not in sent and code not in sent
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert token not in logged and code.replace(" ", "") not in logged


# --- Rate limits -----------------------------------------------------------------------------------

ADDRESS_LIMITED = "We have sent several sign-in e-mails to this address in the last hour."


@pytest.mark.parametrize("known", [True, False])
def test_five_requests_an_hour_per_address(member, mailoutbox, known):
    email = member.email if known else "nobody@example.org"
    for n in range(5):
        assert ask_for_sign_in(Client(REMOTE_ADDR=f"10.0.0.{n}"), email).status_code == 302
    page = ask_for_sign_in(Client(REMOTE_ADDR="10.0.0.9"), email.upper()).content.decode()
    assert ADDRESS_LIMITED in page
    assert len(mailoutbox) == (5 if known else 0)
    # Another address is not affected.
    assert ask_for_sign_in(Client(REMOTE_ADDR="10.0.0.9"), "someone.else@example.org").status_code == 302


def test_thirty_requests_an_hour_per_client(db, mailoutbox):
    same_client = Client(REMOTE_ADDR="192.0.2.7")
    for n in range(30):
        assert ask_for_sign_in(same_client, f"person{n}@example.org").status_code == 302
    response = ask_for_sign_in(same_client, "person31@example.org")
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert ask_for_sign_in(Client(REMOTE_ADDR="192.0.2.8"), "person31@example.org").status_code == 302


def test_twenty_typed_codes_per_ten_minutes_per_client(db):
    tries = 0
    for n in range(5):
        browser = Client(REMOTE_ADDR="198.51.100.1")
        ask_for_sign_in(browser, f"guess{n}@example.org")
        for _ in range(4):
            assert browser.post("/sign-in/code/", {"code": "123456"}).status_code == 200
            tries += 1
    assert tries == 20
    browser = Client(REMOTE_ADDR="198.51.100.1")
    ask_for_sign_in(browser, "guess9@example.org")
    assert browser.post("/sign-in/code/", {"code": "123456"}).status_code == 429


# --- Demo mode -------------------------------------------------------------------------------------


@pytest.fixture
def demo_cast(db):
    from coproduce.demo.cast import ensure_cast

    ensure_cast()


def test_demo_sign_in_is_absent_unless_demo_mode(client, demo_cast, settings):
    settings.DEMO_MODE = False
    page = client.get("/sign-in/").content.decode()
    assert "Sign in as" not in page and "priya@example.org" not in page
    response = client.post("/sign-in/demo/", {"email": "priya@example.org"})
    assert response.status_code == 404
    assert signed_in_id(client) is None


def test_demo_mode_lists_the_cast_with_one_click_sign_in(client, demo_cast, settings):
    settings.DEMO_MODE = True
    page = client.get("/sign-in/").content.decode()
    assert "Demo: sign in with one click" in page
    assert page.count("Sign in as ") == 12
    response = client.post("/sign-in/demo/", {"email": "priya@example.org"})
    assert response.status_code == 302
    assert signed_in_id(client) == str(Person.objects.get(email="priya@example.org").pk)


def test_demo_mode_signs_in_only_demo_people(client, demo_cast, member, settings):
    settings.DEMO_MODE = True
    assert client.post("/sign-in/demo/", {"email": member.email}).status_code == 404
    assert client.get("/sign-in/demo/").status_code == 405


def test_sign_out(client, member):
    client.force_login(member)
    response = client.post("/sign-out/", follow=True)
    assert "You have signed out." in response.content.decode()
    assert signed_in_id(client) is None
    assert client.get("/sign-out/").status_code == 405
