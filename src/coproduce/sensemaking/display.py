"""Cut a source's text into pieces for the page, each marked with its character position.

Every piece becomes ``<span data-start="N">`` (or ``<mark>`` when coded), holding exactly
``text[N:N + len(piece)]``, so coding.js can turn any selection back into code-point offsets. A name
the viewer may not see (see ``redaction.py``) is one piece of its own, showing its pseudonym and marked
``data-end``: it stands for the whole original name, so selecting any of it selects all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .redaction import Redactor


@dataclass
class Piece:
    start: int
    text: str
    labels: list[str] = field(default_factory=list)
    original_end: int | None = None  # set when ``text`` is a pseudonym standing for text[start:original_end]

    @property
    def coded(self) -> bool:
        return bool(self.labels)

    @property
    def replaced(self) -> bool:
        return self.original_end is not None

    @property
    def end(self) -> int:
        return self.original_end if self.original_end is not None else self.start + len(self.text)


def pieces(
    text: str, start: int, end: int, spans: list[tuple[int, int, str]] = (), replacements=()
) -> list[Piece]:
    """``text[start:end]`` cut at every boundary of ``spans`` (start, end, label) that falls inside it,
    with each of ``replacements`` (see ``redaction.Replacement``) shown whole in place of what it replaces."""
    inside = [r for r in replacements if r.start < end and r.end > start]
    cuts = {start, end}
    for s, e, _ in spans:
        if s < end and e > start:
            cuts.add(max(s, start))
            cuts.add(min(e, end))
    for r in inside:
        cuts.add(max(r.start, start))
        cuts.add(min(r.end, end))
    # Never cut inside a replaced name: a coding that starts inside it is shown from the name's start.
    cuts = {c for c in cuts if not any(r.start < c < r.end and start < c < end for r in inside)}
    ordered = sorted(cuts)
    result = []
    for left, right in zip(ordered, ordered[1:], strict=False):
        if right <= left:
            continue
        labels = sorted({label for s, e, label in spans if s < right and e > left})
        replacement = next((r for r in inside if r.start <= left and right <= r.end), None)
        if replacement is None:
            result.append(Piece(start=left, text=text[left:right], labels=labels))
        else:
            result.append(Piece(start=left, text=replacement.shown, labels=labels, original_end=right))
    return result


@dataclass
class SegmentView:
    segment: object
    pieces: list[Piece]
    codings: list = field(default_factory=list)
    memos: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    own: bool = False


def segment_views(
    source, segments, codings=(), memos=(), suggestions=(), *, redactor=None, turns=None
) -> list[SegmentView]:
    """One view per segment: its pieces (coded by ``codings`` highlighted; names replaced as
    ``redactor`` shows them to the viewer) and what belongs to it. ``turns`` (a ``voices.Turns``)
    marks the viewer's own turns."""
    spans = [(c.start, c.end, c.code.name) for c in codings]
    replacements = (redactor or Redactor()).replacements(source)  # no redactor: pseudonyms (fail closed)
    views = []
    for segment in segments:
        views.append(
            SegmentView(
                segment=segment,
                pieces=pieces(source.text, segment.start, segment.end, spans, replacements),
                codings=[c for c in codings if segment.start <= c.start < segment.end],
                memos=[m for m in memos if m.segment_id == segment.pk],
                suggestions=[s for s in suggestions if s.segment_id == segment.pk],
                own=turns.is_own(segment) if turns is not None else False,
            )
        )
    return views
