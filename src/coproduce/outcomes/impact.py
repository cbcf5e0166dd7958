"""The impact report's figures for one project and period, read in a fixed number of queries.

Counts of people go through ``suppression`` (never a small number, never recoverable by subtraction);
counts of things (events, actions) are not about people and are shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count as DbCount
from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.events.models import Event, Registration
from coproduce.live.models import Participant
from coproduce.partnerships.models import Project
from coproduce.people.models import Perspective
from coproduce.recognition.models import Claim
from coproduce.sensemaking.models import Quote

from . import suppression
from .library import RATING_LABELS
from .models import Action, FeedbackAnswer, FeedbackResponse, Gripp2Summary

QUOTES_SHOWN = 5
SEVERAL = "several"
NOT_SAID = "not_said"


@dataclass
class ImpactReport:
    project: Project
    start: date
    end: date
    events_held: int = 0
    events_by_kind: list[tuple[str, int]] = field(default_factory=list)
    people: suppression.Count | None = None
    by_perspective: list[tuple[str, suppression.Count]] = field(default_factory=list)
    without_signing_in: suppression.Count | None = None
    hours: float = 0.0
    feedback_responses: suppression.Count | None = None
    overall_rating: list[tuple[str, suppression.Count]] = field(default_factory=list)
    overall_answered: suppression.Count | None = None
    actions_by_status: list[tuple[str, int]] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    threshold: int = suppression.DEFAULT_THRESHOLD
    people_paid: suppression.Count | None = None
    # Pence, shown only when enough people were paid that no one person's payment can be seen.
    fees_pence: int | None = None
    expenses_pence: int | None = None
    donated_pence: int | None = None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=zone
    )


def build_report(
    project: Project, start: date, end: date, *, threshold: int = suppression.DEFAULT_THRESHOLD
) -> ImpactReport:
    """Everything the impact report shows for events starting between ``start`` and ``end`` (inclusive)."""
    since, until = _bounds(start, end)
    report = ImpactReport(project=project, start=start, end=end, threshold=threshold)
    events = Event.objects.filter(project=project, starts_at__gte=since, starts_at__lt=until)

    kinds = dict(Event.Kind.choices)
    by_kind = dict(events.values_list("kind").annotate(n=DbCount("id")).order_by())
    report.events_held = sum(by_kind.values())
    report.events_by_kind = [(kinds[k], n) for k, n in sorted(by_kind.items(), key=lambda kv: -kv[1])]

    attended = Registration.objects.filter(
        event__in=events, checked_in_at__isnull=False, status=Registration.Status.REGISTERED
    )
    duration = ExpressionWrapper(F("event__ends_at") - F("event__starts_at"), output_field=DurationField())
    spent = attended.aggregate(total=Sum(duration))["total"] or timedelta()
    report.hours = round(spent.total_seconds() / 3600, 1)

    participants = Participant.objects.filter(session__event__in=events)
    people = set(attended.values_list("person_id", flat=True)) | set(
        participants.filter(person__isnull=False).values_list("person_id", flat=True)
    )
    report.without_signing_in = suppression.single(
        participants.filter(person__isnull=True).count(), threshold=threshold
    )

    declared: dict[int, set[str]] = {}
    for person_id, kind in Perspective.objects.filter(person_id__in=people).values_list(
        "person_id", "perspective"
    ):
        declared.setdefault(person_id, set()).add(kind)
    parts = {kind: 0 for kind in Perspective.Kind.values} | {SEVERAL: 0, NOT_SAID: 0}
    for person_id in people:
        kinds_of = declared.get(person_id, set())
        key = NOT_SAID if not kinds_of else (next(iter(kinds_of)) if len(kinds_of) == 1 else SEVERAL)
        parts[key] += 1
    shown, report.people = suppression.suppress_group(parts, len(people), threshold=threshold)
    labels = dict(Perspective.Kind.choices) | {
        SEVERAL: _("More than one perspective"),
        NOT_SAID: _("Did not say"),
    }
    report.by_perspective = [(labels[key], shown[key]) for key in parts]

    responses = FeedbackResponse.objects.filter(form__event__in=events)
    report.feedback_responses = suppression.single(responses.count(), threshold=threshold)
    ratings = dict(
        FeedbackAnswer.objects.filter(
            response__in=responses, question__library_key="overall", rating__isnull=False
        )
        .values_list("rating")
        .annotate(n=DbCount("id"))
        .order_by()
    )
    rating_parts = {r: ratings.get(r, 0) for r in range(1, 6)}
    shown_ratings, report.overall_answered = suppression.suppress_group(
        rating_parts, sum(rating_parts.values()), threshold=threshold
    )
    report.overall_rating = [(str(RATING_LABELS[r]), shown_ratings[r]) for r in range(1, 6)]

    paid = Claim.objects.filter(
        project=project, status=Claim.Status.PAID, paid_on__gte=start, paid_on__lte=end
    )
    money = paid.aggregate(
        people=DbCount("person", distinct=True),
        fees=Sum("fee_pence"),
        expenses=Sum("expenses_pence"),
        donated=Sum("donated_pence"),
    )
    report.people_paid = suppression.single(money["people"], threshold=threshold)
    if report.people_paid.is_shown:
        report.fees_pence = money["fees"] or 0
        report.expenses_pence = money["expenses"] or 0
        report.donated_pence = money["donated"] or 0

    statuses = dict(
        Action.objects.filter(project=project, created_at__lt=until)
        .values_list("status")
        .annotate(n=DbCount("id"))
        .order_by()
    )
    report.actions_by_status = [(label, statuses.get(value, 0)) for value, label in Action.Status.choices]

    quotes = (
        Quote.objects.filter(
            theme__project=project, signed_off_at__isnull=False, source__withdrawn_at__isnull=True
        )
        .filter(~Q(deidentified_text=""))
        .select_related("source", "source__narrator_person")
        .order_by("-signed_off_at")
    )
    for quote in quotes:
        if len(report.quotes) >= QUOTES_SHOWN:
            break
        if quote.source.allows_quotes_for("public"):
            report.quotes.append({"text": quote.deidentified_text, "by": quote.attribution()})
    return report


GRIPP2_FIELDS = ("aim", "methods", "results", "discussion", "reflections")


def draft_gripp2(report: ImpactReport) -> dict[str, str]:
    """A first draft of the GRIPP2 short form from the report's figures (small numbers stay hidden)."""
    project = report.project
    period = _("between %(start)s and %(end)s") % {
        "start": f"{report.start:%-d %B %Y}",
        "end": f"{report.end:%-d %B %Y}",
    }
    kinds = ", ".join(f"{n} {label.lower()}" for label, n in report.events_by_kind) or _("no events")
    statuses = ", ".join(f"{n} {label.lower()}" for label, n in report.actions_by_status if n) or _(
        "none yet"
    )
    done = dict(report.actions_by_status).get(str(Action.Status.DONE.label), 0)
    total_actions = sum(n for _label, n in report.actions_by_status)
    return {
        "aim": _(
            "To work with people with lived experience, carers and others as equal partners in "
            "%(title)s: %(purpose)s"
        )
        % {"title": project.title, "purpose": project.purpose},
        "methods": _(
            "%(period)s the project held %(events)s events (%(kinds)s), with %(hours)s hours of involvement. "
            "The project aims for the “%(rung)s” rung of the ladder of co-production. Feedback was asked for "
            "after activities, and what people said was linked to actions."
        )
        % {
            "period": period[0].upper() + period[1:],
            "events": report.events_held,
            "kinds": kinds,
            "hours": report.hours,
            "rung": project.get_ladder_rung_display(),
        },
        "results": _(
            "People taking part: %(people)s. Feedback forms answered: %(responses)s. "
            "Actions from what people said: %(statuses)s."
        )
        % {"people": report.people, "responses": report.feedback_responses, "statuses": statuses},
        "discussion": _(
            "Of %(total)s actions, %(done)s were done. "
            "Describe how involvement changed the project's decisions."
        )
        % {"total": total_actions, "done": done},
        "reflections": "",
    }


def gripp2_for(report: ImpactReport) -> tuple[dict[str, str], Gripp2Summary | None]:
    """The saved GRIPP2 text for this period, or the draft; and the saved row (None if never saved)."""
    saved = Gripp2Summary.objects.filter(project=report.project, start=report.start, end=report.end).first()
    if saved is None:
        return draft_gripp2(report), None
    return {name: getattr(saved, name) for name in GRIPP2_FIELDS}, saved
