"""Withdrawal: words leave the analysis at once, every use is flagged, and erasure follows a grace period.

A voice withdraws: a speaker their own turns (``do_withdraw_speaker``), or a whole source (its narrator,
when every word of it is theirs, or a coordinator on someone's behalf). ``do_withdraw_own_words``
withdraws whatever is the acting person's own in a source, and nobody else's.

Run ``erase_withdrawn_sources()`` once a day (``coproduce manage erase_withdrawn_sources`` from cron or a
systemd timer); it erases withdrawn sources and speakers' turns, flags quotes whose consent has run out
and clears stale spreadsheet imports.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from coproduce.core.audit import record
from coproduce.core.text import clean_text

from ..errors import SensemakingError
from ..models import (
    Coding,
    CorrectionRequest,
    ExportRecord,
    Flag,
    Memo,
    PendingImport,
    Quote,
    Segment,
    Source,
    SourceEdit,
    SourceNote,
    Speaker,
    Suggestion,
    Theme,
    ThemeCandidate,
)
from ..permissions import own_voices
from .sources import _shift, drop_candidates_drawn_from, flag_quotes_no_longer_allowed, log_event


def grace_period() -> dt.timedelta:
    return dt.timedelta(days=settings.SENSEMAKING_WITHDRAWAL_GRACE_DAYS)


def _touching(spans: list[tuple[int, int]]) -> Q:
    touching = Q(pk__in=[])
    for start, end in spans:
        touching |= Q(start__lt=end, end__gt=start)
    return touching


def _overlapping(queryset, spans: list[tuple[int, int]]):
    """Rows of ``queryset`` (with ``start`` and ``end``) that touch any of ``spans``."""
    return queryset.filter(_touching(spans))


def _turn_spans(speaker: Speaker) -> list[tuple[int, int]]:
    return list(Segment.objects.filter(speaker=speaker).values_list("start", "end"))


def _flag_uses(source: Source, speaker: Speaker | None = None) -> int:
    """Flag every theme, quote and export that used these words (``speaker``: only their turns).
    Returns how many flags were raised."""
    flags: list[Flag] = []
    project = source.project
    quoted_themes: set[int] = set()
    quotes = Quote.objects.filter(source=source)
    codings = Coding.objects.filter(source=source)
    if speaker is not None:
        spans = _turn_spans(speaker)
        quotes, codings = _overlapping(quotes, spans), _overlapping(codings, spans)
    for quote in quotes.select_related("theme"):
        quoted_themes.add(quote.theme_id)
        flags.append(
            Flag(
                project=project,
                source=source,
                speaker=speaker,
                reason=Flag.Reason.WITHDRAWN,
                quote=quote,
                theme=quote.theme,
                subject=f"A quote in the theme “{quote.theme.name}”",
            )
        )
    coded_codes = codings.values("code_id")
    themes = Theme.objects.filter(
        Q(pk__in=quoted_themes) | Q(codes__in=coded_codes), project=project
    ).distinct()
    for theme in themes:
        flags.append(
            Flag(
                project=project,
                source=source,
                speaker=speaker,
                reason=Flag.Reason.WITHDRAWN,
                theme=theme,
                subject=f"The theme “{theme.name}” drew on these words",
            )
        )
    for export in ExportRecord.objects.filter(sources=source):
        when = timezone.localtime(export.created_at).strftime("%d %B %Y %H:%M").lstrip("0")
        flags.append(
            Flag(
                project=project,
                source=source,
                speaker=speaker,
                reason=Flag.Reason.WITHDRAWN,
                export=export,
                subject=f"{export.get_kind_display()} exported on {when}",
            )
        )
    Flag.objects.bulk_create(flags)
    return len(flags)


def do_withdraw_source(source: Source, *, acting_user, on_behalf: bool = False) -> Source:
    """Withdraw a narrator's words now. Their codings stop counting at once (every analysis reads only
    sources in the analysis), pending suggestions on them go, and every use is flagged. The words
    themselves are erased after the grace period."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if source.is_withdrawn or source.is_erased:
            raise SensemakingError("These words have already been withdrawn.")
        now = timezone.now()
        source.withdrawn_at = now
        source.withdrawn_by = acting_user
        source.erase_after = now + grace_period()
        source.save(update_fields=["withdrawn_at", "withdrawn_by", "erase_after"])
        Suggestion.objects.filter(segment__source=source, status=Suggestion.Status.PENDING).delete()
        drop_candidates_drawn_from(source)
        flags = _flag_uses(source)
        erase_on = timezone.localtime(source.erase_after).strftime("%d %B %Y").lstrip("0")
        who = "on the narrator's behalf" if on_behalf else "by the narrator"
        log_event(
            source,
            "withdrawn",
            f"Withdrawn {who}. The words will be erased on {erase_on}.",
            actor=acting_user,
        )
        record(
            "sensemaking.source_withdrawn", source, acting_user=acting_user, flags=flags, on_behalf=on_behalf
        )
    return source


