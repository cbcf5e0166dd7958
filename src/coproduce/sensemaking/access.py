"""Reads with permission applied. Anything a person may not see does not exist for them (404).

Every object a person names by id in a sense-making address is fetched through one helper per need,
``access_<thing>_for_<need>(user, project_id, thing_id)`` (or ``access_<thing>_by_id`` for simply
seeing it): it looks the object up inside the project named in the address, applies the one policy in
``permissions.py`` and returns the object with its project, or raises Http404 — whether the object does
not exist or the person may not do that with it, so nobody learns that something they may not see
exists. A view calls one of these first.

The other functions here are the reads the pages need, for objects the view already has access to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from coproduce.partnerships.models import Project
from coproduce.people.models import Person

from . import permissions as perms
from .models import (
    Code,
    Coding,
    CorrectionRequest,
    Flag,
    IdentifierEntry,
    Memo,
    PendingImport,
    Quote,
    ReplacementLog,
    Segment,
    Source,
    Speaker,
    Suggestion,
    Theme,
    ThemeCandidate,
)
from .voices import Turns


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def _allowed(user, thing, allowed: Callable[..., bool], what: str):
    if thing is None or not allowed(user, thing):
        raise Http404(what)
    return thing


# Projects -------------------------------------------------------------------------------------------


def _project_where(user, project_id, allowed: Callable[..., bool]) -> Project:
    return _allowed(user, Project.objects.filter(pk=_int(project_id)).first(), allowed, "No such project.")


def access_project_by_id(user, project_id) -> Project:
    """The project, for its members; "not found" for anyone else."""
    return _project_where(user, project_id, perms.can_view_project_sensemaking)


def access_project_for_new_source(user, project_id) -> Project:
    """The project, for those who add sources to it."""
    return _project_where(user, project_id, perms.can_add_source)


def access_project_for_codebook(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_edit_codebook)


def access_project_for_themes(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_edit_themes)


def access_project_for_agreement(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_view_agreement)


def access_project_for_assistance(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_use_assistance)


def access_project_for_register(user, project_id) -> Project:
    """The project, for those who hold its de-identification register (coordinators)."""
    return _project_where(user, project_id, perms.can_manage_register)


def access_project_for_flags(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_resolve_flags)


def access_project_for_exchange(user, project_id) -> Project:
    """The project, for those who may at least take its codebook away."""
    return _project_where(user, project_id, perms.can_export_codebook)


def access_project_for_word_export(user, project_id) -> Project:
    """The project, for those who may carry people's words out of it."""
    return _project_where(user, project_id, perms.can_export_words)


def access_project_for_codebook_import(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_import_codebook)


def access_project_for_project_import(user, project_id) -> Project:
    return _project_where(user, project_id, perms.can_import_project)


# Sources --------------------------------------------------------------------------------------------


def _seen_and(allowed: Callable[..., bool]) -> Callable[..., bool]:
    """Nobody does anything with a source they may not see: a facilitator answers for the project's
    sources, but not for words only coordinators may read."""
    return lambda user, source: perms.can_view_source(user, source) and allowed(user, source)


def _source_where(user, project_id, source_id, allowed: Callable[..., bool]) -> Source:
    source = (
        Source.objects.filter(project_id=_int(project_id), pk=_int(source_id))
        .select_related("project", "narrator_person")
        .first()
    )
    return _allowed(user, source, _seen_and(allowed), "No such source.")


def access_source_by_id(user, project_id, source_id) -> Source:
    """The source for anyone who may see its record: members (per consent) and its narrator."""
    return _source_where(user, project_id, source_id, perms.can_view_source)


def access_readable_source_by_id(user, project_id, source_id) -> Source:
    """The source for anyone who may read its words (withdrawn words: their narrator only)."""
    return _source_where(user, project_id, source_id, perms.can_read_source_text)


def access_source_for_coding(user, project_id, source_id) -> Source:
    return _source_where(user, project_id, source_id, perms.can_code_source)


def access_managed_source_by_id(user, project_id, source_id) -> Source:
    """The source for those who map its speakers and answer for it (coordinators, facilitators)."""
    return _source_where(user, project_id, source_id, perms.can_manage_source)


def access_source_for_consent(user, project_id, source_id) -> Source:
    return _source_where(user, project_id, source_id, perms.can_change_consent)


