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

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from coproduce.partnerships.models import Project
from coproduce.people.models import Person

from . import permissions as perms
from .models import (
    Audience,
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
    Suggestion,
    Theme,
    ThemeCandidate,
)


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
        .select_related("project")
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


def _segment_where(user, project_id, segment_id, allowed: Callable[..., bool]) -> Segment:
    segment = (
        Segment.objects.filter(source__project_id=_int(project_id), pk=_int(segment_id))
        .select_related("source", "source__project")
        .first()
    )
    if segment is None or not _seen_and(allowed)(user, segment.source):
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
    """A candidate theme found by discovery; adopting it adds a code, so it is for codebook editors."""
    candidate = (
        ThemeCandidate.objects.filter(project_id=_int(project_id), pk=_int(candidate_id))
        .select_related("project")
        .first()
    )
    if candidate is None or not perms.can_edit_codebook(user, candidate.project):
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
    """Sources this person may see in the project, per role, narration and consent audience."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    sources = Source.objects.filter(project=project)
    role = perms.role_of(user, project)
    own = Q(narrator_person=user, erased_at__isnull=True)
    if role == "coordinator":
        return sources
    if role is None:
        return sources.filter(own)
    # JSON "contains" is not on SQLite; the audience list is short, so filter in Python on ids.
    team_ids = [
        s.pk
        for s in sources.filter(withdrawn_at__isnull=True, erased_at__isnull=True).only(
            "id", "consent_audiences"
        )
        if Audience.TEAM in (s.consent_audiences or [])
    ]
    return sources.filter(Q(pk__in=team_ids) | own)


def narrated_sources(user) -> QuerySet[Source]:
    """Everything a person has said that any project holds, until erased."""
    return Source.objects.filter(narrator_person=user, erased_at__isnull=True).select_related("project")


def overview_sources(user, project: Project) -> QuerySet[Source]:
    """The sources the person may see, with their number of passages and of the person's own codings."""
    return (
        sources_visible_to(user, project)
        .annotate(
            passages=Count("segments", distinct=True),
            my_codings=Count("codings", filter=Q(codings__coder=user), distinct=True),
        )
        .order_by("added_at", "id")
    )


def analysable_sources(project: Project) -> QuerySet[Source]:
    """Sources whose words are in the analysis: not withdrawn, not erased."""
    return Source.objects.filter(project=project, withdrawn_at__isnull=True, erased_at__isnull=True)


def analysable_codings(project: Project) -> QuerySet[Coding]:
    """Codings that count: withdrawn words leave the analysis the moment they are withdrawn."""
    return Coding.objects.filter(
        source__project=project, source__withdrawn_at__isnull=True, source__erased_at__isnull=True
    )


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


@dataclass
class SourceRecord:
    """What a person may see on a source's page besides its consent: its words, cut into passages
    (empty when they may not read them), and the notes, corrections, edits and quotes that are theirs
    to see (empty otherwise). ``events`` is the history, shown to those the page shows it to."""

    passages: list[Segment]
    notes: QuerySet | list
    corrections: QuerySet | list
    edits: QuerySet | list
    quotes: QuerySet | list
    events: QuerySet


def source_record(user, source: Source) -> SourceRecord:
    """The source's record as ``user`` may see it. Querysets stay lazy: the page reads only what it shows."""
    narrator = perms.is_narrator(user, source)
    answers_for_it = narrator or perms.can_manage_source(user, source)
    member_or_narrator = narrator or perms.can_view_project_sensemaking(user, source.project)
    return SourceRecord(
        passages=list(passages(source)) if perms.can_read_source_text(user, source) else [],
        notes=source.notes.select_related("author") if member_or_narrator else [],
        corrections=source.corrections.all() if answers_for_it else [],
        edits=source.edits.all() if answers_for_it else [],
        quotes=source.quotes.select_related("theme") if answers_for_it else [],
        events=source.events.select_related("actor")[:50],
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


def passage_in(source: Source, segment_id) -> Segment | None:
    """The passage with this id if it belongs to this source."""
    return source.segments.filter(pk=segment_id).first()


def passage_index(source: Source, segment_id) -> int:
    """Where a passage sits in its source (0 for one that is not there), to find its page."""
    return source.segments.filter(pk=segment_id).values_list("index", flat=True).first() or 0


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
    return Coding.objects.filter(code=code, source__withdrawn_at__isnull=True).count()


def project_coders(project: Project) -> list[Person]:
    """Everyone whose codings count in the project, by badge name."""
    coder_ids = analysable_codings(project).values_list("coder", flat=True).distinct()
    return list(Person.objects.filter(pk__in=coder_ids).order_by("badge_name", "pk"))


def codings_between(source: Source, code: Code, coders: list[Person]) -> list[Coding]:
    return list(Coding.objects.filter(source=source, code=code, coder__in=coders))


def pending_suggestions(project: Project, visible: QuerySet[Source]) -> QuerySet[Suggestion]:
    """Suggestions waiting for a decision on sources the person may see, in reading order."""
    return (
        Suggestion.objects.filter(
            project=project, status=Suggestion.Status.PENDING, segment__source__in=visible
        )
        .select_related("segment", "segment__source", "code")
        .order_by("segment__source__added_at", "segment__source_id", "segment__index", "-confidence")
    )


def open_theme_candidates(project: Project) -> list[ThemeCandidate]:
    return list(
        ThemeCandidate.objects.filter(project=project, dismissed=False).select_related("adopted_code")
    )


def segments_by_id(ids, visible: QuerySet[Source]) -> dict[int, Segment]:
    """Passages by id, from sources the person may see only."""
    return {s.pk: s for s in Segment.objects.filter(pk__in=ids, source__in=visible).select_related("source")}


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
