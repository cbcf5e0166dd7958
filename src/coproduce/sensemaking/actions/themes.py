"""Themes and their quotes; the de-identification register and reviewer sign-off."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.core.audit import record

from ..errors import SensemakingError
from ..models import Audience, Code, ConsentUse, IdentifierEntry, Quote, ReplacementLog, Source, Theme


def do_create_theme(
    project,
    *,
    name: str,
    description: str = "",
    audience: str = Audience.TEAM,
    codes: list[Code] = (),
    acting_user,
) -> Theme:
    name = " ".join(name.split())
    if not name:
        raise SensemakingError("Give the theme a name.", field="name")
    if audience not in Audience.values:
        raise SensemakingError("Choose who this theme is for.", field="audience")
    with transaction.atomic():
        position = (Theme.objects.filter(project=project).aggregate(m=Max("position"))["m"] or 0) + 1
        theme = Theme.objects.create(
            project=project,
            name=name[:160],
            description=description.strip(),
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
    name = " ".join(name.split())
    if not name:
        raise SensemakingError("Give the theme a name.", field="name")
    if audience not in Audience.values:
        raise SensemakingError("Choose who this theme is for.", field="audience")
    with transaction.atomic():
        blocked = [
            q for q in theme.quotes.select_related("source") if not q.source.allows_quotes_for(audience)
        ]
        if audience != theme.audience and blocked:
            raise SensemakingError(
                f"{len(blocked)} quote(s) in this theme may not be shown to "
                f"{dict(Audience.choices)[audience].lower()}: "
                "their narrators did not agree to it. Remove those quotes first.",
                field="audience",
            )
        theme.name, theme.description, theme.audience = name[:160], description.strip(), audience
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


def quote_refusal(source: Source, audience: str) -> str | None:
    """Why words from ``source`` may not be quoted to ``audience``, or None if they may."""
    label = dict(Audience.choices)[audience].lower()
    if not source.in_analysis or source.is_erased:
        return "These words have been withdrawn."
    if source.consent_use == ConsentUse.ANALYSIS_ONLY:
        return "The narrator agreed to analysis only: their words cannot be quoted."
    if audience not in (source.consent_audiences or []):
        return f"The narrator did not agree to quotes being shown to {label}."
    if not source.consent_current():
        return "The narrator's consent has run out."
    return None


def do_attach_quote(theme: Theme, source: Source, *, start: int, end: int, acting_user) -> Quote:
    """Add words from a source to a theme — only if the narrator's consent allows the theme's audience."""
    if source.project_id != theme.project_id:
        raise SensemakingError("Choose words from this project.")
    if not 0 <= start < end <= len(source.text):
        raise SensemakingError("Choose some words to quote.", field="start")
    refusal = quote_refusal(source, theme.audience)
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
    term, replacement = " ".join(term.split()), " ".join(replacement.split())
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


def _term_pattern(term: str) -> re.Pattern:
    body = r"\s+".join(re.escape(part) for part in term.split(" "))
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def deidentify(text: str, replacements: list[tuple[str, str]]) -> tuple[str, list[int]]:
    """Replace each term (whole words, any case, longest first) by its replacement. Returns the new text
    and, per replacement in the order given, how many times it was applied."""
    order = sorted(range(len(replacements)), key=lambda i: -len(replacements[i][0]))
    counts = [0] * len(replacements)
    # Replace through unique markers first so a replacement is never itself replaced.
    markers = {}
    for n, i in enumerate(order):
        term, replacement = replacements[i]
        marker = f"\ue000{n}\ue001"
        text, count = _term_pattern(term).subn(marker, text)
        counts[i] = count
        markers[marker] = replacement
    for marker, replacement in markers.items():
        text = text.replace(marker, replacement)
    return text, counts


def do_deidentify_quote(quote: Quote, *, acting_user) -> Quote:
    """Apply the register (and the transcript's speaker pseudonyms) to the quote, log each replacement,
    and clear any earlier sign-off: the new wording needs reviewing."""
    project = quote.theme.project
    entries = list(IdentifierEntry.objects.filter(project=project))
    pairs = [(e.term, e.replacement) for e in entries]
    speakers = [(s.label, s.pseudonym) for s in quote.source.speakers.exclude(pseudonym="")]
    text, counts = deidentify(quote.original_text, pairs + speakers)
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
        applied = [(e, e.replacement) for e in entries] + [(None, pseudonym) for _, pseudonym in speakers]
        ReplacementLog.objects.bulk_create(
            [
                ReplacementLog(
                    quote=quote, entry=entry, replacement=replacement, count=count, applied_by=acting_user
                )
                for (entry, replacement), count in zip(applied, counts, strict=True)
                if count
            ]
        )
        record("sensemaking.quote_deidentified", quote, acting_user=acting_user, replacements=sum(counts))
    return quote


def do_edit_quote_wording(quote: Quote, text: str, *, acting_user) -> Quote:
    """A reviewer adjusts the de-identified wording by hand (e.g. a detail the register missed)."""
    text = text.strip()
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
    refusal = quote_refusal(quote.source, quote.theme.audience)
    if refusal:
        raise SensemakingError(refusal)
    with transaction.atomic():
        quote.signed_off_by = acting_user
        quote.signed_off_at = timezone.now()
        quote.save(update_fields=["signed_off_by", "signed_off_at"])
        record("sensemaking.quote_signed_off", quote, acting_user=acting_user)
    return quote