def access_source_for_narrator(user, project_id, source_id) -> Source:
    return _source_where(user, project_id, source_id, perms.can_change_narrator)


def access_source_for_annotation(user, project_id, source_id) -> Source:
    """The source for its narrator, to add a note or ask for a correction."""
    return _source_where(user, project_id, source_id, perms.can_annotate_source)


def access_source_for_withdrawal(user, project_id, source_id) -> Source:
    return _source_where(user, project_id, source_id, perms.can_withdraw_source)


def access_source_for_cancelling_withdrawal(user, project_id, source_id) -> Source:
    return _source_where(user, project_id, source_id, perms.can_cancel_withdrawal)


def _speaker_where(user, project_id, source_id, speaker_id, allowed: Callable[..., bool]) -> Speaker:
    speaker = (
        Speaker.objects.filter(
            source__project_id=_int(project_id), source_id=_int(source_id), pk=_int(speaker_id)
        )
        .select_related("source", "source__project", "person")
        .first()
    )
    if speaker is None or not perms.can_view_source(user, speaker.source) or not allowed(user, speaker):
        raise Http404("No such speaker.")
    return speaker


def access_speaker_for_consent(user, project_id, source_id, speaker_id) -> Speaker:
    """A speaker, for recording their consent: themselves, or a coordinator or facilitator for them."""
    return _speaker_where(user, project_id, source_id, speaker_id, perms.can_change_speaker_consent)


def access_speaker_for_withdrawal(user, project_id, source_id, speaker_id) -> Speaker:
    """A speaker, for withdrawing their turns: themselves, or a coordinator on their behalf."""
    return _speaker_where(user, project_id, source_id, speaker_id, perms.can_withdraw_speaker)


def access_speaker_for_cancelling_withdrawal(user, project_id, source_id, speaker_id) -> Speaker:
    return _speaker_where(user, project_id, source_id, speaker_id, perms.can_cancel_speaker_withdrawal)


def _segment_where(user, project_id, segment_id, allowed: Callable[..., bool]) -> Segment:
    segment = (
        Segment.objects.filter(source__project_id=_int(project_id), pk=_int(segment_id))
        .select_related("source", "source__project")
        .first()
    )
    if segment is None or not _seen_and(allowed)(user, segment.source):
        raise Http404("No such passage.")
    if not Turns(user, segment.source).may_read(segment):  # another speaker's words, not for them
        raise Http404("No such passage.")
    return segment


def access_segment_for_coding(user, project_id, segment_id) -> Segment:
    """A passage (with its source and project) of a source the person may code."""
    return _segment_where(user, project_id, segment_id, perms.can_code_source)


def access_segment_for_quoting(user, project_id, segment_id) -> Segment:
    """A passage of a source whose words the person may read (the consent check is the action's)."""
    return _segment_where(user, project_id, segment_id, perms.can_read_source_text)


def access_correction_for_answer(user, project_id, correction_id) -> CorrectionRequest:
    """A narrator's correction request, for those who answer for the source."""
    correction = (
        CorrectionRequest.objects.filter(source__project_id=_int(project_id), pk=_int(correction_id))
        .select_related("source", "source__project")
        .first()
    )
    if correction is None or not _seen_and(perms.can_manage_source)(user, correction.source):
        raise Http404("No such correction.")
    return correction


def access_pending_import_by_id(user, project_id, pending_id) -> PendingImport:
    """A staged spreadsheet, for the person who uploaded it."""
    pending = (
        PendingImport.objects.filter(project_id=_int(project_id), pk=_int(pending_id))
        .select_related("project")
        .first()
    )
    return _allowed(user, pending, perms.can_finish_import, "No such upload.")


def access_open_flag_by_id(user, project_id, flag_id) -> Flag:
    """A flag still waiting to be dealt with, for those who resolve flags."""
    flag = (
        Flag.objects.filter(project_id=_int(project_id), pk=_int(flag_id), resolved_at__isnull=True)
        .select_related("project")
        .first()
    )
    if flag is None or not perms.can_resolve_flags(user, flag.project):
        raise Http404("No such flag.")
    return flag


# Coding ---------------------------------------------------------------------------------------------


