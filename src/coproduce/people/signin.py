"""Passwordless sign-in: an e-mailed one-time link and a short code, reusable by every app.

Other apps call :func:`send_sign_in_email` (e.g. events after a public sign-up, or an invitation):
it issues a fresh link and code for the person and e-mails them. The link and the code work once,
for :data:`LIFETIME`; only their hashes are stored and neither is ever written to a log.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django_ratelimit.core import is_ratelimited

from coproduce.core.text import clean_line

LIFETIME = timedelta(minutes=15)
MAX_WRONG_CODES = 5
CODE_DIGITS = 6

# Fixed-window limits (django-ratelimit; the cache is Redis in production so every worker shares them).
# Per client generous enough for a workshop room sharing one wifi connection.
RATE_PER_ADDRESS = "5/h"
RATE_PER_CLIENT = "30/h"
RATE_CODE_TRIES_PER_CLIENT = "20/10m"


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_code(token_hash: str, code: str) -> str:
    """Keyed with SECRET_KEY and bound to its token: a stolen table cannot be brute-forced offline."""
    return salted_hmac(
        "coproduce.people.sign_in_code", f"{token_hash}:{code}", algorithm="sha256"
    ).hexdigest()


def normalise_code(text: str) -> str:
    """What a person typed, without the spaces, dashes or dots they may add."""
    return "".join(ch for ch in (text or "") if not ch.isspace() and ch not in "-.")


def format_code(code: str) -> str:
    """'123456' -> '123 456': easier to read out and to copy by eye."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def safe_next_url(url: str | None) -> str:
    """``url`` if it is a path on this site, else "".

    Only relative paths are kept, so a link opened on another device or behind a proxy can never
    send someone to another site.
    """
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return ""
    return url[:500]


def sign_in_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('people:sign_in_link', args=[token])}"


def send_sign_in_email(person, *, next_url: str = "", subject: str = "", intro: str = "") -> None:
    """Issue a new link and code for ``person`` and e-mail them.

    ``next_url`` (a path on this site) is where the link leads after signing in. ``subject`` and
    ``intro`` let a caller say why the e-mail was sent (e.g. an invitation). Rate limits are the
    caller's concern (see :func:`sign_in_request_limit`).
    """
    from .actions import do_issue_sign_in

    issued = do_issue_sign_in(person, next_url=safe_next_url(next_url), acting_user=None)
    minutes = int(LIFETIME.total_seconds() // 60)
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
        f"The link and the code work once, for {minutes} minutes. If the link has expired, open it",
        'anyway and choose "Send me a new link".',
        "",
        "If you did not ask to sign in, you can ignore this e-mail: nobody can sign in without it.",
    ]
    send_mail(
        # A subject is one line: a line break in a title it is built from would make the e-mail fail.
        clean_line(subject or "") or "Your Coproduce sign-in link and code",
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )


def _address_key(email: str):
    return lambda group, request: f"address:{normalise_email(email)}"


def sign_in_request_limit(request: HttpRequest, email: str) -> str | None:
    """Count one request for a sign-in e-mail. Returns "client" or "address" when over a limit.

    The same limits apply whether or not the address has an account, so they reveal nothing.
    """
    if is_ratelimited(request, group="people.sign_in.client", key="ip", rate=RATE_PER_CLIENT, increment=True):
        return "client"
    if is_ratelimited(
        request,
        group="people.sign_in.address",
        key=_address_key(email),
        rate=RATE_PER_ADDRESS,
        increment=True,
    ):
        return "address"
    return None


def code_try_limited(request: HttpRequest) -> bool:
    """Count one typed code from this client; True when over the limit."""
    return is_ratelimited(
        request, group="people.sign_in.code", key="ip", rate=RATE_CODE_TRIES_PER_CLIENT, increment=True
    )
