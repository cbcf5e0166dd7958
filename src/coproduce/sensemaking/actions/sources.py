"""Adding sources, mapping speakers, consent, narrators' notes and corrections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from coproduce.core.audit import record, record_many
from coproduce.core.text import clean_line, clean_text

from ..budget import ImportBudget, ImportProblem
from ..errors import SensemakingError
from ..importers import ParsedSource, ParsedTable, read_upload, source_from_table
from ..isolation import run_isolated
from ..models import (
    Audience,
    Coding,
    ConsentUse,
    CorrectionRequest,
    Flag,
    PendingImport,
    Quote,
    Segment,
    Source,
    SourceEdit,
    SourceEvent,
    SourceNote,
    Speaker,
    ThemeCandidate,
)


@dataclass
class ConsentDetails:
    """What a narrator agreed to."""

    use: str = ConsentUse.ANALYSIS_ONLY
    audiences: tuple[str, ...] = (Audience.TEAM,)
    until: dt.date | None = None

    def as_dict(self) -> dict:
        return {
            "use": self.use,
            "audiences": list(self.audiences),
            "until": self.until.isoformat() if self.until else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ConsentDetails:
        until = dt.date.fromisoformat(data["until"]) if data.get("until") else None
        return cls(use=data["use"], audiences=tuple(data.get("audiences") or ()), until=until)

    def describe(self) -> str:
        labels = dict(Audience.choices)
        audiences = [labels[a] for a in Audience.values if a in self.audiences]
        parts = [dict(ConsentUse.choices)[self.use]]
        parts.append(
            "for " + (", ".join(a.lower() for a in audiences) if audiences else "nobody beyond coordinators")
        )
        if self.until:
            parts.append("until " + self.until.strftime("%d %B %Y").lstrip("0"))
        return "; ".join(parts)


@dataclass
class NarratorDetails:
    person: object | None = None  # a Person
    name: str = ""
    pseudonym: str = ""


def _validate_consent(consent: ConsentDetails) -> None:
    if consent.use not in ConsentUse.values:
        raise SensemakingError("Choose what the narrator agreed to.", field="consent_use")
    unknown = set(consent.audiences) - set(Audience.values)
    if unknown:
        raise SensemakingError("Choose audiences from the list.", field="consent_audiences")


def _names_match(label: str, name: str) -> bool:
    label, name = " ".join(label.split()).casefold(), " ".join(name.split()).casefold()
    return bool(name) and (label == name or label == name.split(" ")[0])


def _link_narrator(source: Source, speakers: list[Speaker], narrator: NarratorDetails) -> None:
    """The narrator's own turns are the speaker whose label is their name (or first name): link it, so
    their consent and withdrawal cover their turns and nobody else's. Unsaved speakers are changed."""
    names = [narrator.name] + ([narrator.person.badge_name] if narrator.person is not None else [])
    for speaker in speakers:
        if any(_names_match(speaker.label, name) for name in names if name):
            speaker.person = narrator.person
            speaker.pseudonym = speaker.pseudonym or clean_line(narrator.pseudonym)[:60]
            return


