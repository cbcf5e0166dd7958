"""The sign-in e-mail. Sent by ``people.actions.do_send_sign_in_email`` once the sign-in is stored.

Other apps that write to someone who must sign in (an invitation to a project) pass their own
``subject`` and ``intro`` through that action rather than writing a second sign-in e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Person
from .signin import IssuedSignIn, format_code, lifetime_minutes


def sign_in_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('people:sign_in_link', args=[token])}"


def send_sign_in(person: Person, issued: IssuedSignIn, *, subject: str = "", intro: str = "") -> None:
    """E-mail ``person`` the link and code of ``issued``; ``intro`` (if any) says why first."""
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
    send_mail(
        subject or "Your Coproduce sign-in link and code", body, settings.DEFAULT_FROM_EMAIL, [person.email]
    )
