"""Helpers for the people tests: read the sign-in e-mail, move the clock, start with empty rate limits."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

LINK = re.compile(r"http://[^\s]+/sign-in/link/([A-Za-z0-9_\-]+)/")
CODE = re.compile(r"^\s+(\d{3} \d{3})$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _empty_rate_limits():
    cache.clear()  # rate-limit counters live in the cache, which outlives a test
    yield
    cache.clear()


def link_and_code(message) -> tuple[str, str]:
    """The sign-in path and the code as a person would read them in the e-mail."""
    token = LINK.search(message.body).group(1)
    code = CODE.search(message.body).group(1)
    return f"/sign-in/link/{token}/", code


def ask_for_sign_in(client, email: str, **extra):
    return client.post("/sign-in/", {"email": email, **extra})


class Clock:
    """Stands in for ``timezone.now`` so tests can step past the 15 minutes without waiting."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def signed_in_id(client):
    return client.session.get("_auth_user_id")
