"""Where a project's page links to what changed (see ``partnerships.work_links``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions


def actions_link(user, project) -> tuple[str, str] | None:
    """The project's "You said, we did" actions (with its decision log, feedback and impact report)."""
    if not permissions.can_view_actions(user, project):
        return None
    return _("You said, we did: actions, feedback and impact"), reverse(
        "outcomes:project_actions", args=[project.pk]
    )
