"""The codebook (edited together, with history) and each coder's own codings and memos."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.core.audit import record
from coproduce.core.text import clean_line, clean_text

from ..errors import SensemakingError
from ..models import Code, CodeRevision, Coding, Memo, Segment, Source
from ..redaction import Redactor

_COLOR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def _check_code_fields(
    project, name: str, parent: Code | None, color: str, *, code: Code | None = None
) -> None:
    if not name:
        raise SensemakingError("Give the code a name.", field="name")
    if parent is not None and parent.project_id != project.pk:
        raise SensemakingError("Choose a parent code from this codebook.", field="parent")
    if color and not _COLOR.match(color):
        raise SensemakingError(
            "Give the colour as # and six hexadecimal digits, for example #1f77b4.", field="color"
        )
    if code is not None and parent is not None:
        if parent.pk == code.pk or code.pk in {a.pk for a in parent.ancestors()}:
            raise SensemakingError(
                "A code cannot sit inside itself or one of its own sub-codes.", field="parent"
            )
    siblings = Code.objects.filter(project=project, parent=parent, name__iexact=name)
    if code is not None:
        siblings = siblings.exclude(pk=code.pk)
    if siblings.exists():
        where = f"under “{parent.name}”" if parent else "at the top level"
        raise SensemakingError(f"There is already a code called “{name}” {where}.", field="name")


def _revise(code: Code, change: str, acting_user) -> CodeRevision:
    return CodeRevision.objects.create(
        code=code,
        version=code.version,
        name=code.name,
        description=code.description,
        examples=code.examples,
        parent=code.parent,
        edited_by=acting_user,
        change=change[:200],
    )


def do_add_code(
    project,
    *,
    name: str,
    description: str = "",
    examples: str = "",
    parent: Code | None = None,
    color: str = "",
    guid=None,
    acting_user,
) -> Code:
    name = clean_line(name)
    description, examples = clean_text(description).strip(), clean_text(examples).strip()
    _check_code_fields(project, name, parent, color)
    with transaction.atomic():
        position = Code.objects.filter(project=project, parent=parent).count()
        code = Code(
            project=project,
            parent=parent,
            name=name[:120],
            description=description,
            examples=examples,
            color=color,
            position=position,
            created_by=acting_user,
        )
        if guid:
            code.guid = guid
        code.save()
        _revise(code, "Created", acting_user)
        record("sensemaking.code_added", code, acting_user=acting_user)
    return code


def do_edit_code(
    code: Code,
    *,
    based_on_version: int,
    name: str,
    description: str,
    examples: str,
    parent: Code | None,
    color: str = "",
    acting_user,
) -> Code:
    """Save an edit made to version ``based_on_version``. If someone saved in between, refuse: their
    work is not overwritten, and the person editing sees the newer version."""
    name = clean_line(name)
    description, examples = clean_text(description).strip(), clean_text(examples).strip()
    with transaction.atomic():
        current = Code.objects.select_for_update().get(pk=code.pk)
        if current.version != based_on_version:
            raise SensemakingError(
                "Someone else changed this code while you were editing it. Your changes were not saved: "
                "the form now shows their version. Make your changes again.",
                field="__all__",
            )
        _check_code_fields(current.project, name, parent, color, code=current)
        changes = []
        if current.name != name:
            changes.append(f"renamed from “{current.name}”")
        if current.description != description:
            changes.append("description changed")
        if current.examples != examples:
            changes.append("examples changed")
        if current.parent_id != (parent.pk if parent else None):
            changes.append(f"moved under “{parent.name}”" if parent else "moved to the top level")
        if current.color != color:
            changes.append("colour changed")
        if not changes:
            return current
        current.name, current.description, current.examples = (
            name[:120],
            description,
            examples,
        )
        current.parent, current.color = parent, color
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        summary = "; ".join(changes)
        _revise(current, summary[:1].upper() + summary[1:], acting_user)
        record("sensemaking.code_edited", current, acting_user=acting_user, version=current.version)
    return current


def resolve_span(
    source: Source,
    *,
    segment: Segment | None = None,
    words: str = "",
    start=None,
    end=None,
    redactor: Redactor | None = None,
) -> tuple[int, int]:
    """The characters to code: an explicit ``[start, end)``; else ``words`` found in the segment (as the
    person read it: with ``redactor``, the words may hold the pseudonyms they were shown); else the
    whole segment's speech. Raises SensemakingError naming the field at fault."""
    length = len(source.text)
    if start not in (None, "") and end not in (None, ""):
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            raise SensemakingError("Select some text first.", field="start") from None
        if not 0 <= start < end <= length:
            raise SensemakingError("Select some text first.", field="start")
        # Leading and trailing spaces are not part of what anyone meant to code.
        while start < end and source.text[start].isspace():
            start += 1
        while end > start and source.text[end - 1].isspace():
            end -= 1
        if start >= end:
            raise SensemakingError("Select some words, not only spaces.", field="start")
        return start, end
    if segment is None:
        raise SensemakingError("Select some text first.", field="start")
    words = " ".join(words.split())
    if not words:
        return segment.speech_start, segment.end
    passage = source.text[segment.start : segment.end]
    # Match across any run of spaces or line breaks, as people copy text.
    pattern = r"\s+".join(re.escape(part) for part in words.split(" "))
    match = re.search(pattern, passage) or re.search(pattern, passage, re.IGNORECASE)
    if match:
        return segment.start + match.start(), segment.start + match.end()
    if redactor is not None:
        # The words as shown: find them there, then map back to the stored text.
        positions = redactor.position_map(source)
        shown_before = positions.shown(segment.start)
        shown = redactor.span(source, segment.start, segment.end)
        match = re.search(pattern, shown) or re.search(pattern, shown, re.IGNORECASE)
        if match:
            return (
                positions.original(shown_before + match.start()),
                positions.original(shown_before + match.end(), end=True),
            )
    raise SensemakingError(
        "These words are not in this passage. Copy them exactly, "
        "or leave the box empty to code the whole passage.",
        field="words",
    )