def do_cancel_withdrawal(source: Source, *, acting_user) -> Source:
    """The narrator changed their mind before erasure: their words come back into the analysis."""
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if not source.is_withdrawn or source.is_erased:
            raise SensemakingError("These words are not withdrawn, or have already been erased.")
        source.withdrawn_at = None
        source.withdrawn_by = None
        source.erase_after = None
        source.save(update_fields=["withdrawn_at", "withdrawn_by", "erase_after"])
        Flag.objects.filter(
            source=source, speaker__isnull=True, reason=Flag.Reason.WITHDRAWN, resolved_at__isnull=True
        ).update(
            resolved_at=timezone.now(),
            resolved_by=acting_user,
            resolution="The narrator cancelled the withdrawal.",
        )
        log_event(
            source,
            "withdrawal_cancelled",
            "Withdrawal cancelled: the words are back in the analysis.",
            actor=acting_user,
        )
        record("sensemaking.withdrawal_cancelled", source, acting_user=acting_user)
    return source


def do_withdraw_speaker(speaker: Speaker, *, acting_user, on_behalf: bool = False) -> Speaker:
    """Withdraw one speaker's turns now, and nobody else's. The codings and quotes on their turns stop
    counting at once, pending suggestions on them go, and every use is flagged; their turns (and
    everything on them) are erased after the grace period."""
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().select_related("source").get(pk=speaker.pk)
        source = speaker.source
        if speaker.is_withdrawn or speaker.is_erased or source.is_withdrawn or source.is_erased:
            raise SensemakingError("These words have already been withdrawn.")
        now = timezone.now()
        speaker.withdrawn_at = now
        speaker.withdrawn_by = acting_user
        speaker.erase_after = now + grace_period()
        speaker.save(update_fields=["withdrawn_at", "withdrawn_by", "erase_after"])
        Suggestion.objects.filter(segment__speaker=speaker, status=Suggestion.Status.PENDING).delete()
        drop_candidates_drawn_from(source)
        flags = _flag_uses(source, speaker)
        erase_on = timezone.localtime(speaker.erase_after).strftime("%d %B %Y").lstrip("0")
        who = "on their behalf" if on_behalf else "by themselves"
        log_event(
            source,
            "withdrawn",
            f"{speaker.pseudonymised} withdrew their words ({who}). Their turns will be erased on "
            f"{erase_on}; everyone else's words stay.",
            actor=acting_user,
        )
        record(
            "sensemaking.speaker_withdrawn",
            speaker,
            acting_user=acting_user,
            source=source.pk,
            flags=flags,
            on_behalf=on_behalf,
        )
    return speaker


def do_cancel_speaker_withdrawal(speaker: Speaker, *, acting_user) -> Speaker:
    """A speaker changed their mind before erasure: their turns come back into the analysis."""
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().select_related("source").get(pk=speaker.pk)
        if not speaker.is_withdrawn or speaker.is_erased:
            raise SensemakingError("These words are not withdrawn, or have already been erased.")
        speaker.withdrawn_at = None
        speaker.withdrawn_by = None
        speaker.erase_after = None
        speaker.save(update_fields=["withdrawn_at", "withdrawn_by", "erase_after"])
        Flag.objects.filter(speaker=speaker, reason=Flag.Reason.WITHDRAWN, resolved_at__isnull=True).update(
            resolved_at=timezone.now(),
            resolved_by=acting_user,
            resolution="The speaker cancelled the withdrawal.",
        )
        log_event(
            speaker.source,
            "withdrawal_cancelled",
            f"{speaker.pseudonymised} cancelled their withdrawal: their words are back in the analysis.",
            actor=acting_user,
        )
        record("sensemaking.speaker_withdrawal_cancelled", speaker, acting_user=acting_user)
    return speaker


