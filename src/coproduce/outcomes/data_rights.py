"""What outcomes holds about a person, for their data download and for erasure (see ``people.data_rights``).

The download has the actions that came from their words (with what happened), the feedback they were
asked for, and their named feedback answers. Anonymous answers are not linked to anyone, so they are
neither downloadable nor erasable as theirs.

On erasure the person is no longer a contributor to any action (and is told nothing more), their
notices and feedback invitations go, and their named feedback responses are deleted with their answers
(free text may identify them). Actions stay: they belong to the project.
"""

from __future__ import annotations

from coproduce.people.data_rights import register

from .models import ActionContributor, FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Notice


def _when(moment):
    return moment.isoformat() if moment else None


def export_outcomes(person) -> dict:
    contributions = ActionContributor.objects.filter(person=person).select_related(
        "action", "action__project"
    )
    answers = (
        FeedbackAnswer.objects.filter(response__person=person)
        .select_related("question", "response__form")
        .order_by("response__submitted_at", "question__position")
    )
    return {
        "actions_from_what_you_said": [
            {
                "project": c.action.project.title,
                "action": c.action.title,
                "you_said": c.action.you_said,
                "status": c.action.get_status_display(),
                "progress_percent": c.action.progress,
            }
            for c in contributions
        ],
        "updates_you_were_told_of": Notice.objects.filter(person=person).count(),
        "feedback_invitations": [
            {"form": i.form.title, "invited_at": _when(i.invited_at), "answered_at": _when(i.responded_at)}
            for i in FeedbackInvitation.objects.filter(person=person).select_related("form")
        ],
        "feedback_answers": [
            {
                "form": a.response.form.title,
                "question": a.question.text,
                "answer": a.text or a.choice or a.rating,
                "given_at": _when(a.response.submitted_at),
            }
            for a in answers
        ],
    }


def erase_outcomes(person, *, acting_user) -> dict[str, int]:
    counts = {
        "contributions": ActionContributor.objects.filter(person=person).delete()[0],
        "notices": Notice.objects.filter(person=person).delete()[0],
        "feedback_invitations": FeedbackInvitation.objects.filter(person=person).delete()[0],
        "feedback_responses": FeedbackResponse.objects.filter(person=person).delete()[0],
    }
    return {name: n for name, n in counts.items() if n}


register("outcomes", export=export_outcomes, erase=erase_outcomes)
