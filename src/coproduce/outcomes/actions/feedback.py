"""Feedback forms: made for an event, people invited after attending, answered once, reminded once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.audit import record
from coproduce.events.models import Event, Registration
from coproduce.live.models import LiveSession, Participant
from coproduce.people.models import Person
from coproduce.sensemaking.actions.sources import ConsentDetails, do_add_response_source
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.models import Audience, ConsentUse, Source

from .. import emails, library
from ..errors import OutcomesError
from ..models import (
    FeedbackAnswer,
    FeedbackForm,
    FeedbackInvitation,
    FeedbackQuestion,
    FeedbackResponse,
)

# ------------------------------------------------------------------------------------------ feedback

REMIND_AFTER = timedelta(days=3)
MAX_CHOICES = 10


def _invite(form: FeedbackForm, person: Person) -> FeedbackInvitation | None:
    """Invite once; the e-mail (for those who chose e-mail) goes after commit. None if already invited."""
    invitation, created = FeedbackInvitation.objects.get_or_create(form=form, person=person)
    if not created:
        return None
    if person.wants_email:
        transaction.on_commit(lambda: emails.send_feedback_invitation(invitation.pk))
    return invitation


def do_create_feedback_form(
    event: Event,
    *,
    title: str,
    acting_user,
    live_session: LiveSession | None = None,
    introduction: str = "",
    library_keys: list[str] | tuple[str, ...] = library.DEFAULT_KEYS,
    is_anonymous: bool = False,
) -> FeedbackForm:
    """A feedback form for an event (or one of its live sessions), with ready-made questions.

    Everyone already checked in at the event is invited at once; people checked in later are invited
    when their attendance is recorded (see subscribers.invite_after_attendance). For a live session,
    its signed-in participants are invited at once if it has finished, else when it finishes
    (subscribers.invite_after_session).
    """
    if not title.strip():
        raise OutcomesError(_("Give the form a title."), field="title")
    if live_session is not None and live_session.event_id != event.pk:
        raise OutcomesError(_("Choose a live session of this event."), field="live_session")
    unknown = [key for key in library_keys if key not in library.BY_KEY]
    if unknown:
        raise OutcomesError(_("Choose questions from the list."), field="library_keys")
    with transaction.atomic():
        form = FeedbackForm.objects.create(
            project_id=event.project_id,
            event=event,
            live_session=live_session,
            title=title.strip(),
            introduction=introduction.strip(),
            is_anonymous=is_anonymous,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        FeedbackQuestion.objects.bulk_create(
            [
                FeedbackQuestion(
                    form=form,
                    position=i,
                    kind=library.BY_KEY[key].kind,
                    text=str(library.BY_KEY[key].text),
                    choices=[str(c) for c in library.BY_KEY[key].choices],
                    library_key=key,
                )
                for i, key in enumerate(library_keys)
            ]
        )
        attended = Registration.objects.filter(
            event=event, checked_in_at__isnull=False, status=Registration.Status.REGISTERED
        ).select_related("person")
        invited = [r.person for r in attended if _invite(form, r.person)]
        if live_session is not None and live_session.status == LiveSession.Status.FINISHED:
            took_part = Participant.objects.filter(session=live_session, person__isnull=False).select_related(
                "person"
            )
            invited += [p.person for p in took_part if _invite(form, p.person)]
        record("outcomes.create_feedback_form", form, acting_user=acting_user, invited=len(invited))
    return form


def do_add_feedback_question(
    form: FeedbackForm, *, kind: str, text: str, choices: list[str] = (), acting_user
) -> FeedbackQuestion:
    """A question of the coordinator's own. A choice question needs two to ten choices."""
    text = " ".join(text.split())
    if not text:
        raise OutcomesError(_("Write the question."), field="text")
    if kind not in FeedbackQuestion.Kind.values:
        raise OutcomesError(_("Choose the kind of question."), field="kind")
    choices = [c.strip() for c in choices if c.strip()] if kind == FeedbackQuestion.Kind.CHOICE else []
    if kind == FeedbackQuestion.Kind.CHOICE and not 2 <= len(choices) <= MAX_CHOICES:
        raise OutcomesError(_("Give between 2 and 10 choices, one on each line."), field="choices")
    if form.responses.exists():
        raise OutcomesError(_("People have already answered this form: its questions can no longer change."))
    with transaction.atomic():
        last = form.questions.order_by("-position").first()
        question = FeedbackQuestion.objects.create(
            form=form, kind=kind, text=text, choices=choices, position=(last.position + 1) if last else 0
        )
        record("outcomes.add_feedback_question", form, acting_user=acting_user, question=question.pk)
    return question


def do_set_feedback_form_open(form: FeedbackForm, *, is_open: bool, acting_user) -> FeedbackForm:
    with transaction.atomic():
        form.is_open = is_open
        form.save(update_fields=["is_open"])
        record("outcomes.set_feedback_form_open", form, acting_user=acting_user, is_open=is_open)
    return form


def do_invite_to_feedback(form: FeedbackForm, person: Person, *, acting_user) -> FeedbackInvitation | None:
    """Invite one person (e.g. after their attendance is recorded). None if already invited or closed."""
    if not form.is_open:
        return None
    with transaction.atomic():
        invitation = _invite(form, person)
        if invitation is not None:
            record("outcomes.invite_to_feedback", form, acting_user=acting_user, person=person.pk)
    return invitation


