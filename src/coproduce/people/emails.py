"""The sign-in e-mail. Sent by ``people.actions.do_send_sign_in_email`` once the sign-in is stored.

Other apps that write to someone who must sign in (an invitation to a project) pass their own
``subject`` and ``intro`` through that action rather than writing a second sign-in e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import Person
from .signin import IssuedSignIn, format_code, lifetime_minutes


def sign_in_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('people:sign_in_link', args=[token])}"


def send_sign_in(person: Person, issued: IssuedSignIn, *, subject: str = "", intro: str = "") -> None:
    """E-mail ``person`` the link and code of ``issued``; ``intro`` (if any) says why first."""
    lines = []
    if intro:
        lines += [intro, ""]
    lines += [
        f"Hello {person.badge_name or 'there'},",
        "",
        "To sign in to Coproduce, open this link:",
        "",
        sign_in_link(issued.token),
        "",
        "Or, if you are reading this on another device, type this code on the sign-in page:",
        "",
        f"    {format_code(issued.code)}",
        "",
        f"The link and the code work once, for {lifetime_minutes()} minutes. If the link has expired, open it",
        'anyway and choose "Send me a new link".',
        "",
        "If you did not ask to sign in, you can ignore this e-mail: nobody can sign in without it.",
    ]
    send_mail(
        subject or "Your Coproduce sign-in link and code",
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )
