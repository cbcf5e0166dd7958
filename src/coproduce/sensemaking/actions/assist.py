"""Help with volume: code suggestions people accept or reject, and theme discovery they may adopt.

The numbers come from ``coproduce.engine.coding``; nothing here applies a code on anyone's behalf.

Both learn only from what the person asking may read, and only from words whose voice agreed to the
project team analysing them (a coordinator reads more, but what the help finds is shown to the team).
The words go in pseudonymised (``redaction.py``, as nobody in particular sees them), so a discovered
theme's label and keywords carry no name, and no word from anything else.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from coproduce.core.audit import record
from coproduce.core.text import clean_line
from coproduce.engine import coding as engine

from ..access import analysable_codings, analysable_segments, analysable_sources, sources_visible_to
from ..errors import SensemakingError
from ..models import Code, Segment, Suggestion, ThemeCandidate
from ..redaction import Redactor
from ..voices import Turns
from .coding import do_add_code, do_apply_code

MIN_CODED_PASSAGES = 6
MIN_CONFIDENCE = 0.2
SUGGESTIONS_PER_PASSAGE = 2
MIN_PASSAGES_FOR_DISCOVERY = 10


def segments_for_assistance(project, user) -> list[Segment]:
    """Turns the help may learn from and work on for ``user``: in the analysis, readable by them, and
    whose voice agreed to the project team reading (analysing) them. Each carries ``shown_speech``: its
    words pseudonymised."""
    visible = sources_visible_to(user, project).filter(withdrawn_at__isnull=True, erased_at__isnull=True)
    turns: dict[int, Turns] = {}
    redactor = Redactor()
    result = []
    for segment in (
        analysable_segments(project)
        .filter(source__in=visible)
        .select_related("source", "source__project")
        .order_by("source__added_at", "source_id", "index")
    ):
        if segment.source_id not in turns:
            turns[segment.source_id] = Turns(user, segment.source)
        access = turns[segment.source_id]
        if not (access.may_read(segment) and access.voice(segment).team_may_read):
            continue
        segment.shown_speech = redactor.span(segment.source, segment.speech_start, segment.end)
        if segment.shown_speech.strip():
            result.append(segment)
    return result


def training_data(project, user) -> tuple[list[Segment], list[set[str]], list[Segment]]:
    """(coded segments, their codes, uncoded segments), among the turns ``user`` may have help with
    (``segments_for_assistance``). A coded segment's labels are every code anyone applied to its words
    (passages often carry several codes); a segment nobody has coded is a candidate for suggestions."""
    segments = segments_for_assistance(project, user)
    coverage: dict[int, Counter] = defaultdict(Counter)
    by_source = defaultdict(list)
    for coding in (
        analysable_codings(project)
        .filter(source_id__in={s.source_id for s in segments})
        .values("source_id", "code_id", "start", "end")
    ):
        by_source[coding["source_id"]].append(coding)
    for segment in segments:
        for coding in by_source.get(segment.source_id, ()):
            overlap = min(coding["end"], segment.end) - max(coding["start"], segment.speech_start)
            if overlap > 0:
                coverage[segment.pk][coding["code_id"]] += overlap
    coded, labels, uncoded = [], [], []
    for segment in segments:
        if coverage[segment.pk]:
            coded.append(segment)
            labels.append({str(code_id) for code_id in coverage[segment.pk]})
        else:
            uncoded.append(segment)
    return coded, labels, uncoded


def do_generate_suggestions(project, *, acting_user) -> int:
    """Learn from what the team has coded and suggest codes for passages nobody has coded yet — both
    among the words the acting person may read (see ``segments_for_assistance``).

    Replaces earlier pending suggestions on those passages; rejected ones are remembered and not
    suggested again. Returns how many suggestions were made.
    """
    coded, labels, uncoded = training_data(project, acting_user)
    if len(coded) < MIN_CODED_PASSAGES or len(set().union(*labels)) < 2:
        raise SensemakingError(
            f"Code at least {MIN_CODED_PASSAGES} passages, with at least two different codes, "
            "before asking for suggestions: Coproduce learns from what you have coded."
        )
    if not uncoded:
        raise SensemakingError(
            "Every passage has been coded by someone: there is nothing left to suggest for."
        )
    try:
        suggester = engine.CodeSuggester().fit([s.shown_speech for s in coded], labels)
        results = suggester.suggest(
            [s.shown_speech for s in uncoded], top_k=SUGGESTIONS_PER_PASSAGE, min_confidence=MIN_CONFIDENCE
        )
    except engine.CodingDataError as error:
        raise SensemakingError(f"Suggestions could not be made from this coding: {error}") from None
    codes = {str(c.pk): c for c in Code.objects.filter(project=project)}
    rejected = set(
        Suggestion.objects.filter(project=project, status=Suggestion.Status.REJECTED).values_list(
            "segment_id", "code_id"
        )
    )
    with transaction.atomic():
        Suggestion.objects.filter(
            project=project, status=Suggestion.Status.PENDING, segment__in=[s.pk for s in uncoded]
        ).delete()
        new = []
        for segment, suggestions in zip(uncoded, results, strict=True):
            for label, confidence in suggestions:
                code = codes.get(str(label))
                if code is None or confidence < MIN_CONFIDENCE or (segment.pk, code.pk) in rejected:
                    continue
                new.append(
                    Suggestion(project=project, segment=segment, code=code, confidence=float(confidence))
                )
        Suggestion.objects.bulk_create(new, ignore_conflicts=True)
        record(
            "sensemaking.suggestions_generated",
            project,
            acting_user=acting_user,
            trained_on=len(coded),
            suggested=len(new),
        )
    return len(new)


def do_accept_suggestion(suggestion: Suggestion, *, acting_user) -> Suggestion:
    """Accepting applies the code as the accepting person's own coding of the passage's words."""
    if suggestion.status != Suggestion.Status.PENDING:
        raise SensemakingError("Someone has already decided on this suggestion.")
    segment = suggestion.segment
    with transaction.atomic():
        do_apply_code(
            segment.source,
            suggestion.code,
            start=segment.speech_start,
            end=segment.end,
            acting_user=acting_user,
        )
        suggestion.status = Suggestion.Status.ACCEPTED
        suggestion.decided_by = acting_user
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
        record("sensemaking.suggestion_accepted", suggestion, acting_user=acting_user)
    return suggestion


def do_reject_suggestion(suggestion: Suggestion, *, acting_user) -> Suggestion:
    if suggestion.status != Suggestion.Status.PENDING:
        raise SensemakingError("Someone has already decided on this suggestion.")
    with transaction.atomic():
        suggestion.status = Suggestion.Status.REJECTED
        suggestion.decided_by = acting_user
        suggestion.decided_at = timezone.now()
        suggestion.save(update_fields=["status", "decided_by", "decided_at"])
        record("sensemaking.suggestion_rejected", suggestion, acting_user=acting_user)
    return suggestion


def do_discover_themes(project, *, acting_user) -> list[ThemeCandidate]:
    """Find candidate themes in the passages nobody has coded yet, among those the acting person may
    read (see ``segments_for_assistance``), for the team to read and adopt. Each candidate records the
    sources it was found in: its label and keywords come from all of them, so it is shown only to those
    who may read them all. Replaces the acting person's earlier candidates not yet decided on."""
    _, _, uncoded = training_data(project, acting_user)
    if len(uncoded) < MIN_PASSAGES_FOR_DISCOVERY:
        raise SensemakingError(
            f"Theme discovery needs at least {MIN_PASSAGES_FOR_DISCOVERY} passages nobody has coded yet; "
            f"there are {len(uncoded)}."
        )
    texts = [s.shown_speech for s in uncoded]
    source_ids = sorted({s.source_id for s in uncoded})
    try:
        themes = engine.discover_themes(texts, n_quotes=5)
    except engine.CodingDataError as error:
        raise SensemakingError(f"Themes could not be found in these passages: {error}") from None
    with transaction.atomic():
        ThemeCandidate.objects.filter(
            project=project, adopted_code__isnull=True, discovered_by=acting_user
        ).delete()
        candidates = [
            ThemeCandidate.objects.create(
                project=project,
                discovered_by=acting_user,
                source_ids=source_ids,
                label=theme.label[:200],
                keywords=list(theme.terms)[:10],
                segment_ids=[uncoded[i].pk for i in theme.quote_indices],
                size=theme.size,
            )
            for theme in themes
        ]
        record(
            "sensemaking.themes_discovered",
            project,
            acting_user=acting_user,
            candidates=len(candidates),
            passages=len(texts),
        )
    return candidates


