"""Withdrawal: words leave the analysis at once, every use is flagged, and erasure follows a grace period.

Run ``erase_withdrawn_sources()`` once a day (``coproduce manage erase_withdrawn_sources`` from cron or a
systemd timer); it also flags quotes whose consent has run out and clears stale spreadsheet imports.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coproduce.core.audit import record

from ..errors import SensemakingError
from ..models import (
    Coding,
    ExportRecord,
    Flag,
    Memo,
    PendingImport,
    Quote,
    Source,
    Suggestion,
    Theme,
    ThemeCandidate,
)
from .sources import flag_quotes_no_longer_allowed, log_event


def grace_period() -> dt.timedelta:
    return dt.timedelta(days=settings.SENSEMAKING_WITHDRAWAL_GRACE_DAYS)


def _flag_uses(source: Source) -> int:
    """Flag every theme, quote and export that used these words. Returns how many flags were raised."""
    flags: list[Flag] = []
    project = source.project
    quoted_themes: set[int] = set()
    for quote in Quote.objects.filter(source=source).select_related("theme"):
        quoted_themes.add(quote.theme_id)
        flags.append(
            Flag(
                project=project,
                source=source,
                reason=Flag.Reason.WITHDRAWN,
                quote=quote,
                theme=quote.theme,
                subject=f"A quote in the theme “{quote.theme.name}”",
            )
        )
    coded_codes = Coding.objects.filter(source=source).values("code_id")
    themes = Theme.objects.filter(
        Q(pk__in=quoted_themes) | Q(codes__in=coded_codes), project=project
    ).distinct()
    for theme in themes:
        flags.append(
            Flag(
                project=project,
                source=source,
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
        Flag.objects.filter(source=source, reason=Flag.Reason.WITHDRAWN, resolved_at__isnull=True).update(
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
    """Erase every withdrawn source whose grace period has passed. Run daily. Returns how many were erased.

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
    flag_expired_consents(today=timezone.localdate(now))
    PendingImport.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    return erased


def flag_expired_consents(today=None) -> int:
    """Flag quotes from sources whose consent ended before ``today``."""
    today = today or timezone.localdate()
    flagged = 0
    expired = Source.objects.filter(
        consent_until__lt=today, withdrawn_at__isnull=True, quotes__isnull=False
    ).distinct()
    for source in expired:
        with transaction.atomic():
            flagged += flag_quotes_no_longer_allowed(source, Flag.Reason.CONSENT_EXPIRED)
    return flagged


def do_resolve_flag(flag: Flag, *, resolution: str, acting_user) -> Flag:
    resolution = resolution.strip()
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
