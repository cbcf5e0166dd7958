"""The sign-in e-mail. Queued by ``people.actions.do_send_sign_in_email`` once the sign-in is stored.

It goes to the outbox (``core.outbox``) and the background worker sends it: no mail server is contacted
inside the request, so the sign-in page takes as long whether or not an address has an account. The
queued body (with the link and code) is erased as soon as it is sent.

Other apps that write to someone who must sign in (an invitation to a project) pass their own
``subject`` and ``intro`` through that action rather than writing a second sign-in e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from coproduce.core.outbox import queue_email

from .models import Person
from .signin import IssuedSignIn, format_code, lifetime_minutes


def sign_in_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('people:sign_in_link', args=[token])}"


def send_sign_in(person: Person, issued: IssuedSignIn, *, subject: str = "", intro: str = "") -> None:
    """Queue the e-mail with the link and code of ``issued``; ``intro`` (if any) says why first."""
    body = render_to_string(
        "people/email/sign_in.txt",
        {
            "person": person,
            "intro": intro,
            "link": sign_in_link(issued.token),
            "code": format_code(issued.code),
            "minutes": lifetime_minutes(),
        },
    )
    queue_email(to=person.email, subject=subject or "Your Coproduce sign-in link and code", body=body)
