"""The "Work in this project" links on a project's page, which downstream apps add.

Partnerships is upstream of events, sense-making, payments and outcomes, so it never names their
pages itself: each app registers, from its ``AppConfig.ready()``, a function that answers for one
person and one project either ``(label, url)`` or None (the person may not use that page). Like live's
activity registry, this is a plug-in point answered within the request, not a happening.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Project

WorkLink = Callable[[Any, Project], "tuple[str, str] | None"]
_links: list[WorkLink] = []


def register_work_link(link: WorkLink) -> None:
    """Show ``link(user, project)`` among the project's work links. Registering twice adds it once."""
    if link not in _links:
        _links.append(link)


def work_links(user, project: Project) -> list[tuple[str, str]]:
    """The links this person may follow from this project's page, in the order apps registered them."""
    return [answer for link in _links if (answer := link(user, project)) is not None]