def access_coding_for_removal(user, project_id, coding_id) -> Coding:
    """One of the person's own codings, on a source they may still code."""
    coding = (
        Coding.objects.filter(source__project_id=_int(project_id), pk=_int(coding_id))
        .select_related("source", "source__project")
        .first()
    )
    return _allowed(user, coding, perms.can_remove_coding, "No such coding.")


def _code(project_id, code_id) -> Code | None:
    return (
        Code.objects.filter(project_id=_int(project_id), pk=_int(code_id)).select_related("project").first()
    )


def access_code_by_id(user, project_id, code_id) -> Code:
    code = _code(project_id, code_id)
    if code is None or not perms.can_view_project_sensemaking(user, code.project):
        raise Http404("No such code.")
    return code


def access_code_for_editing(user, project_id, code_id) -> Code:
    code = _code(project_id, code_id)
    if code is None or not perms.can_edit_codebook(user, code.project):
        raise Http404("No such code.")
    return code


def access_suggestion_for_decision(user, project_id, suggestion_id) -> Suggestion:
    """A suggestion, for a person who may code the passage it is about."""
    suggestion = (
        Suggestion.objects.filter(project_id=_int(project_id), pk=_int(suggestion_id))
        .select_related("project", "code", "segment", "segment__source", "segment__source__project")
        .first()
    )
    return _allowed(user, suggestion, perms.can_decide_suggestion, "No such suggestion.")


def access_theme_candidate_for_decision(user, project_id, candidate_id) -> ThemeCandidate:
    """A candidate theme found by discovery; adopting it adds a code, so it is for codebook editors who
    may see it (who may read every source it was found in)."""
    candidate = (
        ThemeCandidate.objects.filter(project_id=_int(project_id), pk=_int(candidate_id))
        .select_related("project")
        .first()
    )
    if (
        candidate is None
        or not perms.can_edit_codebook(user, candidate.project)
        or candidate not in open_theme_candidates(user, candidate.project)
    ):
        raise Http404("No such candidate.")
    return candidate


# Themes, quotes, the register --------------------------------------------------------------------------


def access_theme_for_editing(user, project_id, theme_id) -> Theme:
    theme = (
        Theme.objects.filter(project_id=_int(project_id), pk=_int(theme_id)).select_related("project").first()
    )
    if theme is None or not perms.can_edit_themes(user, theme.project):
        raise Http404("No such theme.")
    return theme


def _quote_where(user, project_id, quote_id, allowed: Callable[..., bool]) -> Quote:
    quote = (
        Quote.objects.filter(theme__project_id=_int(project_id), pk=_int(quote_id))
        .select_related("theme", "theme__project", "source")
        .first()
    )
    return _allowed(user, quote, allowed, "No such quote.")


def access_quote_for_editing(user, project_id, quote_id) -> Quote:
    """A quote to move or remove: anyone who works on themes."""
    return _quote_where(user, project_id, quote_id, lambda u, q: perms.can_edit_themes(u, q.theme.project))


def access_quote_for_review(user, project_id, quote_id) -> Quote:
    """A quote to de-identify, reword or sign off: reviewers only."""
    return _quote_where(user, project_id, quote_id, perms.can_sign_off_quote)


def access_identifier_entry_by_id(user, project_id, entry_id) -> IdentifierEntry:
    entry = (
        IdentifierEntry.objects.filter(project_id=_int(project_id), pk=_int(entry_id))
        .select_related("project")
        .first()
    )
    if entry is None or not perms.can_manage_register(user, entry.project):
        raise Http404("No such entry.")
    return entry


# What the pages read -------------------------------------------------------------------------------


def sources_visible_to(user, project: Project) -> QuerySet[Source]:
    """Sources this person may see in the project: per role, their own words (as narrator or speaker),
    and what each voice agreed to (see ``permissions.can_view_source``)."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    sources = Source.objects.filter(project=project)
    role = perms.role_of(user, project)
    if role == "coordinator":
        return sources
    own = Q(narrator_person=user) | Q(speakers__person=user, speakers__erased_at__isnull=True)
    candidates = sources.filter(erased_at__isnull=True)
    if role is None:
        candidates = candidates.filter(own).distinct()
    # Consent is per voice (JSON lists, and no JSON "contains" on SQLite): decide per source in Python.
    ids = [
        s.pk
        for s in candidates.prefetch_related("speakers")
        if perms.speaks_in(user, s) or (role is not None and perms.team_may_read_some(s))
    ]
    return sources.filter(pk__in=ids)


def sources_spoken_in(user) -> QuerySet[Source]:
    """Every source, in any project, that holds words of this person's (as narrator or as a speaker),
    until erased."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    return (
        Source.objects.filter(
            Q(narrator_person=user) | Q(speakers__person=user, speakers__erased_at__isnull=True),
            erased_at__isnull=True,
        )
        .distinct()
        .select_related("project", "narrator_person")
        .prefetch_related("speakers__person")
        .order_by("added_at", "id")
    )


