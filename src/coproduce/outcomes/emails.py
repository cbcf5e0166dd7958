"""E-mails telling people what happened to what they said, and asking for feedback. Queued in the outbox
(``core.outbox``) by actions after their transaction commits; the background worker sends them.

Each e-mail goes to one person and names nobody else: not who else contributed, not who made the change.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.core.outbox import queue_email

from .models import FeedbackInvitation, Notice


def send_action_moved(update_id: int) -> int:
    """Queue one e-mail to each person told of this update by e-mail. Returns how many were queued."""
    notices = Notice.objects.filter(update_id=update_id, channel=Notice.Channel.EMAIL).select_related(
        "person", "update", "update__action", "update__action__project"
    )
    sent = 0
    for notice in notices:
        update = notice.update
        action = update.action
        body = render_to_string(
            "outcomes/email/action_moved.txt",
            {
                "person": notice.person,
                "action": action,
                "update": update,
                "project": action.project,
                "my_outcomes_url": settings.SITE_URL + reverse("outcomes:mine"),
            },
        )
        subject = _("What happened to what you said: %(title)s") % {"title": action.title}
        queue_email(to=notice.person.email, subject=subject, body=body)
        sent += 1
    return sent


def send_feedback_invitation(invitation_id: int, *, reminder: bool = False) -> bool:
    """Ask one person for feedback (or remind them once). False if there is nothing to send any more."""
    invitation = (
        FeedbackInvitation.objects.filter(pk=invitation_id, responded_at__isnull=True)
        .select_related("person", "form", "form__event")
        .first()
    )
    if invitation is None or not invitation.form.is_open:
        return False
    form = invitation.form
    body = render_to_string(
        "outcomes/email/feedback_invitation.txt",
        {
            "person": invitation.person,
            "form": form,
            "reminder": reminder,
            "form_url": settings.SITE_URL + reverse("outcomes:feedback_respond", args=[form.pk]),
            "easy_read_url": settings.SITE_URL + reverse("outcomes:feedback_easy_read", args=[form.pk]),
        },
    )
    subject = (_("A reminder: how was %(event)s?") if reminder else _("How was %(event)s? Tell us")) % {
        "event": form.event.title
    }
    queue_email(to=invitation.person.email, subject=subject, body=body)
    return True
