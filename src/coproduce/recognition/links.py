"""Where a project's page links to its payments (see ``partnerships.work_links``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions


def payments_link(user, project) -> tuple[str, str] | None:
    """The project's payments page, for those who coordinate its payments."""
    if not permissions.can_manage_project_payments(user, project):
        return None
    return _("Payments for people's time"), reverse("recognition:project_payments", args=[project.pk])