def _parse_answer(question: FeedbackQuestion, raw: str) -> dict | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if question.kind == FeedbackQuestion.Kind.RATING:
        if raw not in {"1", "2", "3", "4", "5"}:
            raise OutcomesError(_("Choose a number from 1 to 5."), field=f"q{question.pk}")
        return {"rating": int(raw)}
    if question.kind == FeedbackQuestion.Kind.CHOICE:
        if raw not in question.choices:
            raise OutcomesError(_("Choose one of the answers."), field=f"q{question.pk}")
        return {"choice": raw}
    return {"text": raw[:5000]}


def do_submit_feedback(
    form: FeedbackForm, person: Person, *, answers: dict[int, str], acting_user, may_analyse: bool = False
) -> FeedbackResponse:
    """Keep one person's answers (``answers``: question id → the value given). Once per person.

    ``may_analyse`` is their answer to "May the team analyse your words?" (default no): only then can
    their written answers be sent into sense-making (do_send_feedback_to_sensemaking).

    On an anonymous form the response is kept without the person: only their invitation records that
    they answered, so they are not reminded or asked again.
    """
    if not form.is_open:
        raise OutcomesError(_("This feedback form is closed."))
    questions = list(form.questions.all())
    parsed = {q.pk: _parse_answer(q, answers.get(q.pk, "")) for q in questions}
    if not any(parsed.values()):
        raise OutcomesError(_("Answer at least one question."))
    with transaction.atomic():
        invitation, _created = FeedbackInvitation.objects.select_for_update().get_or_create(
            form=form, person=person
        )
        if invitation.responded_at is not None:
            raise OutcomesError(_("You have already given feedback on this. Thank you."))
        now = timezone.now()
        response = FeedbackResponse.objects.create(
            form=form,
            person=None if form.is_anonymous else person,
            submitted_at=now,
            may_analyse=bool(may_analyse),
        )
        FeedbackAnswer.objects.bulk_create(
            [
                FeedbackAnswer(response=response, question_id=qid, **value)
                for qid, value in parsed.items()
                if value
            ]
        )
        invitation.responded_at = now
        invitation.save(update_fields=["responded_at"])
        record(
            "outcomes.submit_feedback",
            form,
            acting_user=acting_user,
            anonymous=form.is_anonymous,
            may_analyse=bool(may_analyse),
        )
    return response


def do_send_feedback_to_sensemaking(form: FeedbackForm, *, acting_user) -> Source:
    """Send the form's written answers into sense-making as one source of free-text responses, to be
    coded and themed there. Only answers whose respondent agreed ("May the team analyse your words?")
    go, each response once (a later send takes only responses not sent before). Respondents are never
    named: each answer is a passage carrying only the question it answers. The source's consent is
    what they agreed to: analysis by the project team, no quotes.

    Raises OutcomesError when no consented written answer is waiting to be sent.
    """
    with transaction.atomic():
        responses = list(
            FeedbackResponse.objects.select_for_update()
            .filter(form=form, may_analyse=True, sent_for_analysis_at__isnull=True)
            .order_by("pk")
        )
        answers = list(
            FeedbackAnswer.objects.filter(
                response__in=[r.pk for r in responses], question__kind=FeedbackQuestion.Kind.TEXT
            )
            .exclude(text="")
            .select_related("question")
            .order_by("response_id", "question__position")
        )
        if not answers:
            raise OutcomesError(
                _("No written answers can be sent: nobody who agreed to it has written an answer yet.")
            )
        try:
            source = do_add_response_source(
                form.project,
                [(a.text, {str(_("Question")): a.question.text}) for a in answers],
                title=_("Feedback: %(title)s") % {"title": form.title},
                consent=ConsentDetails(use=ConsentUse.ANALYSIS_ONLY, audiences=(Audience.TEAM,)),
                acting_user=acting_user,
            )
        except SensemakingError as error:
            raise OutcomesError(error.message) from None
        sent = {a.response_id for a in answers}
        FeedbackResponse.objects.filter(pk__in=sent).update(sent_for_analysis_at=timezone.now())
        record(
            "outcomes.send_feedback_to_sensemaking",
            form,
            acting_user=acting_user,
            source=source.pk,
            answers=len(answers),
        )
    return source


def do_send_feedback_reminders(*, now: datetime | None = None) -> int:
    """One reminder, at most, to each person invited a while ago who has not answered an open form."""
    now = now or timezone.now()
    due = FeedbackInvitation.objects.filter(
        form__is_open=True,
        responded_at__isnull=True,
        reminded_at__isnull=True,
        invited_at__lte=now - REMIND_AFTER,
    ).select_related("person")
    reminded = []
    with transaction.atomic():
        for invitation in due.select_for_update(of=("self",)):
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at"])
            if invitation.person.wants_email:
                reminded.append(invitation.pk)
    for pk in reminded:
        transaction.on_commit(lambda pk=pk: emails.send_feedback_invitation(pk, reminder=True))
    return len(reminded)
