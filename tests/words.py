"""Checking which words a page shows, without tripping over random tokens (CSRF, htmx headers)."""

from __future__ import annotations

import re


def named(name: str, page: str) -> bool:
    """Whether ``name`` appears on the page as a word, not inside a random token such as the CSRF one.

    A 64-character token of letters and digits holds a given short name ("Tom", "Vi") often enough to
    make ``name in page`` fail now and then.
    """
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", page) is not None
