"""Help with volume: code suggestions people accept or reject, and theme discovery they may adopt.

The numbers come from ``coproduce.engine.coding``; nothing here applies a code on anyone's behalf.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from coproduce.core.audit import record
from coproduce.engine import coding as engine

from ..access import analysable_codings, analysable_sources
from ..errors import SensemakingError
from ..models import Code, Segment, Suggestion, ThemeCandidate
from .coding import do_add_code, do_apply_code

MIN_CODED_PASSAGES = 6
MIN_CONFIDENCE = 0.2
SUGGESTIONS_PER_PASSAGE = 2
MIN_PASSAGES_FOR_DISCOVERY = 10


def _segments_in_analysis(project) -> list[Segment]:
    return [
        s
        for s in Segment.objects.filter(source__in=analysable_sources(project))
        .select_related("source")
        .order_by("source__added_at", "source_id", "index")
        if s.speech.strip()
    ]


def training_data(project) -> tuple[list[Segment], list[set[str]], list[Segment]]:
    """(coded segments, their codes, uncoded segments). A coded segment's labels are every code anyone
    applied to its words (passages often carry several codes); a segment nobody has coded is a
    candidate for suggestions."""
    segments = _segments_in_analysis(project)
    coverage: dict[int, Counter] = defaultdict(Counter)
    by_source = defaultdict(list)
    for coding in analysable_codings(project).values("source_id", "code_id", "start", "end"):
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
    """Learn from what the team has coded and suggest codes for passages nobody has coded yet.

    Replaces earlier pending suggestions; rejected ones are remembered and not suggested again.
    Returns how many suggestions are waiting for a decision.
    """
    coded, labels, uncoded = training_data(project)
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
        suggester = engine.CodeSuggester().fit([s.speech for s in coded], labels)
        results = suggester.suggest(
            [s.speech for s in uncoded], top_k=SUGGESTIONS_PER_PASSAGE, min_confidence=MIN_CONFIDENCE
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
        Suggestion.objects.filter(project=project, status=Suggestion.Status.PENDING).delete()
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
    """Find candidate themes in the passages nobody has coded yet, for the team to read and adopt."""
    _, _, uncoded = training_data(project)
    if len(uncoded) < MIN_PASSAGES_FOR_DISCOVERY:
        raise SensemakingError(
            f"Theme discovery needs at least {MIN_PASSAGES_FOR_DISCOVERY} passages nobody has coded yet; "
            f"there are {len(uncoded)}."
        )
    texts = [s.speech for s in uncoded]
    try:
        themes = engine.discover_themes(texts, n_quotes=5)
    except engine.CodingDataError as error:
        raise SensemakingError(f"Themes could not be found in these passages: {error}") from None
    with transaction.atomic():
        ThemeCandidate.objects.filter(project=project, adopted_code__isnull=True).delete()
        candidates = [
            ThemeCandidate.objects.create(
                project=project,
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
    name = " ".join((name or candidate.label).split())
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