def do_withdraw_own_words(source: Source, *, acting_user) -> list:
    """Withdraw every voice in ``source`` that is the acting person's own — their speakers' turns, or the
    whole source when every word of it is theirs — and nobody else's. Returns what was withdrawn."""
    voices = [v for v in own_voices(acting_user, source) if not v.is_withdrawn]
    if not voices:
        raise SensemakingError(gettext("There are no words of yours here to withdraw."))
    with transaction.atomic():
        return [
            do_withdraw_source(v, acting_user=acting_user)
            if isinstance(v, Source)
            else do_withdraw_speaker(v, acting_user=acting_user)
            for v in voices
        ]


def do_cancel_own_withdrawal(source: Source, *, acting_user) -> list:
    """Put back every withdrawn voice in ``source`` that is the acting person's own (before erasure)."""
    voices = [v for v in own_voices(acting_user, source) if v.is_withdrawn and not v.is_erased]
    if not voices:
        raise SensemakingError("These words are not withdrawn, or have already been erased.")
    with transaction.atomic():
        return [
            do_cancel_withdrawal(v, acting_user=acting_user)
            if isinstance(v, Source)
            else do_cancel_speaker_withdrawal(v, acting_user=acting_user)
            for v in voices
        ]


def _remove_spans(source: Source, spans: list[tuple[int, int]]) -> None:
    """Cut ``spans`` out of the source's text, and move every segment, coding and quote after them so
    each still sits on the same words. Whatever touched a span must already be gone."""
    text = source.text
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
        for model in (Coding, Quote):
            for row in model.objects.filter(source=source, end__gt=start):
                row.start = _shift(row.start, start, end, 0)
                row.end = _shift(row.end, start, end, 0)
                row.save(update_fields=["start", "end"])
        for segment in Segment.objects.filter(source=source, end__gt=start):
            segment.start = _shift(segment.start, start, end, 0)
            segment.speech_start = _shift(segment.speech_start, start, end, 0)
            segment.end = _shift(segment.end, start, end, 0)
            segment.save(update_fields=["start", "speech_start", "end"])
    source.text = text
    source.save(update_fields=["text"])
    for index, segment in enumerate(Segment.objects.filter(source=source).order_by("index")):
        if segment.index != index:  # moving down only: the lower index is always free by now
            segment.index = index
            segment.save(update_fields=["index"])


def _erase_speaker(speaker: Speaker, now) -> None:
    """Erase, not hide, one speaker's turns: their words, the line each was on, and everything on them
    (codings, quotes, memos, suggestions, their notes and corrections). Everyone else's words stay, at
    the same words they were on. The speaker is kept only as "Erased speaker" (for the history)."""
    source = Source.objects.select_for_update().get(pk=speaker.source_id)
    turns = list(Segment.objects.filter(speaker=speaker).order_by("start"))
    spans = []
    for turn in turns:
        end = turn.end
        end += 2 if source.text[end : end + 2] == "\r\n" else 1 if source.text[end : end + 1] == "\n" else 0
        spans.append((turn.start, end))
    _overlapping(Quote.objects.filter(source=source), spans).delete()
    _overlapping(Coding.objects.filter(source=source), spans).delete()
    segment_ids = {t.pk for t in turns}
    Memo.objects.filter(segment_id__in=segment_ids).delete()
    Suggestion.objects.filter(segment_id__in=segment_ids).delete()
    for candidate in ThemeCandidate.objects.filter(project=source.project):
        kept = [i for i in candidate.segment_ids if i not in segment_ids]
        if kept != candidate.segment_ids:
            candidate.segment_ids = kept
            candidate.save(update_fields=["segment_ids"])
    corrections = CorrectionRequest.objects.filter(speaker=speaker)
    SourceEdit.objects.filter(Q(correction__in=corrections) | _touching(spans), source=source).delete()
    corrections.delete()
    if speaker.person_id:
        SourceNote.objects.filter(source=source, author_id=speaker.person_id).delete()
    Segment.objects.filter(pk__in=segment_ids).delete()
    _remove_spans(source, spans)
    if speaker.person_id and speaker.person_id == source.narrator_person_id:
        # Otherwise the narrator, no longer linked to a speaker, would count every word left as theirs.
        source.narrator_person = None
        source.narrator_name = ""
        source.save(update_fields=["narrator_person", "narrator_name"])
    speaker.label = f"Erased speaker {speaker.pk}"
    speaker.person = None
    speaker.pseudonym = ""
    speaker.erased_at = now
    speaker.save(update_fields=["label", "person", "pseudonym", "erased_at"])
    log_event(source, "erased", "A speaker's turns were erased after their withdrawal.", actor=None)


