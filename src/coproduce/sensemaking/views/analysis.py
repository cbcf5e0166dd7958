"""Agreement between coders, and assisted coding / theme discovery."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..access import (
    access_code_by_id,
    access_project_for_agreement,
    access_project_for_assistance,
    access_readable_source_by_id,
    access_suggestion_for_decision,
    access_theme_candidate_for_decision,
    analysable_codings,
    codes_by_id,
    codings_between,
    may_read_span,
    open_theme_candidates,
    passages,
    pending_suggestions,
    project_coders,
    segments_by_id,
    sources_visible_to,
)
from ..actions import assist
from ..comparison import compare, differences
from ..errors import SensemakingError
from ..forms import AdoptCandidateForm, AgreementForm, MemoForm
from .common import redactor_for, render_project


def _coder_choices(project):
    people = project_coders(project)
    return [(str(p.pk), p.badge_name) for p in people], {str(p.pk): p for p in people}


def _chosen_coders(request, project):
    choices, people = _coder_choices(project)
    data = request.GET if "coders" in request.GET else None
    form = AgreementForm(data, coder_choices=choices, initial={"coders": [c for c, _ in choices]})
    if data is None:
        coders = [people[c] for c, _ in choices]
    elif form.is_valid():
        coders = [people[c] for c in form.cleaned_data["coders"]]
    else:
        coders = []
    return form, coders


@login_required
def agreement(request, project_id):
    project = access_project_for_agreement(request.user, project_id)
    form, coders = _chosen_coders(request, project)
    report = None
    if len(coders) >= 2:
        visible = sources_visible_to(request.user, project).filter(
            withdrawn_at__isnull=True, erased_at__isnull=True
        )
        sources = list(visible.order_by("added_at", "id"))
        codes = codes_by_id(project)
        codings = (
            analysable_codings(project)
            .filter(source__in=sources, coder__in=coders)
            .values_list("source_id", "code_id", "coder_id", "start", "end")
        )
        report = compare(sources, codes, coders, codings)
    by_source = [(s, report.by_source[s.pk]) for s in report.sources] if report else []
    coders_query = urlencode([("coders", c.pk) for c in coders])
    return render_project(
        request,
        "sensemaking/agreement.html",
        project,
        {
            "form": form,
            "coders": coders,
            "report": report,
            "by_source": by_source,
            "coders_query": coders_query,
        },
        status=400 if form.errors else 200,
    )


@login_required
def differences_view(request, project_id, source_id, code_id):
    """Side by side: where the chosen coders read this source differently for this code."""
    project = access_project_for_agreement(request.user, project_id)
    source = access_readable_source_by_id(request.user, project.pk, source_id)
    code = access_code_by_id(request.user, project.pk, code_id)
    form, coders = _chosen_coders(request, project)
    diffs = []
    if len(coders) >= 2:
        diffs = differences(source, code, coders, codings_between(source, code, coders))
    # Only words this person may read (a speaker who withdrew, or did not agree to the team reading
    # their words, is left out), with names as they may see them.
    diffs = [d for d in diffs if may_read_span(request.user, source, d.start, d.end)]
    redactor = redactor_for(request)
    segments = list(passages(source))
    for number, diff in enumerate(diffs):
        diff.text = redactor.span(source, diff.start, diff.end).strip()
        diff.segment = next((s for s in segments if s.start <= diff.start < max(s.end, s.start + 1)), None)
        diff.memo_form = MemoForm(auto_id=f"d{number}_%s")
    return render_project(
        request,
        "sensemaking/differences.html",
        project,
        {
            "source": source,
            "code": code,
            "coders": coders,
            "differences": diffs,
            "form": form,
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def assisted(request, project_id):
    project = access_project_for_assistance(request.user, project_id)
    visible = sources_visible_to(request.user, project).filter(withdrawn_at__isnull=True)
    suggestions = pending_suggestions(request.user, project, visible)
    page = Paginator(suggestions, 30).get_page(request.GET.get("page"))
    candidates = open_theme_candidates(request.user, project)
    segments = segments_by_id(request.user, [i for c in candidates for i in c.segment_ids[:3]], visible)
    for candidate in candidates:
        candidate.quotes = [segments[i] for i in candidate.segment_ids[:3] if i in segments]
        candidate.form = AdoptCandidateForm(
            auto_id=f"c{candidate.pk}_%s", initial={"name": candidate.label[:120]}
        )
    return render_project(
        request,
        "sensemaking/assisted.html",
        project,
        {
            "page": page,
            "candidates": candidates,
            "min_coded": assist.MIN_CODED_PASSAGES,
            "min_discovery": assist.MIN_PASSAGES_FOR_DISCOVERY,
        },
    )


@login_required
@require_POST
def generate_suggestions(request, project_id):
    project = access_project_for_assistance(request.user, project_id)
    try:
        count = assist.do_generate_suggestions(project, acting_user=request.user)
    except SensemakingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{count} suggestion(s) are waiting for you to accept or reject them.")
    return redirect("sensemaking:assisted", project_id=project.pk)


@login_required
@require_POST
def decide_suggestion(request, project_id, suggestion_id):
    suggestion = access_suggestion_for_decision(request.user, project_id, suggestion_id)
    project = suggestion.project
    try:
        if request.POST.get("decision") == "accept":
            assist.do_accept_suggestion(suggestion, acting_user=request.user)
            messages.success(
                request, f"Accepted: the passage is coded “{suggestion.code.name}” as your coding."
            )
        elif request.POST.get("decision") == "reject":
            assist.do_reject_suggestion(suggestion, acting_user=request.user)
            messages.success(request, "Rejected: it will not be suggested again.")
        else:
            messages.error(request, "Choose accept or reject.")
    except SensemakingError as error:
        messages.error(request, error.message)
    page = request.POST.get("page", "1")
    url = reverse("sensemaking:assisted", kwargs={"project_id": project.pk})
    return redirect(f"{url}?page={int(page) if page.isdigit() else 1}")


@login_required
@require_POST
def discover(request, project_id):
    project = access_project_for_assistance(request.user, project_id)
    try:
        candidates = assist.do_discover_themes(project, acting_user=request.user)
    except SensemakingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{len(candidates)} candidate theme(s) found. Read them and decide together."
        )
    return redirect("sensemaking:assisted", project_id=project.pk)


@login_required
@require_POST
def decide_candidate(request, project_id, candidate_id):
    candidate = access_theme_candidate_for_decision(request.user, project_id, candidate_id)
    project = candidate.project
    if request.POST.get("decision") == "dismiss":
        assist.do_dismiss_candidate(candidate, acting_user=request.user)
        messages.success(request, "Set aside.")
        return redirect("sensemaking:assisted", project_id=project.pk)
    form = AdoptCandidateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the new code a name.")
        return redirect("sensemaking:assisted", project_id=project.pk)
    try:
        code = assist.do_adopt_candidate(candidate, name=form.cleaned_data["name"], acting_user=request.user)
    except SensemakingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"“{code.name}” is now in the codebook; its example passages are waiting below as suggestions.",
        )
    return redirect("sensemaking:assisted", project_id=project.pk)
