"""Action pages. Each view checks permission first (through access.py), then calls actions or reads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.errors import add_action_error

from . import access, actions, permissions
from .forms import ActionForm, DecisionForm, Gripp2Form, LinkForm, PeriodForm, PublicPageForm, UpdateForm
from .impact import build_report, gripp2_for


def _owner(project, person_id):
    membership = access.owner_by_id(project, person_id) if person_id else None
    return membership.person if membership else None


@require_GET
def project_actions(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_actions_by_id(request.user, project_id)
    can_manage = permissions.can_manage_actions(request.user, project)
    page = access.public_page_of(project)
    return render(
        request,
        "outcomes/project_actions.html",
        {
            "project": project,
            "actions": access.project_actions(project),
            "counts": access.status_counts(project),
            "can_manage": can_manage,
            "can_manage_feedback": permissions.can_manage_feedback(request.user, project),
            "can_see_impact": permissions.can_view_impact_report(request.user, project),
            "public_page": page,
            "publish_form": PublicPageForm(
                initial={"is_published": page.is_published, "introduction": page.introduction}
            )
            if can_manage
            else None,
        },
    )


@require_POST
def public_page_settings(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_for_new_action_by_id(request.user, project_id)
    form = PublicPageForm(request.POST)
    if form.is_valid():
        page = actions.do_set_public_page(project, acting_user=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("The “You said, we did” page is published.")
            if page.is_published
            else _("The page is not published."),
        )
    return redirect("outcomes:project_actions", project.pk)


@require_GET
def public_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """The public "You said, we did" page: actions marked public, quotes whose consent allows it."""
    project, page = access.access_public_page_by_id(request.user, project_id)
    return render(
        request,
        "outcomes/public_page.html",
        {"project": project, "page": page, "actions": access.public_actions(project)},
    )


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_for_new_action_by_id(request.user, project_id)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        owners=access.owner_choices(project),
        candidates=access.link_candidates(project),
        initial={"status": "proposed", "progress": 0},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = actions.do_create_action(
                project,
                acting_user=request.user,
                title=data["title"],
                you_said=data["you_said"],
                links=form.links(),
                owner=_owner(project, data["owner"]),
                status=data["status"],
                status_reason=data["status_reason"],
                progress=data["progress"],
                due_on=data["due_on"],
                is_public=data["is_public"],
            )
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Action created."))
            return redirect("outcomes:action_detail", action.pk)
    return render(request, "outcomes/action_form.html", {"project": project, "form": form})


@require_GET
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.access_action_by_id(request.user, action_id)
    can_manage = permissions.can_manage_action(request.user, action)
    return render(
        request,
        "outcomes/action_detail.html",
        {
            "action": action,
            "project": action.project,
            "sources": access.sources_of(action),
            "timeline": access.timeline(action),
            "can_manage": can_manage,
            "reach": access.reach_of(action) if can_manage else None,
        },
    )


@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.access_managed_action_by_id(request.user, action_id)
    form = UpdateForm(
        request.POST if request.method == "POST" else None,
        owners=access.owner_choices(action.project),
        initial={
            "status": action.status,
            "status_reason": action.status_reason,
            "progress": action.progress,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "is_public": action.is_public,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = actions.do_update_action(
                action,
                acting_user=request.user,
                status=data["status"],
                progress=data["progress"],
                note=data["note"],
                status_reason=data["status_reason"],
                due_on=data["due_on"],
                owner=_owner(action.project, data["owner"]),
                is_public=data["is_public"],
            )
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            told = update.notices.count()
            messages.success(
                request,
                _("Update saved. %(count)s people whose words this came from have been told.")
                % {"count": told}
                if told
                else _("Update saved."),
            )
            return redirect("outcomes:action_detail", action.pk)
    return render(
        request,
        "outcomes/action_update.html",
        {"action": action, "project": action.project, "form": form, "reach": access.reach_of(action)},
    )


@require_http_methods(["GET", "POST"])
def action_link(request: HttpRequest, action_id: int) -> HttpResponse:
    action = access.access_managed_action_by_id(request.user, action_id)
    form = LinkForm(
        request.POST if request.method == "POST" else None, candidates=access.link_candidates(action.project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_link_sources(action, links=form.links(), acting_user=request.user)
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Linked."))
            return redirect("outcomes:action_detail", action.pk)
    return render(
        request, "outcomes/action_link.html", {"action": action, "project": action.project, "form": form}
    )


@require_POST
def action_unlink(request: HttpRequest, action_id: int, source_id: int) -> HttpResponse:
    action = access.access_managed_action_by_id(request.user, action_id)
    try:
        actions.do_unlink_source(action, source_id=source_id, acting_user=request.user)
    except actions.OutcomesError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Unlinked."))
    return redirect("outcomes:action_detail", action.pk)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """What happened to what you said: every action that came from this person's words."""
    return render(
        request,
        "outcomes/mine.html",
        {"actions": access.my_actions(request.user), "unseen": access.unseen_notice_count(request.user)},
    )


