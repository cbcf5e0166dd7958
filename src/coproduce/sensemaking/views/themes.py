"""Themes, quotes, the de-identification register and reviewer sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from coproduce.core.errors import add_action_error

from .. import permissions as perms
from ..access import (
    access_identifier_entry_by_id,
    access_project_for_register,
    access_project_for_themes,
    access_quote_for_editing,
    access_quote_for_review,
    access_segment_for_quoting,
    access_theme_for_editing,
    analysable_codings,
    identifier_entries,
    may_read_span,
    quoted_spans,
    quotes_waiting_for_sign_off,
    replacement_log,
    segments_by_source,
    sources_visible_to,
    theme_quotes,
    themes_with_open_flags,
)
from ..actions import themes as theme_actions
from ..actions.coding import resolve_span
from ..errors import SensemakingError
from ..forms import IdentifierForm, QuoteWordingForm, QuoteWordsForm, ThemeForm
from .common import posted, redactor_for, render_project

REVIEWER_ACTIONS = {"deidentify", "reword", "sign_off"}


@login_required
def theme_list(request, project_id):
    project = access_project_for_themes(request.user, project_id)
    form = ThemeForm(posted(request), project=project)
    if request.method == "POST" and form.is_valid():
        try:
            theme = theme_actions.do_create_theme(
                project,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                audience=form.cleaned_data["audience"],
                codes=form.chosen_codes(),
                acting_user=request.user,
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"The theme “{theme.name}” was created.")
            return redirect("sensemaking:theme", project_id=project.pk, theme_id=theme.pk)
    themes = themes_with_open_flags(project)
    return render_project(
        request,
        "sensemaking/themes.html",
        project,
        {"themes": themes, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def move_theme(request, project_id, theme_id):
    theme = access_theme_for_editing(request.user, project_id, theme_id)
    project = theme.project
    direction = request.POST.get("direction", "")
    if theme_actions.do_move_theme(theme, direction, acting_user=request.user):
        messages.success(request, f"“{theme.name}” moved {direction}.")
    return redirect("sensemaking:themes", project_id=project.pk)


def _candidate_passages(request, project, theme):
    """Passages coded with the theme's codes, among the words this person may read, each with whether
    the consent of every voice in it allows quoting it to the theme's audience."""
    visible = sources_visible_to(request.user, project)
    codings = (
        analysable_codings(project)
        .filter(code__in=theme.codes.all(), source__in=visible)
        .select_related("source", "code", "coder")
        .order_by("source__added_at", "source_id", "start")
    )
    seen = quoted_spans(theme)
    passages = []
    for coding in codings:
        key = (coding.source_id, coding.start, coding.end)
        if key in seen or not may_read_span(request.user, coding.source, coding.start, coding.end):
            continue
        seen.add(key)
        refusal = theme_actions.quote_refusal(coding.source, theme.audience, coding.start, coding.end)
        passages.append({"coding": coding, "refusal": refusal})
    segments = segments_by_source({p["coding"].source_id for p in passages})
    for passage in passages:
        coding = passage["coding"]
        containing = [s for s in segments.get(coding.source_id, []) if s.start <= coding.start]
        passage["segment_id"] = containing[-1].pk if containing else None
    return [p for p in passages if p["segment_id"]]


