"""Reads with permission applied. An action a person may not see does not exist for them (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from coproduce.events.access import event_or_404
from coproduce.events.models import Event
from coproduce.live.models import LiveSession
from coproduce.partnerships.access import members_of
from coproduce.partnerships.models import Membership, Project
from coproduce.people.models import Perspective

from . import origins, permissions, suppression
from .library import RATING_LABELS
from .models import (
    Action,
    ActionSource,
    ActionUpdate,
    Decision,
    FeedbackAnswer,
    FeedbackForm,
    FeedbackInvitation,
    FeedbackQuestion,
    Notice,
    PublicPage,
)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def _project_or_404(project_id) -> Project:
    try:
        return Project.objects.get(pk=_int(project_id))
    except Project.DoesNotExist:
        raise Http404("No such project.") from None


def access_project_actions_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_view_actions(user, project):
        raise Http404("No such project.")
    return project


def access_project_for_impact_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_view_impact_report(user, project):
        raise Http404("No such project.")
    return project


def access_project_for_new_action_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_manage_actions(user, project):
        raise Http404("No such project.")
    return project


def _action_or_404(action_id) -> Action:
    try:
        return Action.objects.select_related("project", "owner").get(pk=_int(action_id))
    except Action.DoesNotExist:
        raise Http404("No such action.") from None


def access_action_by_id(user, action_id) -> Action:
    action = _action_or_404(action_id)
    if not permissions.can_view_action(user, action):
        raise Http404("No such action.")
    return action


def access_managed_action_by_id(user, action_id) -> Action:
    action = _action_or_404(action_id)
    if not permissions.can_manage_action(user, action):
        raise Http404("No such action.")
    return action


def project_actions(project: Project) -> QuerySet[Action]:
    return (
        Action.objects.filter(project=project)
        .select_related("owner")
        .annotate(source_count=Count("sources", distinct=True))
        .order_by("status", "-updated_at", "-id")
    )


def status_counts(project: Project) -> list[dict]:
    counts = dict(
        Action.objects.filter(project=project).values_list("status").annotate(n=Count("id")).order_by()
    )
    return [{"status": label, "count": counts.get(value, 0)} for value, label in Action.Status.choices]


def timeline(action: Action) -> QuerySet[ActionUpdate]:
    return action.updates.select_related("created_by").order_by("-created_at", "-id")


def sources_of(action: Action) -> QuerySet[ActionSource]:
    return action.sources.all()


@dataclass(frozen=True)
class Reach:
    """How many people will be told when the action moves, and how many cannot be (no account)."""

    by_email: int
    home_page_only: int
    unreachable: int


def reach_of(action: Action) -> Reach:
    """Counts only: the coordinator sees how many will be told, never a list of contributors here."""
    people = action.contributors.filter(person__is_active=True)
    by_email = people.filter(person__contact_preference="email").count()
    unreachable = action.sources.aggregate(n=Sum("unreachable"))["n"] or 0
    return Reach(by_email=by_email, home_page_only=people.count() - by_email, unreachable=unreachable)


def owner_choices(project: Project) -> list[tuple[int, str]]:
    return [(m.person_id, m.person.badge_name) for m in members_of(project)]


def owner_by_id(project: Project, person_id) -> Membership | None:
    return members_of(project).filter(person_id=person_id).first()


def link_candidates(project: Project) -> dict[str, list[origins.Candidate]]:
    return origins.candidates(project)


def public_page_of(project: Project) -> PublicPage:
    """The project's page settings (an unsaved, unpublished one if never set)."""
    return PublicPage.objects.filter(project=project).first() or PublicPage(project=project)


def access_public_page_by_id(user, project_id) -> tuple[Project, PublicPage]:
    """The project and its public page if published (or the user may preview it); else "not found"."""
    project = _project_or_404(project_id)
    page = public_page_of(project)
    if not permissions.can_view_public_page(user, project, is_published=page.is_published):
        raise Http404("No such page.")
    return project, page


def public_actions(project: Project) -> list[Action]:
    """Actions the project chose to show publicly, each with ``public_quotes`` that consent allows now."""
    shown = list(
        Action.objects.filter(project=project, is_public=True).order_by("status", "-updated_at", "-id")
    )
    quotes = origins.public_quotes([a.pk for a in shown])
    for action in shown:
        action.public_quotes = quotes.get(action.pk, [])
    return shown


# ------------------------------------------------------------------ what happened to what you said


def my_actions(person) -> QuerySet[Action]:
    """Actions that came from this person's words, most recently moved first, each with its timeline."""
    return (
        Action.objects.filter(contributors__person=person)
        .select_related("project")
        .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.order_by("-created_at", "-id")))
        .order_by("-updated_at", "-id")
        .distinct()
    )


def unseen_notice_count(person) -> int:
    return Notice.objects.filter(person=person, seen_at__isnull=True).count()


# ------------------------------------------------------------------------------------------ feedback


def access_event_for_new_feedback_form(user, event_id) -> Event:
    event = event_or_404(_int(event_id))
    if not permissions.can_manage_feedback(user, event.project):
        raise Http404("No such event.")
    return event


def access_project_feedback_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_manage_feedback(user, project):
        raise Http404("No such project.")
    return project


def _form_or_404(form_id) -> FeedbackForm:
    try:
        return FeedbackForm.objects.select_related("project", "event", "live_session").get(pk=_int(form_id))
    except FeedbackForm.DoesNotExist:
        raise Http404("No such form.") from None