def overview_sources(user, project: Project) -> QuerySet[Source]:
    """The sources the person may see, with their number of passages and of the person's own codings."""
    return (
        sources_visible_to(user, project)
        .annotate(
            passages=Count("segments", distinct=True),
            my_codings=Count("codings", filter=Q(codings__coder=user), distinct=True),
        )
        .select_related("project", "narrator_person")
        .prefetch_related("speakers__person")  # to show titles with names pseudonymised
        .order_by("added_at", "id")
    )


def withdrawn_turns(source_field: str = "source") -> Exists:
    """For rows with ``start``/``end`` on a source: whether they touch a turn of a speaker who withdrew
    (``source_field`` names the row's source)."""
    return Exists(
        Segment.objects.filter(
            source=OuterRef(source_field),
            speaker__withdrawn_at__isnull=False,
            start__lt=OuterRef("end"),
            end__gt=OuterRef("start"),
        )
    )


def analysable_sources(project: Project) -> QuerySet[Source]:
    """Sources whose words are in the analysis: not withdrawn, not erased (a speaker may still have
    withdrawn their own turns: see ``analysable_segments``)."""
    return Source.objects.filter(project=project, withdrawn_at__isnull=True, erased_at__isnull=True)


def analysable_segments(project: Project) -> QuerySet[Segment]:
    """Turns in the analysis: in a source in the analysis, and not of a speaker who withdrew."""
    return Segment.objects.filter(source__in=analysable_sources(project)).filter(
        Q(speaker__isnull=True) | Q(speaker__withdrawn_at__isnull=True, speaker__erased_at__isnull=True)
    )


def analysable_codings(project: Project) -> QuerySet[Coding]:
    """Codings that count: withdrawn words — a whole source, or one speaker's turns — leave the analysis
    the moment they are withdrawn."""
    return Coding.objects.filter(
        source__project=project, source__withdrawn_at__isnull=True, source__erased_at__isnull=True
    ).filter(~withdrawn_turns())


def open_flags(project: Project) -> QuerySet[Flag]:
    return Flag.objects.filter(project=project, resolved_at__isnull=True).select_related(
        "source", "theme", "export"
    )


def resolved_flags(project: Project) -> QuerySet[Flag]:
    return Flag.objects.filter(project=project, resolved_at__isnull=False).select_related("resolved_by")


def open_corrections(project: Project) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(source__project=project, status=CorrectionRequest.Status.OPEN)


def passages(source: Source) -> QuerySet[Segment]:
    """The source's passages in order, with their speakers."""
    return source.segments.select_related("speaker")


def readable_passages(user, source: Source, turns: Turns | None = None) -> list[Segment]:
    """The passages of the source this person may read, in order: their own turns, and other voices'
    while in the analysis and (for members other than coordinators) shared with the project team."""
    turns = turns or Turns(user, source)
    return turns.readable(source.segments.all())


@dataclass
class SourceRecord:
    """What a person may see on a source's page besides its consent: the passages they may read, and the
    notes, corrections, edits and quotes that are theirs to see (empty otherwise). ``events`` is the
    history, shown to those the page shows it to. ``turns`` says which turns are whose."""

    passages: list[Segment]
    hidden_passages: int
    notes: QuerySet | list
    corrections: QuerySet | list
    edits: QuerySet | list
    quotes: QuerySet | list
    events: QuerySet
    turns: Turns
    speakers: list[Speaker]


