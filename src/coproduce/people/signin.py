"""Passwordless sign-in, the pure part: making and hashing link tokens and codes, and their lifetime.

Nothing here touches the database, sends e-mail or counts requests. Issuing a sign-in (storing the
hashes, auditing it, e-mailing the link and code) is ``people.actions.do_send_sign_in_email``; the
e-mail is ``people.emails``; rate limits are the views'. The link and the code work once, for
:data:`LIFETIME`; only their hashes are stored and neither is ever written to a log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from .models import Person, SignInToken

LIFETIME = timedelta(minutes=15)
MAX_WRONG_CODES = 5
CODE_DIGITS = 6


@dataclass(frozen=True)
class IssuedSignIn:
    """The only place a link token and code exist in plain text: in memory, on their way to an e-mail."""

    token: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class SignInResult:
    """``person`` when signed in (or, from ``access.find_sign_in_link``, when the link would sign them in);
    otherwise ``problem`` is "unknown", "expired", "used" or "wrong_code". ``token`` is the matched row
    when there was one. Too many wrong codes in one browser is the view's to say (it counts per session)."""

    person: Person | None = None
    next_url: str = ""
    problem: str = ""
    token: SignInToken | None = None


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


def expires_at(issued_at: datetime) -> datetime:
    """When a link and code issued at ``issued_at`` stop working."""
    return issued_at + LIFETIME


def lifetime_minutes() -> int:
    """:data:`LIFETIME` in whole minutes, as e-mails and pages say it."""
    return int(LIFETIME.total_seconds() // 60)