def log_event(source: Source, kind: str, summary: str, *, actor) -> SourceEvent:
    """Add to the history the narrator sees. Never put the words themselves in ``summary``."""
    return SourceEvent.objects.create(
        source=source,
        kind=kind,
        summary=summary[:300],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def import_budget() -> ImportBudget:
    """The limits on reading one uploaded file, from settings (``docs/operators.md``, "Security
    settings", Uploads). A fresh budget for every upload."""
    return ImportBudget(
        max_upload_bytes=settings.SENSEMAKING_MAX_UPLOAD_BYTES,
        max_unpacked_bytes=settings.SENSEMAKING_IMPORT_MAX_UNPACKED_BYTES,
        max_unpacked_ratio=settings.SENSEMAKING_IMPORT_MAX_UNPACKED_RATIO,
        max_cells=settings.SENSEMAKING_IMPORT_MAX_CELLS,
        max_pages=settings.SENSEMAKING_IMPORT_MAX_PAGES,
        max_segments=settings.SENSEMAKING_IMPORT_MAX_SEGMENTS,
        max_codes=settings.SENSEMAKING_IMPORT_MAX_CODES,
        max_codings=settings.SENSEMAKING_IMPORT_MAX_CODINGS,
        max_seconds=settings.SENSEMAKING_IMPORT_MAX_SECONDS,
        max_memory_bytes=settings.SENSEMAKING_IMPORT_MAX_MEMORY_BYTES,
    )


def refusal(problem: ImportProblem, field: str = "file") -> SensemakingError:
    """What to show the person for a file that cannot be imported, in their language."""
    return SensemakingError(problem.translated(gettext), field=field)


def read_apart(reader, upload, *leading_args):
    """``reader(*leading_args, data, budget=budget)`` run in a separate process within the import budget
    (:mod:`..isolation`), where ``data`` is the content of ``upload`` (an uploaded file, or bytes). A
    file over the size limit is refused before it is read. ``reader`` is a function of a module that
    does not use Django (``importers``, ``refi``).

    Returns what the reader returns (plain parsed data, for an action to store); raises
    SensemakingError with the message for the person, next to the ``file`` field."""
    budget = import_budget()
    try:
        if isinstance(upload, bytes):
            data = upload
        else:
            if upload.size is not None:
                budget.admit_upload(upload.size)
            data = upload.read(budget.max_upload_bytes + 1)
        budget.admit_upload(len(data))
        return run_isolated(reader, *leading_args, data, budget=budget)
    except ImportProblem as problem:
        raise refusal(problem) from None


def read_uploaded_file(uploaded) -> ParsedSource | ParsedTable:
    """Read an uploaded source into text and passages, or a table of responses (see read_apart)."""
    return read_apart(read_upload, uploaded, uploaded.name or "")


@dataclass
class NewSource:
    """A read source to store, with what to call it and whose words it holds."""

    parsed: ParsedSource
    title: str = ""
    original_filename: str = ""
    narrator: NarratorDetails = field(default_factory=NarratorDetails)


def do_add_source(
    project,
    parsed: ParsedSource,
    *,
    title: str,
    narrator: NarratorDetails,
    consent: ConsentDetails,
    original_filename: str = "",
    acting_user,
) -> Source:
    """Store a read source with its segments and speakers in one transaction: all of it or nothing."""
    new = NewSource(parsed=parsed, title=title, original_filename=original_filename, narrator=narrator)
    return do_add_sources(project, [new], consent=consent, acting_user=acting_user)[0]


def do_add_sources(
    project, new_sources: list[NewSource], *, consent: ConsentDetails, acting_user
) -> list[Source]:
    """Store read sources with their segments and speakers, all with ``consent``, in one transaction.

    One insert per kind of row however many sources there are (an imported project may hold hundreds),
    so the cost of storing is bounded by the import budget's passages, not by round trips."""
    _validate_consent(consent)
    sources = []
    for new in new_sources:
        original_filename = clean_line(new.original_filename)
        sources.append(
            Source(
                project=project,
                title=(clean_line(new.title) or original_filename or "Untitled source")[:200],
                kind=new.parsed.kind,
                file_format=new.parsed.file_format,
                original_filename=original_filename[:255],
                text=new.parsed.text,
                added_by=acting_user,
                narrator_person=new.narrator.person,
                narrator_name=clean_line(new.narrator.name)[:120],
                narrator_pseudonym=clean_line(new.narrator.pseudonym)[:60],
                consent_use=consent.use,
                consent_audiences=list(consent.audiences),
                consent_until=consent.until,
                consent_recorded_by=acting_user,
            )
        )
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    with transaction.atomic():
        Source.objects.bulk_create(sources)
        speakers: list[dict[str, Speaker]] = []
        for source, new in zip(sources, new_sources, strict=True):
            by_label = {}
            for position, label in enumerate(new.parsed.speakers, start=1):
                speaker = Speaker(source=source, label=label[:80], position=position)
                # Everyone starts with the consent recorded on the upload, on their behalf, until their
                # own is recorded (by them once linked to their account, or for them alone on the
                # Speakers page).
                speaker.copy_consent_from(source)
                by_label[label] = speaker
            _link_narrator(source, list(by_label.values()), new.narrator)
            speakers.append(by_label)
        Speaker.objects.bulk_create(speaker for by_label in speakers for speaker in by_label.values())
        Segment.objects.bulk_create(
            Segment(
                source=source,
                index=i,
                start=s.start,
                speech_start=s.speech_start,
                end=s.end,
                speaker=by_label.get(s.speaker),
                started_ms=s.started_ms,
                ended_ms=s.ended_ms,
                attributes=s.attributes,
            )
            for source, new, by_label in zip(sources, new_sources, speakers, strict=True)
            for i, s in enumerate(new.parsed.segments)
        )
        consent_summary = f"Consent recorded: {consent.describe()}."
        SourceEvent.objects.bulk_create(
            event
            for source, new in zip(sources, new_sources, strict=True)
            for event in (
                SourceEvent(
                    source=source,
                    kind="added",
                    summary=f"Added to the project ({len(new.parsed.segments)} passages).",
                    actor=actor,
                ),
                SourceEvent(source=source, kind="consent", summary=consent_summary[:300], actor=actor),
            )
        )
        record_many(
            "sensemaking.source_added",
            (
                (
                    source,
                    {
                        "kind": new.parsed.kind,
                        "file_format": new.parsed.file_format,
                        "segments": len(new.parsed.segments),
                        "characters": len(new.parsed.text),
                    },
                )
                for source, new in zip(sources, new_sources, strict=True)
            ),
            acting_user=acting_user,
        )
    return sources


def do_stage_table_import(
    project, table: ParsedTable, *, filename: str, details: dict, acting_user
) -> PendingImport:
    """Keep a read spreadsheet until someone chooses which column holds the responses."""
    with transaction.atomic():
        pending = PendingImport.objects.create(
            project=project,
            uploaded_by=acting_user,
            filename=filename[:255],
            file_format=table.file_format,
            columns=table.columns,
            rows=table.rows,
            details=details,
        )
        record("sensemaking.import_staged", pending, acting_user=acting_user, rows=len(table.rows))
    return pending


def guess_text_column(table_columns: list[str], rows: list[list[str]]) -> int:
    """The column with the longest answers on average: usually the free text."""
    best, best_length = 0, -1.0
    for index in range(len(table_columns)):
        values = [row[index] for row in rows[:200] if index < len(row) and row[index]]
        average = sum(len(v) for v in values) / max(len(values), 1)
        if average > best_length:
            best, best_length = index, average
    return best


def do_import_table(
    pending: PendingImport,
    *,
    text_column: int,
    attribute_columns: list[int],
    narrator: NarratorDetails,
    acting_user,
) -> Source:
    """Turn a staged spreadsheet into a source of responses, one segment per response."""
    if not 0 <= text_column < len(pending.columns):
        raise SensemakingError("Choose the column that holds what people wrote.", field="text_column")
    table = ParsedTable(file_format=pending.file_format, columns=pending.columns, rows=pending.rows)
    try:
        parsed = source_from_table(
            table,
            text_column,
            [i for i in attribute_columns if 0 <= i < len(pending.columns)],
            import_budget(),
        )
    except ImportProblem as problem:
        raise refusal(problem, field="text_column") from None
    details = pending.details or {}
    with transaction.atomic():
        source = do_add_source(
            pending.project,
            parsed,
            title=details.get("title", ""),
            narrator=narrator,
            consent=ConsentDetails.from_dict(details["consent"]),
            original_filename=pending.filename,
            acting_user=acting_user,
        )
        pending.delete()
    return source


def do_cancel_pending_import(pending: PendingImport, *, acting_user) -> None:
    with transaction.atomic():
        record("sensemaking.import_cancelled", pending, acting_user=acting_user)
        pending.delete()


def do_map_speaker(speaker: Speaker, *, person=None, pseudonym: str = "", acting_user) -> Speaker:
    """Say who a speaker label is: a person in Coproduce, or a pseudonym to use in quotes."""
    with transaction.atomic():
        speaker.person = person
        speaker.pseudonym = clean_line(pseudonym)[:60]
        speaker.save(update_fields=["person", "pseudonym"])
        log_event(speaker.source, "speakers", "Speaker mapping changed.", actor=acting_user)
        record(
            "sensemaking.speaker_mapped",
            speaker,
            acting_user=acting_user,
            person=getattr(person, "pk", None),
            has_pseudonym=bool(speaker.pseudonym),
        )
    return speaker


def do_change_narrator(source: Source, narrator: NarratorDetails, *, acting_user) -> Source:
    with transaction.atomic():
        source.narrator_person = narrator.person
        source.narrator_name = clean_line(narrator.name)[:120]
        source.narrator_pseudonym = clean_line(narrator.pseudonym)[:60]
        source.save(update_fields=["narrator_person", "narrator_name", "narrator_pseudonym"])
        log_event(source, "narrator", "Who these words belong to was changed.", actor=acting_user)
        record("sensemaking.narrator_changed", source, acting_user=acting_user)
    return source


def do_change_consent(source: Source, consent: ConsentDetails, *, acting_user) -> Source:
    """Record consent for the source as a whole: it covers the words no speaker claims, and every speaker
    whose own consent has not been recorded separately. Quotes the new consent no longer covers are
    flagged."""
    _validate_consent(consent)
    if source.is_withdrawn or source.is_erased:
        raise SensemakingError("These words have been withdrawn, so their consent cannot be changed.")
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        _record_consent(source, consent, acting_user)
        for speaker in source.speakers.filter(
            consent_follows_source=True, withdrawn_at__isnull=True, erased_at__isnull=True
        ):
            speaker.copy_consent_from(source)
            speaker.save(update_fields=CONSENT_FIELDS)
        log_event(source, "consent", f"Consent changed: {consent.describe()}.", actor=acting_user)
        flagged = flag_quotes_no_longer_allowed(source, Flag.Reason.CONSENT_CHANGED)
        drop_candidates_drawn_from(source)
        record(
            "sensemaking.consent_changed",
            source,
            acting_user=acting_user,
            use=consent.use,
            audiences=list(consent.audiences),
            quotes_flagged=flagged,
        )
    return source


CONSENT_FIELDS = [
    "consent_use",
    "consent_audiences",
    "consent_until",
    "consent_recorded_at",
    "consent_recorded_by",
]


def _record_consent(voice, consent: ConsentDetails, acting_user) -> None:
    voice.consent_use = consent.use
    voice.consent_audiences = list(consent.audiences)
    voice.consent_until = consent.until
    voice.consent_recorded_at = timezone.now()
    voice.consent_recorded_by = acting_user
    voice.save(update_fields=CONSENT_FIELDS)


def do_change_speaker_consent(speaker: Speaker, consent: ConsentDetails, *, acting_user) -> Speaker:
    """Record what one speaker agreed to, for their turns only; from now on it is theirs alone (a change
    for the whole source no longer alters it). Quotes of their words it no longer covers are flagged."""
    _validate_consent(consent)
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().select_related("source").get(pk=speaker.pk)
        source = speaker.source
        if source.is_withdrawn or source.is_erased or speaker.is_withdrawn or speaker.is_erased:
            raise SensemakingError("These words have been withdrawn, so their consent cannot be changed.")
        _record_consent(speaker, consent, acting_user)
        speaker.consent_follows_source = False
        speaker.save(update_fields=["consent_follows_source"])
        log_event(
            source,
            "consent",
            f"Consent changed for {speaker.pseudonymised}: {consent.describe()}.",
            actor=acting_user,
        )
        flagged = flag_quotes_no_longer_allowed(source, Flag.Reason.CONSENT_CHANGED)
        drop_candidates_drawn_from(source)
        record(
            "sensemaking.speaker_consent_changed",
            speaker,
            acting_user=acting_user,
            use=consent.use,
            audiences=list(consent.audiences),
            quotes_flagged=flagged,
        )
    return speaker


def drop_candidates_drawn_from(source: Source) -> int:
    """Candidate themes not yet adopted whose label and keywords came partly from this source's words:
    after a withdrawal or a change of consent those words may no longer be used, so the candidates go
    (discovery can be run again). Returns how many were dropped."""
    stale = [
        c.pk
        for c in ThemeCandidate.objects.filter(project=source.project, adopted_code__isnull=True)
        if source.pk in (c.source_ids or [])
    ]
    ThemeCandidate.objects.filter(pk__in=stale).delete()
    return len(stale)


def flag_quotes_no_longer_allowed(source: Source, reason: str) -> int:
    """Flag every quote from ``source`` that the consent of the voices in it no longer allows (once per
    quote and reason)."""
    flagged = 0
    for quote in Quote.objects.filter(source=source).select_related("theme"):
        if source.allows_quoting(quote.start, quote.end, quote.theme.audience):
            continue
        if Flag.objects.filter(quote=quote, reason=reason, resolved_at__isnull=True).exists():
            continue
        Flag.objects.create(
            project=source.project,
            source=source,
            reason=reason,
            quote=quote,
            theme=quote.theme,
            subject=f"A quote in the theme “{quote.theme.name}”",
        )
        flagged += 1
    return flagged


def do_add_source_note(source: Source, text: str, *, acting_user) -> SourceNote:
    text = clean_text(text).strip()
    if not text:
        raise SensemakingError("Write your note.", field="text")
    with transaction.atomic():
        note = SourceNote.objects.create(source=source, author=acting_user, text=text)
        log_event(source, "note", "The narrator added a note.", actor=acting_user)
        record("sensemaking.source_note_added", note, acting_user=acting_user)
    return note


def do_request_correction(
    source: Source, *, passage: str, requested_change: str, speaker: Speaker | None = None, acting_user
) -> CorrectionRequest:
    """A narrator or speaker asks for their words to be corrected. ``speaker``: the turns it is about
    (the asker's own speaker in a transcript), so only their words can be changed in answer."""
    passage, requested_change = clean_text(passage).strip(), clean_text(requested_change).strip()
    if not passage:
        raise SensemakingError("Copy the words you want corrected.", field="passage")
    if not requested_change:
        raise SensemakingError(
            "Say what they should say instead, or what is wrong.", field="requested_change"
        )
    with transaction.atomic():
        correction = CorrectionRequest.objects.create(
            source=source,
            speaker=speaker,
            requested_by=acting_user,
            passage=passage,
            requested_change=requested_change,
        )
        log_event(source, "correction", "The narrator asked for a correction.", actor=acting_user)
        record("sensemaking.correction_requested", correction, acting_user=acting_user)
    return correction


def _shift(position: int, start: int, end: int, new_length: int) -> int:
    """Where a character position lands after ``[start, end)`` is replaced by ``new_length`` characters."""
    if position <= start:
        return position
    if position >= end:
        return position + new_length - (end - start)
    return start + min(position - start, new_length)


def do_apply_correction(
    correction: CorrectionRequest, *, start: int, end: int, replacement: str, response: str = "", acting_user
) -> SourceEdit:
    """Replace ``[start, end)`` of the source with ``replacement``, keeping every coding and quote on the
    same words, and keep the old wording in the history."""
    if correction.status != CorrectionRequest.Status.OPEN:
        raise SensemakingError("This correction has already been answered.")
    replacement = clean_text(replacement)  # it becomes part of the source's text
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=correction.source_id)
        if source.is_withdrawn or source.is_erased:
            raise SensemakingError("These words have been withdrawn.")
        if not (0 <= start < end <= len(source.text)):
            raise SensemakingError("Choose words that are in the source.", field="start")
        if (
            correction.speaker_id
            and not source.segments.filter(
                speaker_id=correction.speaker_id, speech_start__lte=start, end__gte=end
            ).exists()
        ):
            raise SensemakingError(
                gettext(
                    "Choose words from one turn of the person who asked: only their own words can be "
                    "corrected at their request."
                ),
                field="words",
            )
        old = source.text[start:end]
        new_length = len(replacement)
        source.text = source.text[:start] + replacement + source.text[end:]
        source.save(update_fields=["text"])

        def move(obj, *fields):
            for name in fields:
                setattr(obj, name, _shift(getattr(obj, name), start, end, new_length))

        for segment in source.segments.all():
            move(segment, "start", "speech_start", "end")
            segment.save(update_fields=["start", "speech_start", "end"])
        for coding in source.codings.all():
            move(coding, "start", "end")
            if coding.start >= coding.end:
                coding.delete()
            else:
                coding.save(update_fields=["start", "end"])
        # Several codings may now sit on one span: keep one per coder and code.
        seen = set()
        for coding in Coding.objects.filter(source=source).order_by("id"):
            key = (coding.code_id, coding.coder_id, coding.start, coding.end)
            if key in seen:
                coding.delete()
            seen.add(key)
        for quote in source.quotes.all():
            move(quote, "start", "end")
            if quote.start >= quote.end:
                quote.end = quote.start + 1
            quote.signed_off_at = None
            quote.signed_off_by = None
            quote.save(update_fields=["start", "end", "signed_off_at", "signed_off_by"])
        edit = SourceEdit.objects.create(
            source=source,
            correction=correction,
            start=start,
            end=end,
            old_text=old,
            new_text=replacement,
            edited_by=acting_user,
        )
        correction.status = CorrectionRequest.Status.APPLIED
        correction.response = clean_text(response).strip()
        correction.decided_by = acting_user
        correction.decided_at = timezone.now()
        correction.save(update_fields=["status", "response", "decided_by", "decided_at"])
        log_event(
            source,
            "corrected",
            "The words were corrected as the narrator asked (the earlier wording is kept in the history).",
            actor=acting_user,
        )
        record(
            "sensemaking.correction_applied",
            correction,
            acting_user=acting_user,
            start=start,
            end=end,
            new_length=new_length,
        )
    return edit


def do_decline_correction(correction: CorrectionRequest, *, response: str, acting_user) -> CorrectionRequest:
    response = clean_text(response).strip()
    if not response:
        raise SensemakingError("Explain to the narrator why the words stay as they are.", field="response")
    if correction.status != CorrectionRequest.Status.OPEN:
        raise SensemakingError("This correction has already been answered.")
    with transaction.atomic():
        correction.status = CorrectionRequest.Status.DECLINED
        correction.response = response
        correction.decided_by = acting_user
        correction.decided_at = timezone.now()
        correction.save(update_fields=["status", "response", "decided_by", "decided_at"])
        log_event(
            correction.source,
            "correction_declined",
            "A correction was answered without changing the words.",
            actor=acting_user,
        )
        record("sensemaking.correction_declined", correction, acting_user=acting_user)
    return correction