def source_record(user, source: Source) -> SourceRecord:
    """The source's record as ``user`` may see it. A speaker in a group transcript sees their own turns,
    notes, corrections and quotes; a narrator whose every word it is, and those who answer for the
    source, see all of them. Querysets stay lazy: the page reads only what it shows."""
    speakers = source.speaker_list()
    turns = Turns(user, source, speakers)
    own = turns.own
    whole = own == [source]
    own_speakers = [v for v in own if isinstance(v, Speaker)]
    manages = perms.can_manage_source(user, source)
    answers_for_it = whole or manages
    all_passages = list(passages(source)) if perms.can_read_source_text(user, source) else []
    readable = turns.readable(all_passages)
    if answers_for_it:
        corrections, edits = source.corrections.all(), source.edits.all()
        quotes = source.quotes.select_related("theme")
    elif own_speakers:
        corrections = source.corrections.filter(requested_by=user)
        edits = source.edits.filter(correction__speaker__in=own_speakers)
        quotes = [
            q
            for q in source.quotes.select_related("theme")
            if any(v in own_speakers for v in source.voices_in(q.start, q.end))
        ]
    else:
        corrections, edits, quotes = [], [], []
    if whole or perms.can_view_project_sensemaking(user, source.project):
        notes = source.notes.select_related("author")
    else:
        notes = source.notes.filter(author=user) if own else []
    return SourceRecord(
        passages=readable,
        hidden_passages=len(all_passages) - len(readable),
        notes=notes,
        corrections=corrections,
        edits=edits,
        quotes=quotes,
        events=source.events.select_related("actor")[:50],
        turns=turns,
        speakers=speakers,
    )


def code_record(code: Code) -> dict[str, QuerySet]:
    """A code's page: its revisions, memos and the codes under it (lazy, in their models' order)."""
    return {
        "revisions": code.revisions.select_related("edited_by", "parent"),
        "memos": code.memos.select_related("author"),
        "children": code.children.all(),
    }


def speakers_of(source: Source) -> list:
    """The speaker labels found in the source, with the people they are mapped to."""
    return list(source.speakers.select_related("person"))


def speech_spans(speaker: Speaker) -> list[tuple[int, int]]:
    """Where the speaker's own words are: each of their turns, without the "Name: " label."""
    return list(speaker.segments.order_by("index").values_list("speech_start", "end"))


def passage_in(user, source: Source, segment_id) -> Segment | None:
    """The passage with this id if it belongs to this source and this person may read it."""
    segment = source.segments.filter(pk=segment_id).first()
    return segment if segment is not None and Turns(user, source).may_read(segment) else None


def passage_index(user, source: Source, segment_id) -> int:
    """Where a passage sits among those this person may read (0 for one that is not there), to find its
    page."""
    ids = [s.pk for s in readable_passages(user, source)]
    return ids.index(segment_id) if segment_id in ids else 0


def may_read_span(user, source: Source, start: int, end: int) -> bool:
    """Every turn the characters ``[start, end)`` touch is one this person may read."""
    return Turns(user, source).may_read_span(start, end)


def passage_at(source: Source, position: int) -> Segment | None:
    """The passage holding the character at ``position``."""
    return source.segments.filter(start__lte=position).order_by("-start").first()


@dataclass
class CodingWork:
    """What the coding page shows besides the passages: the coder's own codings, memos and suggestions."""

    my_codings: list[Coding]
    memos: list[Memo]
    suggestions: list[Suggestion]
    other_coders: int


def coding_work(user, source: Source) -> CodingWork:
    my_codings = list(Coding.objects.filter(source=source, coder=user).select_related("code"))
    for coding in my_codings:
        coding.source = source  # the page already has it; no query per coding
    return CodingWork(
        my_codings=my_codings,
        memos=list(Memo.objects.filter(segment__source=source).select_related("author")),
        suggestions=list(
            Suggestion.objects.filter(
                segment__source=source, status=Suggestion.Status.PENDING
            ).select_related("code")
        ),
        other_coders=Coding.objects.filter(source=source)
        .exclude(coder=user)
        .values("coder")
        .distinct()
        .count(),
    )


def code_tree(project: Project) -> list[tuple[Code, int]]:
    """Every code with its depth, parents before children, siblings in order."""
    codes = list(Code.objects.filter(project=project).order_by("position", "name", "id"))
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent_id, depth):
        for code in children.get(parent_id, []):
            ordered.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return ordered


def codes_by_id(project: Project) -> dict[int, Code]:
    return {c.pk: c for c in Code.objects.filter(project=project)}


