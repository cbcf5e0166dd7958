"""Exports and imports: REFI-QDA projects and codebooks, codings and quotes as CSV or Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.core.errors import add_action_error

from .. import permissions as perms
from ..access import (
    access_project_for_codebook_import,
    access_project_for_exchange,
    access_project_for_project_import,
    access_project_for_word_export,
)
from ..actions import exchange
from ..errors import SensemakingError
from ..forms import (
    ExportCodingsForm,
    ExportProjectForm,
    ExportQuotesForm,
    ImportCodebookForm,
    ImportProjectForm,
)
from .common import render_project

CONTENT_TYPES = {
    "qdpx": "application/zip",
    "qdc": "application/xml",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(project, stem: str, data: bytes, suffix: str) -> HttpResponse:
    name = f"{slugify(project.title)[:50] or 'project'}-{stem}-{timezone.localdate():%Y-%m-%d}.{suffix}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[suffix])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _exchange_page(request, project, *, codebook_form=None, project_form=None, status=200):
    return render_project(
        request,
        "sensemaking/exchange.html",
        project,
        {
            "codings_form": ExportCodingsForm(prefix="codings"),
            "project_export_form": ExportProjectForm(prefix="qdpx"),
            "quotes_form": ExportQuotesForm(prefix="quotes"),
            "codebook_form": codebook_form or ImportCodebookForm(prefix="codebook"),
            "project_form": project_form or ImportProjectForm(prefix="project"),
            "can_import_codebook": perms.can_import_codebook(request.user, project),
            "can_import_project": perms.can_import_project(request.user, project),
        },
        status=status,
    )


@login_required
def exchange_page(request, project_id):
    project = access_project_for_exchange(request.user, project_id)
    return _exchange_page(request, project)


@login_required
def export_codebook(request, project_id):
    project = access_project_for_exchange(request.user, project_id)
    try:
        data = exchange.codebook_qdc(project)
    except SensemakingError as error:
        messages.error(request, error.message)
        return redirect("sensemaking:exchange", project_id=project.pk)
    return _download(project, "codebook", data, "qdc")


@login_required
@require_POST
def export_project(request, project_id):
    project = access_project_for_word_export(request.user, project_id)
    form = ExportProjectForm(request.POST, prefix="qdpx")
    if not form.is_valid():
        return _exchange_page(request, project, status=400)
    data = exchange.do_export_qdpx(project, acting_user=request.user, real_names=form.real_names())
    return _download(project, "project", data, "qdpx")


@login_required
@require_POST
def export_codings(request, project_id):
    project = access_project_for_word_export(request.user, project_id)
    form = ExportCodingsForm(request.POST, prefix="codings")
    if not form.is_valid():
        return _exchange_page(request, project, status=400)
    file_format = form.cleaned_data["file_format"]
    return _download(
        project,
        "codings",
        exchange.do_export_codings(
            project, file_format, acting_user=request.user, real_names=form.real_names()
        ),
        file_format,
    )


@login_required
@require_POST
def export_quotes(request, project_id):
    project = access_project_for_word_export(request.user, project_id)
    form = ExportQuotesForm(request.POST, prefix="quotes")
    if not form.is_valid():
        return _exchange_page(request, project, status=400)
    file_format, audience = form.cleaned_data["file_format"], form.cleaned_data["audience"]
    data = exchange.do_export_quotes(project, audience, file_format, acting_user=request.user)
    return _download(project, f"quotes-{audience}", data, file_format)


@login_required
@require_POST
def import_codebook(request, project_id):
    project = access_project_for_codebook_import(request.user, project_id)
    form = ImportCodebookForm(request.POST, request.FILES, prefix="codebook")
    if form.is_valid():
        try:
            summary = exchange.do_import_codebook(
                project, form.cleaned_data["file"], acting_user=request.user
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                f"{summary.codes_added} code(s) added; {summary.codes_matched} were already in the codebook.",
            )
            return redirect("sensemaking:codebook", project_id=project.pk)
    return _exchange_page(request, project, codebook_form=form, status=400)


@login_required
@require_POST
def import_project(request, project_id):
    project = access_project_for_project_import(request.user, project_id)
    form = ImportProjectForm(request.POST, request.FILES, prefix="project")
    if form.is_valid():
        try:
            summary = exchange.do_import_qdpx(
                project, form.cleaned_data["file"], consent=form.consent(), acting_user=request.user
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            text = (
                f"Imported {summary.sources_added} source(s), {summary.codes_added} new code(s), "
                f"{summary.codings_added} coding(s), {summary.memos_added} memo(s) "
                f"and {summary.themes_added} theme(s)."
            )
            if summary.sources_skipped:
                text += f" {summary.sources_skipped} source(s) were not text and were left out."
            messages.success(request, text)
            if summary.coders_attributed_to_importer:
                names = ", ".join(f"“{n}”" for n in summary.coders_attributed_to_importer)
                messages.info(
                    request,
                    f"No member of this project is called {names}: their codings were recorded as yours.",
                )
            return redirect("sensemaking:overview", project_id=project.pk)
    return _exchange_page(request, project, project_form=form, status=400)