@login_required
def theme_detail(request, project_id, theme_id):
    theme = access_theme_for_editing(request.user, project_id, theme_id)
    project = theme.project
    form = ThemeForm(
        posted(request),
        project=project,
        initial={
            "name": theme.name,
            "description": theme.description,
            "audience": theme.audience,
            "codes": [str(c.pk) for c in theme.codes.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            theme_actions.do_edit_theme(
                theme,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                audience=form.cleaned_data["audience"],
                codes=form.chosen_codes(),
                acting_user=request.user,
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "The theme was saved.")
            return redirect("sensemaking:theme", project_id=project.pk, theme_id=theme.pk)
    quotes = theme_quotes(theme)
    for quote in quotes:
        quote.wording_form = QuoteWordingForm(
            auto_id=f"q{quote.pk}_%s", initial={"text": quote.deidentified_text}
        )
    return render_project(
        request,
        "sensemaking/theme_detail.html",
        project,
        {
            "theme": theme,
            "form": form,
            "quotes": quotes,
            "passages": _candidate_passages(request, project, theme),
            "can_sign_off": perms.can_manage_register(request.user, project),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def add_quote(request, project_id, theme_id):
    """Add words as a quote: the consent check happens in the action, whatever the page offered."""
    theme = access_theme_for_editing(request.user, project_id, theme_id)
    project = theme.project
    form = QuoteWordsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the words to quote.")
        return redirect("sensemaking:theme", project_id=project.pk, theme_id=theme.pk)
    segment = access_segment_for_quoting(request.user, project.pk, form.cleaned_data["segment"])
    try:
        if request.POST.get("start") and request.POST.get("end"):
            start, end = resolve_span(segment.source, start=request.POST["start"], end=request.POST["end"])
        else:
            start, end = resolve_span(
                segment.source,
                segment=segment,
                words=form.cleaned_data["words"],
                redactor=redactor_for(request),
            )
        if not may_read_span(request.user, segment.source, start, end):
            raise SensemakingError("Choose some words to quote.", field="start")
        theme_actions.do_attach_quote(theme, segment.source, start=start, end=end, acting_user=request.user)
    except SensemakingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The quote was added. A coordinator de-identifies it and signs it off before it "
            "can leave the project.",
        )
    return redirect("sensemaking:theme", project_id=project.pk, theme_id=theme.pk)


@login_required
@require_POST
def quote_action(request, project_id, quote_id):
    """Move or remove a quote (anyone analysing); de-identify, reword or sign off (coordinators)."""
    action = request.POST.get("action", "")
    access_quote = access_quote_for_review if action in REVIEWER_ACTIONS else access_quote_for_editing
    quote = access_quote(request.user, project_id, quote_id)
    project = quote.theme.project
    try:
        if action in ("up", "down"):
            theme_actions.do_move_quote(quote, action, acting_user=request.user)
        elif action == "remove":
            theme_actions.do_remove_quote(quote, acting_user=request.user)
            messages.success(request, "The quote was removed from the theme.")
        elif action == "deidentify":
            theme_actions.do_deidentify_quote(quote, acting_user=request.user)
            messages.success(request, "The register was applied. Check the wording, then sign it off.")
        elif action == "reword":
            form = QuoteWordingForm(request.POST)
            if not form.is_valid():
                raise SensemakingError("The quote cannot be empty.")
            theme_actions.do_edit_quote_wording(quote, form.cleaned_data["text"], acting_user=request.user)
            messages.success(request, "The wording was saved. It needs signing off again.")
        elif action == "sign_off":
            theme_actions.do_sign_off_quote(quote, acting_user=request.user)
            messages.success(request, "Signed off: this wording may now leave the project.")
        else:
            messages.error(request, "Choose what to do with the quote.")
    except SensemakingError as error:
        messages.error(request, error.message)
    return redirect("sensemaking:theme", project_id=project.pk, theme_id=quote.theme_id)


@login_required
def register(request, project_id):
    """The de-identification register: coordinators only; everyone else is told it does not exist."""
    project = access_project_for_register(request.user, project_id)
    form = IdentifierForm(posted(request))
    if request.method == "POST" and "remove" in request.POST:
        entry = access_identifier_entry_by_id(request.user, project.pk, request.POST.get("remove"))
        theme_actions.do_remove_identifier(entry, acting_user=request.user)
        messages.success(request, "The entry was removed from the register.")
        return redirect("sensemaking:register", project_id=project.pk)
    if request.method == "POST" and form.is_valid():
        try:
            theme_actions.do_add_identifier(
                project,
                term=form.cleaned_data["term"],
                replacement=form.cleaned_data["replacement"],
                acting_user=request.user,
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Added to the register.")
            return redirect("sensemaking:register", project_id=project.pk)
    return render_project(
        request,
        "sensemaking/register.html",
        project,
        {
            "form": form,
            "entries": identifier_entries(project),
            "log": replacement_log(project)[:100],
            "waiting": quotes_waiting_for_sign_off(project),
        },
        status=400 if form.errors else 200,
    )