def do_adopt_candidate(candidate: ThemeCandidate, *, name: str, acting_user) -> Code:
    """Add a discovered theme to the codebook as a code, and offer its representative passages as
    suggestions (to accept or reject; nothing is coded automatically)."""
    if candidate.adopted_code_id:
        raise SensemakingError("This theme is already in the codebook.")
    name = clean_line(name or candidate.label)
    with transaction.atomic():
        code = Code.objects.filter(
            project=candidate.project, parent=None, name__iexact=name
        ).first() or do_add_code(
            candidate.project,
            name=name,
            description="Found by theme discovery; describe it in your own words.",
            acting_user=acting_user,
        )
        candidate.adopted_code = code
        candidate.save(update_fields=["adopted_code"])
        segments = Segment.objects.filter(
            pk__in=candidate.segment_ids, source__in=analysable_sources(candidate.project)
        )
        Suggestion.objects.bulk_create(
            [
                Suggestion(
                    project=candidate.project, segment=s, code=code, confidence=1.0, origin="discovery"
                )
                for s in segments
            ],
            ignore_conflicts=True,
        )
        record("sensemaking.theme_candidate_adopted", candidate, acting_user=acting_user, code=code.pk)
    return code


def do_dismiss_candidate(candidate: ThemeCandidate, *, acting_user) -> None:
    with transaction.atomic():
        candidate.dismissed = True
        candidate.save(update_fields=["dismissed"])
        record("sensemaking.theme_candidate_dismissed", candidate, acting_user=acting_user)
