"""Coding a source (mouse, keyboard or no JavaScript), memos, and the codebook with its history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coproduce.core.errors import add_action_error

from .. import permissions as perms
from ..access import (
    access_code_for_editing,
    access_coding_for_removal,
    access_project_for_codebook,
    access_segment_for_coding,
    access_source_for_coding,
    code_record,
    code_tree,
    coded_count,
    coding_work,
    may_read_span,
    passage_at,
    passage_in,
    passage_index,
    readable_passages,
)
from ..actions import coding as coding_actions
from ..display import segment_views
from ..errors import SensemakingError
from ..forms import ApplyCodeForm, CodeForm, ImportCodebookForm, MemoForm, SelectionCodeForm, code_choices
from ..voices import Turns
from .common import posted, redactor_for, render_project

PASSAGES_PER_PAGE = 150


def _coding_page(request, project, source, *, selection_form=None, segment_form=None, status=200):
    """The coding page: every passage with the coder's own codings, a form to code it (no JavaScript
    needed), memos, and the selection panel coding.js reveals."""
    # Long sources (a spreadsheet of a thousand responses) are coded a page of passages at a time.
    failed_segment = int(segment_form.data.get("segment") or 0) if segment_form is not None else None
    page_number = request.GET.get("page")
    if failed_segment:  # show the page holding the form that needs correcting
        page_number = passage_index(request.user, source, failed_segment) // PASSAGES_PER_PAGE + 1
    # Only the turns this person may read: a speaker who withdrew, or did not agree to the team reading
    # their words, is not on the page at all.
    turns = Turns(request.user, source)
    page = Paginator(readable_passages(request.user, source, turns), PASSAGES_PER_PAGE).get_page(page_number)
    segments = list(page.object_list)
    work = coding_work(request.user, source)
    views = segment_views(
        source,
        segments,
        work.my_codings,
        work.memos,
        work.suggestions,
        redactor=redactor_for(request),
        turns=turns,
    )
    choices = code_choices(project, blank="Choose a code")
    for view in views:
        pk = view.segment.pk
        if pk == failed_segment:
            view.form = segment_form
        else:
            view.form = ApplyCodeForm(
                project=project, choices=choices, auto_id=f"s{pk}_%s", initial={"segment": pk}
            )
        view.memo_form = MemoForm(auto_id=f"m{pk}_%s")
    return render_project(
        request,
        "sensemaking/code_source.html",
        project,
        {
            "source": source,
            "views": views,
            "page": page,
            "selection_form": selection_form
            or SelectionCodeForm(project=project, choices=choices, prefix="selection"),
            "failed_segment": failed_segment,
            "has_codes": len(choices) > 1,
            "other_coders": work.other_coders,
            "my_count": len(work.my_codings),
        },
        status=status,
    )


@login_required
def code_source(request, project_id, source_id):
    source = access_source_for_coding(request.user, project_id, source_id)
    return _coding_page(request, source.project, source)


def _back_to(request, project, source, segment_id=None):
    url = reverse("sensemaking:code_source", kwargs={"project_id": project.pk, "source_id": source.pk})
    if segment_id:
        page = passage_index(request.user, source, segment_id) // PASSAGES_PER_PAGE + 1
        return redirect(
            f"{url}?page={page}#segment-{segment_id}" if page > 1 else f"{url}#segment-{segment_id}"
        )
    return redirect(url)


@login_required
@require_POST
def apply_code(request, project_id, source_id):
    """Apply a code to a passage or to words in it (works without JavaScript)."""
    source = access_source_for_coding(request.user, project_id, source_id)
    project = source.project
    segment_id = request.POST.get("segment", "")
    form = ApplyCodeForm(
        request.POST, project=project, auto_id=f"s{int(segment_id) if segment_id.isdigit() else 0}_%s"
    )
    if form.is_valid():
        segment = passage_in(request.user, source, form.cleaned_data["segment"])
        if segment is None:
            raise Http404("No such passage.")
        try:
            start, end = coding_actions.resolve_span(
                source, segment=segment, words=form.cleaned_data["words"], redactor=redactor_for(request)
            )
            _, created = coding_actions.do_apply_code(
                source, form.chosen_code(), start=start, end=end, acting_user=request.user
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, f"Coded “{form.chosen_code().name}”." if created else "You had already coded this."
            )
            return _back_to(request, project, source, segment.pk)
    return _coding_page(request, project, source, segment_form=form, status=400)


@login_required
@require_POST
def apply_selection(request, project_id, source_id):
    """Apply a code to the characters selected with the mouse or keyboard (start/end filled by coding.js)."""
    source = access_source_for_coding(request.user, project_id, source_id)
    project = source.project
    form = SelectionCodeForm(request.POST, project=project, prefix="selection")
    if form.is_valid():
        try:
            start, end = coding_actions.resolve_span(
                source, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
            if not may_read_span(request.user, source, start, end):
                # Words one may not read are not there to be coded (another speaker's, withdrawn...).
                raise SensemakingError("Select some text first.", field="start")
            _, created = coding_actions.do_apply_code(
                source, form.chosen_code(), start=start, end=end, acting_user=request.user
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            segment = passage_at(source, start)
            messages.success(
                request, f"Coded “{form.chosen_code().name}”." if created else "You had already coded this."
            )
            return _back_to(request, project, source, segment.pk if segment else None)
    return _coding_page(request, project, source, selection_form=form, status=400)


@login_required
@require_POST
def remove_coding(request, project_id, coding_id):
    coding = access_coding_for_removal(request.user, project_id, coding_id)
    source = coding.source
    project = source.project
    segment = passage_at(source, coding.start)
    coding_actions.do_remove_coding(coding, acting_user=request.user)
    messages.success(request, "Your coding was removed.")
    return _back_to(request, project, source, segment.pk if segment else None)


@login_required
@require_POST
def segment_memo(request, project_id, segment_id):
    segment = access_segment_for_coding(request.user, project_id, segment_id)
    project = segment.source.project
    form = MemoForm(request.POST)
    if form.is_valid():
        coding_actions.do_add_memo(
            project, text=form.cleaned_data["text"], segment=segment, acting_user=request.user
        )
        messages.success(request, "Your memo was added.")
    else:
        messages.error(request, "Write your memo before adding it.")
    next_url = request.POST.get("next", "")
    if next_url.startswith("/sensemaking/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        return redirect(next_url)
    return _back_to(request, project, segment.source, segment.pk)


@login_required
def codebook(request, project_id):
    project = access_project_for_codebook(request.user, project_id)
    form = CodeForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            code = coding_actions.do_add_code(
                project,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                examples=form.cleaned_data["examples"],
                parent=form.parent_code(),
                color=form.cleaned_data["color"],
                acting_user=request.user,
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"The code “{code.name}” was added.")
            return redirect("sensemaking:codebook", project_id=project.pk)
    return render_project(
        request,
        "sensemaking/codebook.html",
        project,
        {
            "tree": code_tree(project),
            "form": form,
            "import_form": ImportCodebookForm(),
            "can_import": perms.can_import_codebook(request.user, project),
        },
        status=400 if form.errors else 200,
    )


@login_required
def code_detail(request, project_id, code_id):
    code = access_code_for_editing(request.user, project_id, code_id)
    project = code.project
    initial = {
        "name": code.name,
        "description": code.description,
        "examples": code.examples,
        "parent": str(code.parent_id or ""),
        "color": code.color,
        "version": code.version,
    }
    is_edit = request.method == "POST" and "save" in request.POST
    form = CodeForm(request.POST if is_edit else None, project=project, code=code, initial=initial)
    memo_form = MemoForm(request.POST if request.method == "POST" and "memo" in request.POST else None)
    if is_edit and form.is_valid():
        try:
            code = coding_actions.do_edit_code(
                code,
                based_on_version=form.cleaned_data["version"] or 0,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                examples=form.cleaned_data["examples"],
                parent=form.parent_code(),
                color=form.cleaned_data["color"],
                acting_user=request.user,
            )
        except SensemakingError as error:
            if error.field == "__all__":
                code.refresh_from_db()
                fresh = {
                    "name": code.name,
                    "description": code.description,
                    "examples": code.examples,
                    "parent": str(code.parent_id or ""),
                    "color": code.color,
                    "version": code.version,
                }
                form = CodeForm(None, project=project, code=code, initial=fresh)
                messages.error(request, error.message)
            else:
                add_action_error(form, error)
        else:
            messages.success(request, "The code was saved.")
            return redirect("sensemaking:code", project_id=project.pk, code_id=code.pk)
    elif request.method == "POST" and "memo" in request.POST and memo_form.is_valid():
        coding_actions.do_add_memo(
            project, text=memo_form.cleaned_data["text"], code=code, acting_user=request.user
        )
        messages.success(request, "Your memo was added.")
        return redirect("sensemaking:code", project_id=project.pk, code_id=code.pk)
    bad = (is_edit and form.errors) or memo_form.errors
    return render_project(
        request,
        "sensemaking/code_detail.html",
        project,
        {
            "code": code,
            "form": form,
            "memo_form": memo_form,
            **code_record(code),
            "coded_count": coded_count(code),
        },
        status=400 if bad else 200,
    )
