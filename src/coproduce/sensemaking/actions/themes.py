"""Themes and their quotes; the de-identification register and reviewer sign-off."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.core.audit import record
from coproduce.core.text import clean_line, clean_text

from ..errors import SensemakingError
from ..models import Audience, Code, ConsentUse, IdentifierEntry, Quote, ReplacementLog, Source, Theme
from ..redaction import Redactor, Term, apply_replacements, find_replacements


def do_create_theme(
    project,
    *,
    name: str,
    description: str = "",
    audience: str = Audience.TEAM,
    codes: list[Code] = (),
    acting_user,
) -> Theme:
    name, description = clean_line(name), clean_text(description).strip()
    if not name:
        raise SensemakingError("Give the theme a name.", field="name")
    if audience not in Audience.values:
        raise SensemakingError("Choose who this theme is for.", field="audience")
    with transaction.atomic():
        position = (Theme.objects.filter(project=project).aggregate(m=Max("position"))["m"] or 0) + 1
        theme = Theme.objects.create(
            project=project,
            name=name[:160],
            description=description,
            audience=audience,
            position=position,
            created_by=acting_user,
        )
        theme.codes.set([c for c in codes if c.project_id == project.pk])
        record("sensemaking.theme_created", theme, acting_user=acting_user)
    return theme


def do_edit_theme(
    theme: Theme, *, name: str, description: str, audience: str, codes: list[Code], acting_user
) -> Theme:
    """Change a theme. Narrowing nothing silently: a new audience its quotes' consent does not cover is
    refused, naming how many quotes are in the way."""
    name, description = clean_line(name), clean_text(description).strip()
    if not name:
        raise SensemakingError("Give the theme a name.", field="name")
    if audience not in Audience.values:
        raise SensemakingError("Choose who this theme is for.", field="audience")
    with transaction.atomic():
        blocked = [
            q
            for q in theme.quotes.select_related("source")
            if not q.source.allows_quoting(q.start, q.end, audience)
        ]
        if audience != theme.audience and blocked:
            raise SensemakingError(
                f"{len(blocked)} quote(s) in this theme may not be shown to "
                f"{dict(Audience.choices)[audience].lower()}: "
                "their narrators did not agree to it. Remove those quotes first.",
                field="audience",
            )
        theme.name, theme.description, theme.audience = name[:160], description, audience
        theme.save(update_fields=["name", "description", "audience"])
        theme.codes.set([c for c in codes if c.project_id == theme.project_id])
        record("sensemaking.theme_edited", theme, acting_user=acting_user)
    return theme


def _move(items: list, item, direction: str) -> bool:
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, x in enumerate(items, start=1):
        if x.position != position:
            x.position = position
            x.save(update_fields=["position"])
    return True


def do_move_theme(theme: Theme, direction: str, *, acting_user) -> bool:
    """Move a theme one place up or down: ordering without dragging."""
    with transaction.atomic():
        themes = list(
            Theme.objects.select_for_update().filter(project=theme.project).order_by("position", "id")
        )
        moved = _move(themes, theme, direction)
        if moved:
            record("sensemaking.theme_moved", theme, acting_user=acting_user, direction=direction)
    return moved


def do_move_quote(quote: Quote, direction: str, *, acting_user) -> bool:
    with transaction.atomic():
        quotes = list(Quote.objects.select_for_update().filter(theme=quote.theme).order_by("position", "id"))
        moved = _move(quotes, quote, direction)
        if moved:
            record("sensemaking.quote_moved", quote, acting_user=acting_user, direction=direction)
    return moved


def quote_refusal(
    source: Source, audience: str, start: int | None = None, end: int | None = None
) -> str | None:
    """Why ``source.text[start:end]`` (default: all of it) may not be quoted to ``audience``, or None if it
    may. Every voice whose words it holds must agree: one speaker's consent never covers another's."""
    label = dict(Audience.choices)[audience].lower()
    if not source.in_analysis or source.is_erased:
        return "These words have been withdrawn."
    start = 0 if start is None else start
    end = len(source.text) if end is None else end
    voices = source.voices_in(start, end)
    if any(not voice.in_analysis for voice in voices):
        return "These words have been withdrawn."
    if any(voice.consent_use == ConsentUse.ANALYSIS_ONLY for voice in voices):
        return "The narrator agreed to analysis only: their words cannot be quoted."
    if any(audience not in (voice.consent_audiences or []) for voice in voices):
        return f"The narrator did not agree to quotes being shown to {label}."
    if any(not voice.consent_current() for voice in voices):
        return "The narrator's consent has run out."
    return None


def do_attach_quote(theme: Theme, source: Source, *, start: int, end: int, acting_user) -> Quote:
    """Add words from a source to a theme — only if the narrator's consent allows the theme's audience."""
    if source.project_id != theme.project_id:
        raise SensemakingError("Choose words from this project.")
    if not 0 <= start < end <= len(source.text):
        raise SensemakingError("Choose some words to quote.", field="start")
    refusal = quote_refusal(source, theme.audience, start, end)
    if refusal:
        raise SensemakingError(refusal)
    with transaction.atomic():
        position = (theme.quotes.aggregate(m=Max("position"))["m"] or 0) + 1
        quote = Quote.objects.create(
            theme=theme, source=source, start=start, end=end, position=position, added_by=acting_user
        )
        record("sensemaking.quote_added", quote, acting_user=acting_user, source=source.pk, theme=theme.pk)
    return quote


def do_remove_quote(quote: Quote, *, acting_user) -> None:
    with transaction.atomic():
        record("sensemaking.quote_removed", quote, acting_user=acting_user, theme=quote.theme_id)
        quote.delete()


# --- de-identification ---------------------------------------------------------------------------


def do_add_identifier(project, *, term: str, replacement: str, acting_user) -> IdentifierEntry:
    term, replacement = clean_line(term), clean_line(replacement)
    if not term:
        raise SensemakingError("Write the name or detail as it appears in the words.", field="term")
    if not replacement:
        raise SensemakingError(
            'Write what replaces it: a pseudonym, or a placeholder such as "[the ward]".', field="replacement"
        )
    if IdentifierEntry.objects.filter(project=project, term__iexact=term).exists():
        raise SensemakingError("This name or detail is already in the register.", field="term")
    with transaction.atomic():
        entry = IdentifierEntry.objects.create(
            project=project, term=term[:200], replacement=replacement[:200], created_by=acting_user
        )
        record("sensemaking.identifier_added", entry, acting_user=acting_user)
    return entry


def do_remove_identifier(entry: IdentifierEntry, *, acting_user) -> None:
    with transaction.atomic():
        record("sensemaking.identifier_removed", entry, acting_user=acting_user)
        entry.delete()


def deidentify(text: str, replacements: list[tuple[str, str]]) -> tuple[str, list[int]]:
    """Replace each term (whole words, any case, longest first) by its replacement. Returns the new text
    and, per replacement in the order given, how many times it was applied. A replacement is never
    itself replaced (see ``redaction.find_replacements``)."""
    terms = [Term(term, replacement, False, i) for i, (term, replacement) in enumerate(replacements)]
    found = find_replacements(text, terms)
    counts = [0] * len(replacements)
    for r in found:
        counts[r.origin] += 1
    return apply_replacements(text, found), counts


def do_deidentify_quote(quote: Quote, *, acting_user) -> Quote:
    """Apply the pseudonymised view to the quote — the register, the transcript's speakers' pseudonyms
    and the narrator's, exactly as everyone who may not see real names reads them — log each
    replacement, and clear any earlier sign-off: the new wording needs reviewing."""
    redactor = Redactor()  # nobody's view: no real names, nobody's own label kept
    source = quote.source
    text = redactor.span(source, quote.start, quote.end)
    used: dict[tuple[int | None, str], int] = {}
    for r in redactor.replacements_in(source, quote.start, quote.end):
        entry_id = r.origin.pk if isinstance(r.origin, IdentifierEntry) else None
        used[(entry_id, r.shown)] = used.get((entry_id, r.shown), 0) + 1
    with transaction.atomic():
        quote.deidentified_text = text
        quote.deidentified_by = acting_user
        quote.deidentified_at = timezone.now()
        quote.signed_off_by = None
        quote.signed_off_at = None
        quote.save(
            update_fields=[
                "deidentified_text",
                "deidentified_by",
                "deidentified_at",
                "signed_off_by",
                "signed_off_at",
            ]
        )
        ReplacementLog.objects.bulk_create(
            [
                ReplacementLog(
                    quote=quote, entry_id=entry_id, replacement=shown, count=count, applied_by=acting_user
                )
                for (entry_id, shown), count in used.items()
            ]
        )
        record(
            "sensemaking.quote_deidentified", quote, acting_user=acting_user, replacements=sum(used.values())
        )
    return quote


def do_edit_quote_wording(quote: Quote, text: str, *, acting_user) -> Quote:
    """A reviewer adjusts the de-identified wording by hand (e.g. a detail the register missed)."""
    text = clean_text(text).strip()
    if not text:
        raise SensemakingError("The quote cannot be empty.", field="text")
    with transaction.atomic():
        quote.deidentified_text = text
        quote.deidentified_by = acting_user
        quote.deidentified_at = timezone.now()
        quote.signed_off_by = None
        quote.signed_off_at = None
        quote.save(
            update_fields=[
                "deidentified_text",
                "deidentified_by",
                "deidentified_at",
                "signed_off_by",
                "signed_off_at",
            ]
        )
        record("sensemaking.quote_reworded", quote, acting_user=acting_user)
    return quote


def do_sign_off_quote(quote: Quote, *, acting_user) -> Quote:
    """A reviewer confirms the de-identified wording may leave the project."""
    if not quote.deidentified_at:
        raise SensemakingError("De-identify this quote before signing it off.")
    refusal = quote_refusal(quote.source, quote.theme.audience, quote.start, quote.end)
    if refusal:
        raise SensemakingError(refusal)
    with transaction.atomic():
        quote.signed_off_by = acting_user
        quote.signed_off_at = timezone.now()
        quote.save(update_fields=["signed_off_by", "signed_off_at"])
        record("sensemaking.quote_signed_off", quote, acting_user=acting_user)
    return quote
