"""The link that confirms a visitor's sign-up (see ``actions.do_register_visitor_for_event``).

The token is signed with SECRET_KEY and names one sign-up and its deadline, so it cannot be guessed or
moved to another sign-up. It works once: after confirming, the sign-up has no deadline any more and
the link only says so. It stops working when the time to confirm is over.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Registration

SALT = "coproduce.events.confirm_sign_up"


def confirmation_token(registration: Registration) -> str:
    return signing.Signer(salt=SALT).sign_object([registration.pk, int(registration.confirm_by.timestamp())])


def confirmation_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse("events:confirm_sign_up", args=[confirmation_token(registration)])


def registration_id_from_token(token: str) -> int | None:
    """The sign-up a genuine token names, or None for anything else."""
    try:
        registration_id, _deadline = signing.Signer(salt=SALT).unsign_object(token)
        return int(registration_id)
    except (signing.BadSignature, ValueError, TypeError):
        return None
