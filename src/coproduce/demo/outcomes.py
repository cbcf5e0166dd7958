"""Demo "you said, we did": actions in every status made from the crisis workshop's real statements and
take-home messages and from Grace's signed-off quote, a published public page, and a feedback form on
the mapping workshop with a few answers. Everything goes through the outcomes actions; afterwards the
timeline is moved into the past (as the live demo does with its session), which no action does.
E-mails are not sent: the people see what happened on their home page.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coproduce.deliberation.models import Statement, TakeHomeMessage
from coproduce.events.models import Event
from coproduce.outcomes import actions
from coproduce.outcomes.models import ActionUpdate
from coproduce.partnerships.models import Project
from coproduce.people.models import Person
from coproduce.sensemaking.models import Quote

from .cast import CRISIS


def _person(email: str) -> Person:
    return Person.objects.get(email=email)


def _statement(project: Project, text: str) -> tuple[str, int]:
    return ("statement", Statement.objects.get(session__event__project=project, text=text).pk)


def _take_home(project: Project, text: str) -> tuple[str, int]:
    return ("take_home", TakeHomeMessage.objects.get(session__event__project=project, text=text).pk)


def _move(action, steps: list[tuple[int, dict]], priya: Person) -> None:
    """Apply updates, each ``days_ago``, then move the whole timeline to those days."""
    created = action.updates.get()
    first_day = steps[0][0] + 7 if steps else 30
    for days_ago, change in steps:
        update = actions.do_update_action(action, acting_user=priya, send_email=False, **change)
        ActionUpdate.objects.filter(pk=update.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    ActionUpdate.objects.filter(pk=created.pk).update(created_at=timezone.now() - timedelta(days=first_day))


def run() -> None:
    crisis = Project.objects.get(title=CRISIS)
    priya, tom = _person("priya@example.org"), _person("tom@example.org")

    story_once = actions.do_create_action(
        crisis,
        title="One shared crisis plan the night team can read",
        you_said="You said you should only have to tell your story once.",
        links=[
            _statement(crisis, "I should only have to tell my story once."),
            _take_home(crisis, "Telling my story once would change everything."),
        ],
        owner=tom,
        acting_user=priya,
    )
    _move(
        story_once,
        [
            (9, {"status": "agreed", "progress": 0, "note": "The crisis team agreed to try a shared plan."}),
            (
                3,
                {
                    "status": "in_progress",
                    "progress": 60,
                    "note": "A draft plan, written with people who use the service, is on trial on 2 wards.",
                },
            ),
        ],
        priya,
    )

    cafe = actions.do_create_action(
        crisis,
        title="Pilot an evening crisis café",
        you_said="You said a crisis café open in the evening would keep people out of A&E.",
        links=[
            _statement(crisis, "A crisis café open in the evening would keep people out of A&E."),
            _take_home(crisis, "I am going to ask my team about an evening crisis café."),
        ],
        acting_user=priya,
        is_public=True,
    )
    _move(
        cafe,
        [(5, {"status": "agreed", "progress": 10, "due_on": timezone.localdate() + timedelta(days=90)})],
        priya,
    )

    actions.do_create_action(
        crisis,
        title="Peer workers in every crisis team",
        you_said="You said peer workers with lived experience should be part of every crisis team.",
        links=[
            _statement(crisis, "Peer workers with lived experience should be part of every crisis team."),
            _take_home(crisis, "Peer workers are not an extra: they are the bridge."),
        ],
        acting_user=priya,
    )

    grace_quote = Quote.objects.get(theme__project=crisis, signed_off_at__isnull=False)
    listening = actions.do_create_action(
        crisis,
        title="Call handlers trained to slow down and listen",
        you_said="You said being listened to, without being rushed, changed the night.",
        links=[("quote", grace_quote.pk), ("theme", grace_quote.theme_id)],
        acting_user=priya,
        is_public=True,
    )
    _move(
        listening,
        [
            (
                20,
                {"status": "in_progress", "progress": 50, "note": "The first training day was co-delivered."},
            ),
            (2, {"status": "done", "progress": 100, "note": "Every call handler has now done the training."}),
        ],
        priya,
    )

    one_number = actions.do_create_action(
        crisis,
        title="A single phone number for every crisis service",
        you_said="You said one phone number for every crisis service would make things simpler.",
        links=[
            _statement(crisis, "A single phone number for every crisis service would make things simpler.")
        ],
        acting_user=priya,
        is_public=True,
    )
    _move(
        one_number,
        [
            (
                6,
                {
                    "status": "not_doing",
                    "progress": 0,
                    "status_reason": "NHS 111 now has a mental health option for every area, so a second "
                    "number would confuse people. We are making that option better known instead.",
                },
            )
        ],
        priya,
    )

    actions.do_set_public_page(
        crisis,
        is_published=True,
        introduction="Thank you to everyone who came to the crisis workshop and the listening sessions.",
        acting_user=priya,
    )

    mapping = (
        Event.objects.filter(project=crisis, title="Mapping the crisis pathway together")
        .order_by("starts_at")
        .first()
    )
    form = actions.do_create_feedback_form(
        mapping, title="How was Mapping the crisis pathway together?", acting_user=priya
    )
    by_key = {q.library_key: q.pk for q in form.questions.all()}
    for email, overall, best in (
        ("tom@example.org", "5", "Drawing the pathway together: staff saw the gaps we fall into."),
        ("grace@example.org", "4", "Nobody rushed me."),
        ("sol@example.org", "4", ""),
    ):
        who = _person(email)
        actions.do_submit_feedback(
            form, who, answers={by_key["overall"]: overall, by_key["best_aspects"]: best}, acting_user=who
        )