def do_apply_code(source: Source, code: Code, *, start: int, end: int, acting_user) -> tuple[Coding, bool]:
    """Add the acting coder's own coding. Returns (coding, created). Nobody else's codings are touched."""
    if code.project_id != source.project_id:
        raise SensemakingError("Choose a code from this project's codebook.", field="code")
    if not source.in_analysis or source.is_erased:
        raise SensemakingError("These words have been withdrawn and can no longer be coded.")
    if not 0 <= start < end <= len(source.text):
        raise SensemakingError("Select some text first.", field="start")
    if any(not voice.in_analysis for voice in source.voices_in(start, end)):
        raise SensemakingError("These words have been withdrawn and can no longer be coded.")
    existing = Coding.objects.filter(
        source=source, code=code, coder=acting_user, start=start, end=end
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            coding = Coding.objects.create(source=source, code=code, coder=acting_user, start=start, end=end)
            record(
                "sensemaking.coding_added",
                coding,
                acting_user=acting_user,
                source=source.pk,
                code=code.pk,
                start=start,
                end=end,
            )
    except IntegrityError:  # the same person double-submitted
        return Coding.objects.get(source=source, code=code, coder=acting_user, start=start, end=end), False
    return coding, True


def do_remove_coding(coding: Coding, *, acting_user) -> None:
    if coding.coder_id != getattr(acting_user, "pk", None):
        raise SensemakingError("You can only remove your own codings.")
    with transaction.atomic():
        record(
            "sensemaking.coding_removed",
            coding,
            acting_user=acting_user,
            source=coding.source_id,
            code=coding.code_id,
        )
        coding.delete()


def do_add_memo(
    project, *, text: str, code: Code | None = None, segment: Segment | None = None, acting_user
) -> Memo:
    text = clean_text(text).strip()
    if not text:
        raise SensemakingError("Write your memo.", field="text")
    if (code is None) == (segment is None):
        raise SensemakingError("A memo is on a code or on a passage.")
    with transaction.atomic():
        memo = Memo.objects.create(project=project, code=code, segment=segment, author=acting_user, text=text)
        record(
            "sensemaking.memo_added",
            memo,
            acting_user=acting_user,
            code=getattr(code, "pk", None),
            segment=getattr(segment, "pk", None),
        )
    return memo
