"""Sources: overview, upload, consent, speakers, the narrator's own view, withdrawal and flags."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from coproduce.core.errors import add_action_error

from .. import permissions as perms
from ..access import (
    access_correction_for_answer,
    access_managed_source_by_id,
    access_open_flag_by_id,
    access_pending_import_by_id,
    access_project_by_id,
    access_project_for_flags,
    access_project_for_new_source,
    access_source_by_id,
    access_source_for_annotation,
    access_source_for_cancelling_withdrawal,
    access_source_for_consent,
    access_source_for_narrator,
    access_source_for_withdrawal,
    access_speaker_for_cancelling_withdrawal,
    access_speaker_for_consent,
    access_speaker_for_withdrawal,
    open_corrections,
    open_flags,
    overview_sources,
    resolved_flags,
    source_record,
    sources_spoken_in,
    speakers_of,
    speech_spans,
)
from ..actions import sources as source_actions
from ..actions import withdrawal
from ..display import segment_views
from ..errors import SensemakingError
from ..forms import (
    ConsentForm,
    CorrectionApplyForm,
    CorrectionDeclineForm,
    CorrectionRequestForm,
    NarratorForm,
    NoteForm,
    ResolveFlagForm,
    SourceUploadForm,
    SpeakerMappingForm,
    TableColumnsForm,
    WithdrawForm,
)
from ..importers import ParsedTable
from ..models import CorrectionRequest, Speaker
from .common import posted, posted_files, redactor_for, render_project


@login_required
def my_words(request):
    """Everything a person has said that a project holds, across projects: every source they narrated
    or speak in, with what each of their voices in it agreed to."""
    entries = [
        {"source": source, "voices": perms.own_voices(request.user, source)}
        for source in sources_spoken_in(request.user)
    ]
    return render(
        request,
        "sensemaking/my_words.html",
        {"entries": [e for e in entries if e["voices"]], "redactor": redactor_for(request)},
    )


@login_required
def overview(request, project_id):
    project = access_project_by_id(request.user, project_id)
    can_add = perms.can_add_source(request.user, project)
    return render_project(
        request,
        "sensemaking/overview.html",
        project,
        {
            "sources": overview_sources(request.user, project),
            "open_flags": open_flags(project).count(),
            "open_corrections": open_corrections(project).count() if can_add else 0,
        },
    )


@login_required
def upload(request, project_id):
    project = access_project_for_new_source(request.user, project_id)
    form = SourceUploadForm(posted(request), posted_files(request), project=project)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            parsed = source_actions.read_uploaded_file(uploaded)
            if isinstance(parsed, ParsedTable):
                details = {
                    "title": form.cleaned_data["title"],
                    "consent": form.consent().as_dict(),
                    "narrator": {
                        "kind": form.cleaned_data["narrator_kind"],
                        "person": form.cleaned_data.get("narrator_person") or "",
                        "name": form.cleaned_data.get("narrator_name", ""),
                        "pseudonym": form.cleaned_data.get("narrator_pseudonym", ""),
                    },
                }
                pending = source_actions.do_stage_table_import(
                    project, parsed, filename=uploaded.name, details=details, acting_user=request.user
                )
                return redirect("sensemaking:choose_columns", project_id=project.pk, pending_id=pending.pk)
            source = source_actions.do_add_source(
                project,
                parsed,
                title=form.cleaned_data["title"],
                narrator=form.narrator(),
                consent=form.consent(),
                original_filename=uploaded.name,
                acting_user=request.user,
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"“{source.title}” was added: {source.segments.count()} passages.")
            if source.speakers.exists():
                return redirect("sensemaking:speakers", project_id=project.pk, source_id=source.pk)
            return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    return render_project(
        request, "sensemaking/upload.html", project, {"form": form}, status=400 if form.errors else 200
    )


@login_required
def choose_columns(request, project_id, pending_id):
    pending = access_pending_import_by_id(request.user, project_id, pending_id)
    project = pending.project
    samples = {
        i: next((row[i] for row in pending.rows if i < len(row) and row[i]), "")
        for i in range(len(pending.columns))
    }
    guess = source_actions.guess_text_column(pending.columns, pending.rows)
    form = TableColumnsForm(
        posted(request),
        columns=pending.columns,
        samples=samples,
        initial={
            "text_column": guess,
            "attribute_columns": [i for i in range(len(pending.columns)) if i != guess],
        },
    )
    if request.method == "POST" and "cancel" in request.POST:
        source_actions.do_cancel_pending_import(pending, acting_user=request.user)
        messages.success(request, "Nothing was imported.")
        return redirect("sensemaking:overview", project_id=project.pk)
    if request.method == "POST" and form.is_valid():
        narrator_details = pending.details.get("narrator", {})
        narrator_form = NarratorForm(
            {
                "narrator_kind": narrator_details.get("kind", "several"),
                "narrator_person": narrator_details.get("person", ""),
                "narrator_name": narrator_details.get("name", ""),
                "narrator_pseudonym": narrator_details.get("pseudonym", ""),
            },
            project=project,
        )
        narrator = narrator_form.narrator() if narrator_form.is_valid() else source_actions.NarratorDetails()
        try:
            source = source_actions.do_import_table(
                pending,
                text_column=form.cleaned_data["text_column"],
                attribute_columns=form.cleaned_data["attribute_columns"],
                narrator=narrator,
                acting_user=request.user,
            )
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"“{source.title}” was added: {source.segments.count()} responses.")
            return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    return render_project(
        request,
        "sensemaking/choose_columns.html",
        project,
        {"form": form, "pending": pending, "preview": pending.rows[:5]},
        status=400 if form.errors else 200,
    )


@login_required
def source_detail(request, project_id, source_id):
    """Read a source: the turns this person may read (names as they may see them), consent per voice,
    history, notes and corrections."""
    source = access_source_by_id(request.user, project_id, source_id)
    project = source.project
    user = request.user
    record = source_record(user, source)
    own = record.turns.own
    is_narrator = bool(own)
    own_speakers = [v for v in own if isinstance(v, Speaker)]
    can_manage = perms.can_manage_source(user, source)
    context = {
        "source": source,
        "can_read": perms.can_read_source_text(user, source),
        "views": segment_views(source, record.passages, redactor=redactor_for(request), turns=record.turns),
        "hidden_turns": record.hidden_passages,
        "is_narrator": is_narrator,
        "whole_source_is_theirs": own == [source],
        "own_speakers": own_speakers,
        "speakers": record.speakers if (can_manage or perms.can_resolve_flags(user, project)) else [],
        "can_manage": can_manage,
        "can_code": perms.can_code_source(user, source),
        "can_change_consent": perms.can_change_consent(user, source),
        "can_withdraw": perms.can_withdraw_source(user, source),
        "can_cancel_withdrawal": perms.can_cancel_withdrawal(user, source),
        "show_history": is_narrator or can_manage or perms.can_resolve_flags(user, project),
        "events": record.events,
        "notes": record.notes,
        "corrections": record.corrections,
        "edits": record.edits,
        "quotes": record.quotes,
        "note_form": NoteForm(prefix="note") if is_narrator else None,
        "correction_form": CorrectionRequestForm(prefix="correction") if is_narrator else None,
    }
    return render_project(request, "sensemaking/source_detail.html", project, context)


@login_required
def change_consent(request, project_id, source_id):
    """Change what was agreed: a narrator or speaker for their own words; a coordinator or facilitator
    for the source as a whole (and every speaker whose own consent has not been recorded separately)."""
    source = access_source_for_consent(request.user, project_id, source_id)
    own = [v for v in perms.own_voices(request.user, source) if not v.is_withdrawn]
    return _consent_page(request, source, own[0] if own else source)


@login_required
def speaker_consent(request, project_id, source_id, speaker_id):
    """Record one speaker's own consent: on their behalf (coordinators and facilitators), or their own."""
    speaker = access_speaker_for_consent(request.user, project_id, source_id, speaker_id)
    return _consent_page(request, speaker.source, speaker)