def _erase(source: Source, now) -> None:
    """Erase, not hide: the words, everything derived from them, and who they belonged to."""
    Quote.objects.filter(source=source).delete()
    Memo.objects.filter(segment__source=source).delete()
    Coding.objects.filter(source=source).delete()
    Suggestion.objects.filter(segment__source=source).delete()
    segment_ids = set(source.segments.values_list("pk", flat=True))
    for candidate in ThemeCandidate.objects.filter(project=source.project):
        kept = [i for i in candidate.segment_ids if i not in segment_ids]
        if kept != candidate.segment_ids:
            candidate.segment_ids = kept
            candidate.save(update_fields=["segment_ids"])
    source.segments.all().delete()
    source.speakers.all().delete()
    source.notes.all().delete()
    source.corrections.all().delete()
    source.edits.all().delete()
    source.text = ""
    source.title = f"Erased source {source.pk}"
    source.original_filename = ""
    source.narrator_person = None
    source.narrator_name = ""
    source.narrator_pseudonym = ""
    source.erased_at = now
    source.save()
    log_event(source, "erased", "Erased after withdrawal.", actor=None)


def erase_withdrawn_sources(now=None) -> int:
    """Erase every withdrawn source, and every withdrawn speaker's turns, whose grace period has passed.
    Run daily. Returns how many sources and speakers were erased.

    Also flags quotes whose consent has run out and deletes spreadsheet imports left unfinished for a day.
    """
    now = now or timezone.now()
    erased = 0
    due = Source.objects.filter(withdrawn_at__isnull=False, erased_at__isnull=True, erase_after__lte=now)
    for source_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            source = Source.objects.select_for_update().get(pk=source_id)
            if source.erased_at is not None:
                continue
            _erase(source, now)
            record("sensemaking.source_erased", source, acting_user=None)
            erased += 1
    due_speakers = Speaker.objects.filter(
        withdrawn_at__isnull=False,
        erased_at__isnull=True,
        erase_after__lte=now,
        source__erased_at__isnull=True,
    )
    for speaker_id in due_speakers.values_list("pk", flat=True):
        with transaction.atomic():
            speaker = Speaker.objects.select_for_update().get(pk=speaker_id)
            if speaker.erased_at is not None:
                continue
            _erase_speaker(speaker, now)
            record("sensemaking.speaker_erased", speaker, acting_user=None, source=speaker.source_id)
            erased += 1
    flag_expired_consents(today=timezone.localdate(now))
    PendingImport.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    return erased


def flag_expired_consents(today=None) -> int:
    """Flag quotes whose words' consent (the source's, or a speaker's) ended before ``today``."""
    today = today or timezone.localdate()
    flagged = 0
    expired = Source.objects.filter(
        Q(consent_until__lt=today) | Q(speakers__consent_until__lt=today),
        withdrawn_at__isnull=True,
        quotes__isnull=False,
    ).distinct()
    for source in expired:
        with transaction.atomic():
            flagged += flag_quotes_no_longer_allowed(source, Flag.Reason.CONSENT_EXPIRED)
    return flagged


def do_resolve_flag(flag: Flag, *, resolution: str, acting_user) -> Flag:
    resolution = clean_text(resolution).strip()
    if not resolution:
        raise SensemakingError(
            "Say what was done, for example “quote removed from the report”.", field="resolution"
        )
    with transaction.atomic():
        flag.resolved_at = timezone.now()
        flag.resolved_by = acting_user
        flag.resolution = resolution[:300]
        flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        record("sensemaking.flag_resolved", flag, acting_user=acting_user)
    return flag