@login_required
@require_POST
def mine_seen(request: HttpRequest) -> HttpResponse:
    actions.do_mark_outcomes_seen(request.user, acting_user=request.user)
    return redirect("outcomes:mine")


@require_GET
def impact_report(request: HttpRequest, project_id: int) -> HttpResponse:
    """The impact report for a period (the last twelve months unless chosen)."""
    project = access.access_project_for_impact_by_id(request.user, project_id)
    today = timezone.localdate()
    default = {"start": today.replace(year=today.year - 1), "end": today}
    form = PeriodForm(
        request.GET if "start" in request.GET or "end" in request.GET else None, initial=default
    )
    period = default
    if form.is_bound:
        period = form.cleaned_data if form.is_valid() else None
    report = build_report(project, period["start"], period["end"]) if period else None
    gripp2 = None
    if report:
        texts, saved = gripp2_for(report)
        gripp2 = {
            "form": Gripp2Form(initial={"start": report.start, "end": report.end, **texts}),
            "saved": saved,
        }
    return render(
        request,
        "outcomes/impact_report.html",
        {"project": project, "form": form, "report": report, "gripp2": gripp2},
    )


@require_POST
def gripp2_save(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_for_impact_by_id(request.user, project_id)
    form = Gripp2Form(request.POST)
    if not form.is_valid():
        messages.error(request, _("The GRIPP2 text could not be saved: choose the period again."))
        return redirect("outcomes:impact_report", project.pk)
    data = form.cleaned_data
    try:
        actions.do_save_gripp2(
            project, start=data["start"], end=data["end"], texts=data, acting_user=request.user
        )
    except actions.OutcomesError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("GRIPP2 text saved."))
    query = f"?start={data['start']:%Y-%m-%d}&end={data['end']:%Y-%m-%d}"
    return redirect(reverse("outcomes:impact_report", args=[project.pk]) + query + "#gripp2")


@require_GET
def decisions(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_decisions_by_id(request.user, project_id)
    return render(
        request,
        "outcomes/decisions.html",
        {
            "project": project,
            "decisions": access.decisions_of(project),
            "can_record": permissions.can_record_decision(request.user, project),
        },
    )


@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_project_for_new_decision_by_id(request.user, project_id)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        members=access.owner_choices(project),
        actions=access.project_actions_for_linking(project),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_decision(
                project,
                acting_user=request.user,
                proposal=data["proposal"],
                outcome=data["outcome"],
                decided_on=data["decided_on"],
                involved=access.members_by_ids(project, data["involved"]),
                linked_actions=access.actions_by_ids(project, data["linked_actions"]),
            )
        except actions.OutcomesError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("outcomes:decisions", project.pk)
    return render(request, "outcomes/decision_form.html", {"project": project, "form": form})
