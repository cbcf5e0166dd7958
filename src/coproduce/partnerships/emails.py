"""E-mails about being in a project. Sent by actions after their transaction commits."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from coproduce.people.actions import do_send_sign_in_email

from .models import Membership


def send_invitation(membership: Membership, *, inviter: str) -> None:
    """Tell someone just added to a project, with a fresh sign-in link that leads to the project."""
    project = membership.project
    do_send_sign_in_email(
        membership.person,
        next_url=reverse("partnerships:project_detail", args=[project.pk]),
        subject=f"You are invited to join {project.title}",
        intro=render_to_string(
            "partnerships/email/invitation_intro.txt", {"inviter": inviter, "project": project}
        ).strip(),
        acting_user=None,
    )