def coded_count(code: Code) -> int:
    """How many codings use the code, leaving out withdrawn words."""
    return analysable_codings(code.project).filter(code=code).count()


def project_coders(project: Project) -> list[Person]:
    """Everyone whose codings count in the project, by badge name."""
    coder_ids = analysable_codings(project).values_list("coder", flat=True).distinct()
    return list(Person.objects.filter(pk__in=coder_ids).order_by("badge_name", "pk"))


def codings_between(source: Source, code: Code, coders: list[Person]) -> list[Coding]:
    return list(Coding.objects.filter(source=source, code=code, coder__in=coders))


class _Readable:
    """Whether a person may read passages of several sources, reading each source's speakers once."""

    def __init__(self, user):
        self.user = user
        self.turns: dict[int, Turns] = {}

    def __call__(self, segment: Segment) -> bool:
        if segment.source_id not in self.turns:
            self.turns[segment.source_id] = Turns(self.user, segment.source)
        return self.turns[segment.source_id].may_read(segment)


def pending_suggestions(user, project: Project, visible: QuerySet[Source]) -> list[Suggestion]:
    """Suggestions waiting for a decision on passages the person may read, in reading order."""
    readable = _Readable(user)
    return [
        s
        for s in Suggestion.objects.filter(
            project=project, status=Suggestion.Status.PENDING, segment__source__in=visible
        )
        .select_related("segment", "segment__source", "segment__source__project", "code")
        .order_by("segment__source__added_at", "segment__source_id", "segment__index", "-confidence")
        if readable(s.segment)
    ]


def open_theme_candidates(user, project: Project) -> list[ThemeCandidate]:
    """Candidate themes not set aside, whose every source this person may see: a candidate's label and
    keywords come from all the words it was found in."""
    visible = set(
        sources_visible_to(user, project)
        .filter(withdrawn_at__isnull=True, erased_at__isnull=True)
        .values_list("pk", flat=True)
    )
    return [
        c
        for c in ThemeCandidate.objects.filter(project=project, dismissed=False).select_related(
            "adopted_code"
        )
        if set(c.source_ids or []) <= visible
    ]


def segments_by_id(user, ids, visible: QuerySet[Source]) -> dict[int, Segment]:
    """Passages by id, that the person may read only."""
    readable = _Readable(user)
    return {
        s.pk: s
        for s in Segment.objects.filter(pk__in=ids, source__in=visible).select_related(
            "source", "source__project"
        )
        if readable(s)
    }


def segments_by_source(source_ids) -> dict[int, list[Segment]]:
    """The passages of these sources, each source's in order."""
    result: dict[int, list[Segment]] = {}
    for segment in Segment.objects.filter(source_id__in=source_ids).order_by("start"):
        result.setdefault(segment.source_id, []).append(segment)
    return result


def themes_with_open_flags(project: Project) -> list[Theme]:
    """The project's themes in order, each with ``open_flags``: flags not yet dealt with."""
    unresolved = Flag.objects.filter(resolved_at__isnull=True)
    return list(
        project.themes.prefetch_related(
            "codes", "quotes", Prefetch("flags", queryset=unresolved, to_attr="open_flags")
        )
    )


def theme_quotes(theme: Theme) -> list[Quote]:
    """The theme's quotes in order, each with ``open_flags``: flags not yet dealt with."""
    unresolved = Flag.objects.filter(resolved_at__isnull=True)
    return list(
        theme.quotes.select_related("source", "signed_off_by").prefetch_related(
            Prefetch("flags", queryset=unresolved, to_attr="open_flags")
        )
    )


def quoted_spans(theme: Theme) -> set[tuple[int, int, int]]:
    """(source id, start, end) of every passage already quoted in the theme."""
    return set(theme.quotes.values_list("source_id", "start", "end"))


def identifier_entries(project: Project) -> QuerySet[IdentifierEntry]:
    return IdentifierEntry.objects.filter(project=project)


def replacement_log(project: Project) -> QuerySet[ReplacementLog]:
    return ReplacementLog.objects.filter(quote__theme__project=project).select_related(
        "quote", "quote__theme", "applied_by"
    )


def quotes_waiting_for_sign_off(project: Project) -> QuerySet[Quote]:
    return Quote.objects.filter(
        theme__project=project, signed_off_at__isnull=True, source__withdrawn_at__isnull=True
    ).select_related("theme")