def access_managed_feedback_form_by_id(user, form_id) -> FeedbackForm:
    form = _form_or_404(form_id)
    if not permissions.can_manage_feedback(user, form.project):
        raise Http404("No such form.")
    return form


def access_feedback_form_for_response(user, form_id) -> FeedbackForm:
    form = _form_or_404(form_id)
    if not permissions.can_respond_to_feedback(user, form):
        raise Http404("No such form.")
    return form


def events_of(project: Project) -> QuerySet[Event]:
    return Event.objects.filter(project=project).order_by("-starts_at", "-pk")


def live_sessions_of(event: Event) -> list[LiveSession]:
    return list(LiveSession.objects.filter(event=event).order_by("pk"))


def project_feedback_forms(project: Project) -> QuerySet[FeedbackForm]:
    return (
        FeedbackForm.objects.filter(project=project)
        .select_related("event", "live_session")
        .annotate(
            response_count=Count("responses", distinct=True), invited=Count("invitations", distinct=True)
        )
    )


def questions_of(form: FeedbackForm) -> list[FeedbackQuestion]:
    return list(form.questions.order_by("position", "pk"))


def invitation_counts(form: FeedbackForm) -> dict[str, int]:
    invitations = form.invitations.all()
    return {
        "invited": invitations.count(),
        "responded": invitations.filter(responded_at__isnull=False).count(),
        "reminded": invitations.filter(reminded_at__isnull=False).count(),
    }


def has_responded(person, form: FeedbackForm) -> bool:
    return FeedbackInvitation.objects.filter(form=form, person=person, responded_at__isnull=False).exists()


def feedback_to_give(person) -> QuerySet[FeedbackInvitation]:
    return FeedbackInvitation.objects.filter(
        person=person, responded_at__isnull=True, form__is_open=True
    ).select_related("form", "form__event")


@dataclass
class QuestionResult:
    question: FeedbackQuestion
    answered: int
    rows: list[tuple[str, int]]  # (answer, how many) for ratings and choices
    texts: list[str]  # free-text answers, never with a name
    average: float | None = None


def feedback_results(form: FeedbackForm) -> list[QuestionResult]:
    """Counts per answer for each rating and choice question, and the free text, in three queries."""
    questions = questions_of(form)
    counts: dict[tuple[int, object], int] = {}
    for qid, rating, choice, n in (
        FeedbackAnswer.objects.filter(question__form=form, text="")
        .values_list("question_id", "rating", "choice")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(qid, rating if rating is not None else choice)] = n
    texts: dict[int, list[str]] = {}
    for qid, text in (
        FeedbackAnswer.objects.filter(question__form=form).exclude(text="").values_list("question_id", "text")
    ):
        texts.setdefault(qid, []).append(text)
    results = []
    for q in questions:
        if q.kind == FeedbackQuestion.Kind.RATING:
            rows = [(str(RATING_LABELS[r]), counts.get((q.pk, r), 0)) for r in range(1, 6)]
            total = sum(n for _label, n in rows)
            weighted = sum(r * counts.get((q.pk, r), 0) for r in range(1, 6))
            results.append(QuestionResult(q, total, rows, [], round(weighted / total, 1) if total else None))
        elif q.kind == FeedbackQuestion.Kind.CHOICE:
            rows = [(c, counts.get((q.pk, c), 0)) for c in q.choices]
            results.append(QuestionResult(q, sum(n for _label, n in rows), rows, []))
        else:
            said = texts.get(q.pk, [])
            results.append(QuestionResult(q, len(said), [], said))
    return results


# ------------------------------------------------------------------------------------ decision log


def access_project_decisions_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_view_decisions(user, project):
        raise Http404("No such project.")
    return project


def access_project_for_new_decision_by_id(user, project_id) -> Project:
    project = _project_or_404(project_id)
    if not permissions.can_record_decision(user, project):
        raise Http404("No such project.")
    return project


def decisions_of(project: Project) -> list[Decision]:
    """The log, newest first, each with ``perspectives`` (label, Count) and ``involved_count``; no names."""
    decisions = list(
        Decision.objects.filter(project=project).prefetch_related("actions", "involved__perspectives")
    )
    labels = dict(Perspective.Kind.choices)
    for decision in decisions:
        people = list(decision.involved.all())
        parts = {kind: 0 for kind in Perspective.Kind.values} | {"several": 0, "not_said": 0}
        for person in people:
            kinds = {p.perspective for p in person.perspectives.all()}
            key = "not_said" if not kinds else (next(iter(kinds)) if len(kinds) == 1 else "several")
            parts[key] += 1
        shown, decision.involved_count = suppression.suppress_group(parts, len(people))
        names = labels | {"several": _("More than one perspective"), "not_said": _("Did not say")}
        decision.perspectives = [(names[key], shown[key]) for key in parts]
    return decisions


def project_actions_for_linking(project: Project) -> list[Action]:
    return list(Action.objects.filter(project=project).order_by("-updated_at", "-id"))


def members_by_ids(project: Project, ids) -> list:
    return [m.person for m in members_of(project).filter(person_id__in=ids)]


def actions_by_ids(project: Project, ids) -> list[Action]:
    return list(Action.objects.filter(project=project, pk__in=ids))
