"""What an action can come from, read from the upstream apps: statements and take-home messages of the
project's live sessions, sense-making themes and quotes, and feedback answers.

Each origin is resolved to the words (kept on the link as they were), where they were said, and the
people whose words they are: only people known by an account can be told later. Someone who took part
in a live session without signing in is counted as ``unreachable``; a withdrawn source's narrator is
neither named nor counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from coproduce.deliberation.models import Statement, TakeHomeMessage
from coproduce.partnerships.models import Project
from coproduce.sensemaking.models import Quote, Theme

from .models import ActionSource, FeedbackAnswer

Kind = ActionSource.Kind
CANDIDATES_PER_KIND = 200


@dataclass
class Origin:
    kind: str
    object_id: int
    excerpt: str
    where: str
    person_ids: set[int] = field(default_factory=set)
    unreachable: int = 0


@dataclass(frozen=True)
class Candidate:
    kind: str
    object_id: int
    text: str
    where: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.object_id}"


def _statements(project: Project):
    return Statement.objects.filter(
        session__event__project=project, status=Statement.Status.ACCEPTED
    ).select_related("session", "author")


def _take_homes(project: Project):
    return TakeHomeMessage.objects.filter(session__event__project=project, is_hidden=False).select_related(
        "session", "participant"
    )


def _themes(project: Project):
    return Theme.objects.filter(project=project)


def _quotes(project: Project):
    return Quote.objects.filter(theme__project=project, source__withdrawn_at__isnull=True).select_related(
        "theme", "source"
    )


def _feedback_answers(project: Project):
    """Free-text feedback answers of the project's forms (choices and ratings are counts, not words)."""
    return (
        FeedbackAnswer.objects.filter(response__form__project=project)
        .exclude(text="")
        .select_related("response", "response__form")
    )


def candidates(project: Project) -> dict[str, list[Candidate]]:
    """What a coordinator may link an action to in this project, by kind (newest first, capped)."""
    out: dict[str, list[Candidate]] = {}
    out[Kind.STATEMENT] = [
        Candidate(Kind.STATEMENT, s.pk, s.text, s.session.title)
        for s in _statements(project).order_by("-created_at")[:CANDIDATES_PER_KIND]
    ]
    out[Kind.TAKE_HOME] = [
        Candidate(Kind.TAKE_HOME, m.pk, m.text, m.session.title)
        for m in _take_homes(project).order_by("-created_at")[:CANDIDATES_PER_KIND]
    ]
    out[Kind.THEME] = [
        Candidate(Kind.THEME, t.pk, t.name, _("Sense-making")) for t in _themes(project)[:CANDIDATES_PER_KIND]
    ]
    out[Kind.QUOTE] = [
        Candidate(Kind.QUOTE, q.pk, q.deidentified_text or q.original_text, q.theme.name)
        for q in _quotes(project).order_by("-added_at")[:CANDIDATES_PER_KIND]
    ]
    out[Kind.FEEDBACK_ANSWER] = [
        Candidate(Kind.FEEDBACK_ANSWER, a.pk, a.text, a.response.form.title)
        for a in _feedback_answers(project).order_by("-response__submitted_at")[:CANDIDATES_PER_KIND]
    ]
    return out


def _person_of(participant) -> tuple[set[int], int]:
    if participant is None:
        return set(), 0
    if participant.person_id:
        return {participant.person_id}, 0
    return set(), 1


def resolve(project: Project, kind: str, object_id: int) -> Origin | None:
    """The origin if it belongs to this project (and may be linked), else None."""
    if kind == Kind.STATEMENT:
        statement = _statements(project).filter(pk=object_id).first()
        if statement is None:
            return None
        people, unreachable = set(), 0
        # Statements merged into this one were said by their authors too.
        said = [statement, *statement.duplicates.select_related("author")]
        for each in said:
            if not each.is_seed:
                ids, lost = _person_of(each.author)
                people |= ids
                unreachable += lost
        return Origin(kind, statement.pk, statement.text, statement.session.title, people, unreachable)
    if kind == Kind.TAKE_HOME:
        message = _take_homes(project).filter(pk=object_id).first()
        if message is None:
            return None
        people, unreachable = _person_of(message.participant)
        return Origin(kind, message.pk, message.text, message.session.title, people, unreachable)
    if kind == Kind.THEME:
        theme = _themes(project).filter(pk=object_id).first()
        if theme is None:
            return None
        narrators = set(
            _quotes(project)
            .filter(theme=theme, source__narrator_person__isnull=False)
            .values_list("source__narrator_person", flat=True)
        )
        return Origin(kind, theme.pk, theme.name, _("Sense-making theme"), narrators, 0)
    if kind == Kind.QUOTE:
        quote = _quotes(project).filter(pk=object_id).first()
        if quote is None:
            return None
        people = {quote.source.narrator_person_id} if quote.source.narrator_person_id else set()
        text = quote.deidentified_text or quote.original_text
        return Origin(kind, quote.pk, text, quote.theme.name, people, 0)
    if kind == Kind.FEEDBACK_ANSWER:
        answer = _feedback_answers(project).filter(pk=object_id).first()
        if answer is None:
            return None
        # An anonymous form kept no person: that answer's author cannot be told (and is not counted,
        # since they chose anonymity rather than being unknown).
        people = {answer.response.person_id} if answer.response.person_id else set()
        return Origin(kind, answer.pk, answer.text, answer.response.form.title, people, 0)
    return None


def public_quotes(action_ids: list[int]) -> dict[int, list[dict]]:
    """Quotes linked to these actions that may be shown to the public now, by action id.

    Only signed-off quotes whose source still consents to public reports (and is not withdrawn), in
    their signed-off wording and attributed as the speaker chose.
    """
    links = ActionSource.objects.filter(action_id__in=action_ids, kind=Kind.QUOTE).values_list(
        "action_id", "object_id"
    )
    by_quote: dict[int, list[int]] = {}
    for action_id, quote_id in links:
        by_quote.setdefault(quote_id, []).append(action_id)
    out: dict[int, list[dict]] = {}
    quotes = Quote.objects.filter(pk__in=by_quote, signed_off_at__isnull=False).select_related(
        "source", "source__narrator_person"
    )
    for quote in quotes.filter(~Q(deidentified_text="")):
        if not quote.source.allows_quotes_for("public"):
            continue
        for action_id in by_quote[quote.pk]:
            out.setdefault(action_id, []).append({"text": quote.deidentified_text, "by": quote.attribution()})
    return out
