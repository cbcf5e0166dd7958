"""Feedback form pages. Each view checks permission first (through access.py), then calls actions or reads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.errors import add_action_error

from . import access, actions, library, pictures
from .forms import NewFeedbackForm, QuestionForm, ResponseForm

EASY_READ_SESSION = "outcomes_easy_read_{}"


@require_GET
def project_feedback(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_feedback_by_id(request.user, project_id)
    return render(
        request,
        "outcomes/project_feedback.html",
        {
            "project": project,
            "forms": access.project_feedback_forms(project),
            "events": access.events_of(project),
        },
    )


@require_http_methods(["GET", "POST"])
def feedback_form_create(request: HttpRequest, event_id: int) -> HttpResponse:
    event = access.access_event_for_new_feedback_form(request.user, event_id)
    sessions = access.live_sessions_of(event)
    form = NewFeedbackForm(
        request.POST if request.method == "POST" else None,
        sessions=sessions,
        initial={"title": _("How was %(event)s?") % {"event": event.title}},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = next((s for s in sessions if s.pk == data["live_session"]), None)
        try:
            feedback = actions.do_create_feedback_form(
                event,
                acting_user=request.user,
                title=data["title"],
                live_session=session,
                introduction=data["introduction"],
                library_keys=data["library_keys"],
                is_anonymous=data["is_anonymous"],
            )
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Feedback form created."))
            return redirect("outcomes:feedback_manage", feedback.pk)
    return render(
        request, "outcomes/feedback_new.html", {"event": event, "project": event.project, "form": form}
    )


def _manage_context(feedback, question_form=None) -> dict:
    return {
        "feedback": feedback,
        "project": feedback.project,
        "questions": access.questions_of(feedback),
        "counts": access.invitation_counts(feedback),
        "question_form": question_form or QuestionForm(),
    }


@require_GET
def feedback_manage(request: HttpRequest, form_id: int) -> HttpResponse:
    feedback = access.access_managed_feedback_form_by_id(request.user, form_id)
    return render(request, "outcomes/feedback_manage.html", _manage_context(feedback))


@require_POST
def feedback_add_question(request: HttpRequest, form_id: int) -> HttpResponse:
    feedback = access.access_managed_feedback_form_by_id(request.user, form_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_feedback_question(
                feedback,
                kind=data["kind"],
                text=data["text"],
                choices=data["choices"].splitlines(),
                acting_user=request.user,
            )
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Question added."))
            return redirect("outcomes:feedback_manage", feedback.pk)
    return render(request, "outcomes/feedback_manage.html", _manage_context(feedback, form))


@require_POST
def feedback_set_open(request: HttpRequest, form_id: int) -> HttpResponse:
    feedback = access.access_managed_feedback_form_by_id(request.user, form_id)
    is_open = request.POST.get("is_open") == "yes"
    actions.do_set_feedback_form_open(feedback, is_open=is_open, acting_user=request.user)
    messages.success(request, _("The form is open.") if is_open else _("The form is closed."))
    return redirect("outcomes:feedback_manage", feedback.pk)


@login_required
@require_http_methods(["GET", "POST"])
def feedback_respond(request: HttpRequest, form_id: int) -> HttpResponse:
    feedback = access.access_feedback_form_for_response(request.user, form_id)
    if access.has_responded(request.user, feedback):
        return render(request, "outcomes/feedback_thanks.html", {"feedback": feedback, "already": True})
    questions = access.questions_of(feedback)
    form = ResponseForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_submit_feedback(
                feedback, request.user, answers=form.answers(), acting_user=request.user
            )
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            return render(request, "outcomes/feedback_thanks.html", {"feedback": feedback, "already": False})
    return render(request, "outcomes/feedback_respond.html", {"feedback": feedback, "form": form})


@require_GET
def feedback_results(request: HttpRequest, form_id: int) -> HttpResponse:
    feedback = access.access_managed_feedback_form_by_id(request.user, form_id)
    return render(
        request,
        "outcomes/feedback_results.html",
        {
            "feedback": feedback,
            "project": feedback.project,
            "results": access.feedback_results(feedback),
            "counts": access.invitation_counts(feedback),
        },
    )


def _step(raw, last: int) -> int:
    try:
        return min(max(int(raw), 1), last)
    except (TypeError, ValueError):
        return 1


@login_required
@require_http_methods(["GET", "POST"])
def feedback_easy_read(request: HttpRequest, form_id: int) -> HttpResponse:
    """The Easy Read form: one question per screen, large type, a picture beside each answer. Answers
    are kept in the session from screen to screen (no JavaScript) and sent together at the end."""
    feedback = access.access_feedback_form_for_response(request.user, form_id)
    if access.has_responded(request.user, feedback):
        return render(request, "outcomes/easy_read_thanks.html", {"feedback": feedback, "already": True})
    questions = access.questions_of(feedback)
    if not questions:
        return render(request, "outcomes/easy_read_thanks.html", {"feedback": feedback, "empty": True})
    step = _step(request.POST.get("step") or request.GET.get("step"), len(questions))
    question = questions[step - 1]
    session_key = EASY_READ_SESSION.format(feedback.pk)
    saved = request.session.get(session_key, {})
    current = saved.get(str(question.pk), "")
    form = ResponseForm(
        request.POST if request.method == "POST" else None,
        questions=[question],
        initial={f"q{question.pk}": current},
    )
    if request.method == "POST" and form.is_valid():
        saved[str(question.pk)] = form.answers()[question.pk]
        request.session[session_key] = saved
        if step < len(questions):
            return redirect(f"{reverse('outcomes:feedback_easy_read', args=[feedback.pk])}?step={step + 1}")
        try:
            actions.do_submit_feedback(
                feedback,
                request.user,
                answers={int(k): v for k, v in saved.items()},
                acting_user=request.user,
            )
        except actions.OutcomesError as error:
            form.add_error(None, error.message)
        else:
            request.session.pop(session_key, None)
            return render(request, "outcomes/easy_read_thanks.html", {"feedback": feedback, "already": False})
    if request.method == "POST":
        current = request.POST.get(f"q{question.pk}", "")
    return render(
        request,
        "outcomes/easy_read.html",
        {
            "feedback": feedback,
            "form": form,
            "question": question,
            "question_text": library.easy_text(question.library_key, question.text),
            "field_name": f"q{question.pk}",
            "options": pictures.easy_read_options(question, current) if question.kind != "text" else [],
            "current": current,
            "write_picture": pictures.PICTURES["write"],
            "step": step,
            "steps": len(questions),
            "is_last": step == len(questions),
            "errors": form.errors.get(f"q{question.pk}", []) + form.non_field_errors(),
        },
    )
