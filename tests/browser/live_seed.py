"""Seed a fresh database for the live-session browser test and print what the test needs as JSON.

Run in a subprocess with the same environment as the server it seeds (``python -m tests.browser.live_seed``).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from coproduce.deliberation.actions import do_add_seed_statement
    from coproduce.events.models import Event
    from coproduce.live.actions import do_create_live_session
    from coproduce.partnerships.models import Membership, Project
    from coproduce.people.models import Person

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    facilitator = Person.objects.create_user(email="robin@example.org", badge_name="Robin")
    project = Project.objects.create(
        title="Better discharge together", purpose="Leaving hospital, better.", status=Project.Status.ACTIVE
    )
    Membership.objects.create(project=project, person=facilitator, role=Membership.Role.FACILITATOR)
    start = timezone.now()
    event = Event.objects.create(
        project=project,
        title="Leaving hospital: a workshop",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    session = do_create_live_session(
        event, title="Leaving hospital well", format_key="workshop_hour", acting_user=facilitator
    )
    for text in (
        "Discharge letters should be written in plain English.",
        "Carers should be told before the day someone goes home.",
    ):
        do_add_seed_statement(session, text=text, acting_user=facilitator)
    store = SessionStore()
    store["_auth_user_id"] = str(facilitator.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = facilitator.get_session_auth_hash()
    store.save()
    print(
        json.dumps(
            {
                "session": session.pk,
                "code": session.join_code,
                "event": event.pk,
                "facilitator_cookie": store.session_key,
            }
        )
    )


if __name__ == "__main__":
    main()