def _consent_page(request, source, voice):
    project = source.project
    initial = {
        "consent_use": voice.consent_use,
        "consent_audiences": voice.consent_audiences,
        "consent_until": voice.consent_until,
    }
    form = ConsentForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(voice, Speaker):
                source_actions.do_change_speaker_consent(voice, form.consent(), acting_user=request.user)
            else:
                source_actions.do_change_consent(source, form.consent(), acting_user=request.user)
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(request, "Consent was updated. The change is in the history.")
            return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    own = perms.own_voices(request.user, source)
    return render_project(
        request,
        "sensemaking/consent.html",
        project,
        {
            "form": form,
            "source": source,
            "speaker": voice if isinstance(voice, Speaker) else None,
            "own": voice in own,
            "has_speakers": bool(speakers_of(source)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def change_narrator(request, project_id, source_id):
    source = access_source_for_narrator(request.user, project_id, source_id)
    project = source.project
    kind = "member" if source.narrator_person_id else ("outside" if source.narrator_name else "several")
    form = NarratorForm(
        posted(request),
        project=project,
        initial={
            "narrator_kind": kind,
            "narrator_person": str(source.narrator_person_id or ""),
            "narrator_name": source.narrator_name,
            "narrator_pseudonym": source.narrator_pseudonym,
        },
    )
    if request.method == "POST" and form.is_valid():
        source_actions.do_change_narrator(source, form.narrator(), acting_user=request.user)
        messages.success(request, "Who these words belong to was updated.")
        return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    return render_project(
        request,
        "sensemaking/narrator.html",
        project,
        {"form": form, "source": source},
        status=400 if form.errors else 200,
    )


@login_required
def speakers(request, project_id, source_id):
    source = access_managed_source_by_id(request.user, project_id, source_id)
    project = source.project
    speaker_list = speakers_of(source)
    form = SpeakerMappingForm(posted(request), speakers=speaker_list, project=project)
    if request.method == "POST" and form.is_valid():
        for speaker, person, pseudonym in form.mapping():
            if (speaker.person_id, speaker.pseudonym) != (getattr(person, "pk", None), pseudonym.strip()):
                source_actions.do_map_speaker(
                    speaker, person=person, pseudonym=pseudonym, acting_user=request.user
                )
        messages.success(request, "Speakers were saved.")
        return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    narrator_unlinked = bool(source.narrator_person_id) and not any(
        s.person_id == source.narrator_person_id for s in speaker_list
    )
    return render_project(
        request,
        "sensemaking/speakers.html",
        project,
        {
            "form": form,
            "source": source,
            "narrator_unlinked": narrator_unlinked,
            "can_record_withdrawal": perms.can_resolve_flags(request.user, project),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def add_note(request, project_id, source_id):
    source = access_source_for_annotation(request.user, project_id, source_id)
    project = source.project
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        source_actions.do_add_source_note(source, form.cleaned_data["text"], acting_user=request.user)
        messages.success(request, "Your note was added.")
        return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    messages.error(request, "Write your note before adding it.")
    return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)


@login_required
@require_POST
def request_correction(request, project_id, source_id):
    source = access_source_for_annotation(request.user, project_id, source_id)
    project = source.project
    form = CorrectionRequestForm(request.POST, prefix="correction")
    if form.is_valid():
        own_speakers = [v for v in perms.own_voices(request.user, source) if isinstance(v, Speaker)]
        source_actions.do_request_correction(
            source,
            passage=form.cleaned_data["passage"],
            requested_change=form.cleaned_data["requested_change"],
            speaker=own_speakers[0] if own_speakers else None,
            acting_user=request.user,
        )
        messages.success(request, "Your correction was sent. You will see the answer here.")
        return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    messages.error(request, "Fill in both boxes to ask for a correction.")
    return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)


@login_required
def correction(request, project_id, correction_id):
    item = access_correction_for_answer(request.user, project_id, correction_id)
    source = item.source
    project = source.project
    redactor = redactor_for(request)
    apply_form = CorrectionApplyForm(
        request.POST if "apply" in request.POST else None,
        source_text=source.text,
        spans=speech_spans(item.speaker) if item.speaker_id else None,
        shown=(redactor.source_text(source), redactor.position_map(source)),
        prefix="apply",
        initial={"words": redactor.text(item.passage, source=source)},
    )
    decline_form = CorrectionDeclineForm(
        request.POST if "decline" in request.POST else None, prefix="decline"
    )
    if request.method == "POST" and item.status == CorrectionRequest.Status.OPEN:
        try:
            if "apply" in request.POST and apply_form.is_valid():
                start, end = apply_form.span()
                source_actions.do_apply_correction(
                    item,
                    start=start,
                    end=end,
                    replacement=apply_form.cleaned_data["replacement"],
                    response=apply_form.cleaned_data["response"],
                    acting_user=request.user,
                )
                messages.success(request, "The words were corrected. The narrator can see the change.")
                return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
            if "decline" in request.POST and decline_form.is_valid():
                source_actions.do_decline_correction(
                    item, response=decline_form.cleaned_data["response"], acting_user=request.user
                )
                messages.success(request, "Your answer was sent to the narrator.")
                return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
        except SensemakingError as error:
            add_action_error(apply_form if "apply" in request.POST else decline_form, error)
    bad = apply_form.errors or decline_form.errors
    return render_project(
        request,
        "sensemaking/correction.html",
        project,
        {"correction": item, "source": source, "apply_form": apply_form, "decline_form": decline_form},
        status=400 if bad else 200,
    )


@login_required
def withdraw(request, project_id, source_id):
    """Withdraw "my words": a narrator or speaker their own, and nobody else's. A coordinator without
    words of their own here records the withdrawal of the whole source on someone's behalf."""
    source = access_source_for_withdrawal(request.user, project_id, source_id)
    project = source.project
    own = perms.own_voices(request.user, source)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if own:
                withdrawal.do_withdraw_own_words(source, acting_user=request.user)
            else:
                withdrawal.do_withdraw_source(source, acting_user=request.user, on_behalf=True)
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                "These words were withdrawn. They are no longer part of the analysis, and "
                "everything that used them has been flagged.",
            )
            return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    return render_project(
        request,
        "sensemaking/withdraw.html",
        project,
        {
            "form": form,
            "source": source,
            "grace_days": withdrawal.grace_period().days,
            "on_behalf": not own,
            "only_own_turns": bool(own) and own != [source],
        },
        status=400 if form.errors else 200,
    )


@login_required
def speaker_withdraw(request, project_id, source_id, speaker_id):
    """Record that one speaker withdrew their turns (a coordinator, on their behalf), or withdraw one's
    own."""
    speaker = access_speaker_for_withdrawal(request.user, project_id, source_id, speaker_id)
    source = speaker.source
    project = source.project
    on_behalf = speaker not in perms.own_voices(request.user, source)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal.do_withdraw_speaker(speaker, acting_user=request.user, on_behalf=on_behalf)
        except SensemakingError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "This speaker's words were withdrawn. They are no longer part of the analysis, and "
                    "everything that used them has been flagged. Everyone else's words stay."
                ),
            )
            return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)
    return render_project(
        request,
        "sensemaking/withdraw.html",
        project,
        {
            "form": form,
            "source": source,
            "speaker": speaker,
            "grace_days": withdrawal.grace_period().days,
            "on_behalf": on_behalf,
            "only_own_turns": True,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def cancel_withdrawal(request, project_id, source_id):
    source = access_source_for_cancelling_withdrawal(request.user, project_id, source_id)
    project = source.project
    if source.is_withdrawn:
        withdrawal.do_cancel_withdrawal(source, acting_user=request.user)
    else:
        withdrawal.do_cancel_own_withdrawal(source, acting_user=request.user)
    messages.success(request, "Your words are back in the analysis.")
    return redirect("sensemaking:source", project_id=project.pk, source_id=source.pk)


@login_required
@require_POST
def speaker_cancel_withdrawal(request, project_id, source_id, speaker_id):
    """A coordinator puts back the turns of a speaker without an account (who told them they changed
    their mind); a speaker with an account does it themselves."""
    speaker = access_speaker_for_cancelling_withdrawal(request.user, project_id, source_id, speaker_id)
    withdrawal.do_cancel_speaker_withdrawal(speaker, acting_user=request.user)
    messages.success(request, gettext("The speaker's words are back in the analysis."))
    return redirect("sensemaking:source", project_id=speaker.source.project_id, source_id=speaker.source_id)


@login_required
def flags(request, project_id):
    project = access_project_for_flags(request.user, project_id)
    waiting = list(open_flags(project))
    for flag in waiting:
        flag.form = ResolveFlagForm(auto_id=f"flag{flag.pk}_%s")
    return render_project(
        request,
        "sensemaking/flags.html",
        project,
        {"open_flags": waiting, "resolved": resolved_flags(project)[:50]},
    )


@login_required
@require_POST
def resolve_flag(request, project_id, flag_id):
    flag = access_open_flag_by_id(request.user, project_id, flag_id)
    project = flag.project
    form = ResolveFlagForm(request.POST)
    if form.is_valid():
        withdrawal.do_resolve_flag(flag, resolution=form.cleaned_data["resolution"], acting_user=request.user)
        messages.success(request, "The flag was marked as dealt with.")
    else:
        messages.error(request, "Say what was done before marking the flag as dealt with.")
    return redirect("sensemaking:flags", project_id=project.pk)
