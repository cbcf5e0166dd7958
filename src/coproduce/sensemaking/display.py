"""Cut a source's text into pieces for the page, each marked with its character position.

Every piece becomes ``<span data-start="N">`` (or ``<mark>`` when coded), holding exactly
``text[N:N + len(piece)]``, so coding.js can turn any selection back into code-point offsets.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Piece:
    start: int
    text: str
    labels: list[str] = field(default_factory=list)

    @property
    def coded(self) -> bool:
        return bool(self.labels)

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def pieces(text: str, start: int, end: int, spans: list[tuple[int, int, str]] = ()) -> list[Piece]:
    """``text[start:end]`` cut at every boundary of ``spans`` (start, end, label) that falls inside it."""
    cuts = {start, end}
    for s, e, _ in spans:
        if s < end and e > start:
            cuts.add(max(s, start))
            cuts.add(min(e, end))
    ordered = sorted(cuts)
    result = []
    for left, right in zip(ordered, ordered[1:], strict=False):
        if right <= left:
            continue
        labels = sorted({label for s, e, label in spans if s <= left and e >= right})
        result.append(Piece(start=left, text=text[left:right], labels=labels))
    return result


@dataclass
class SegmentView:
    segment: object
    pieces: list[Piece]
    codings: list = field(default_factory=list)
    memos: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)


def segment_views(source, segments, codings=(), memos=(), suggestions=()) -> list[SegmentView]:
    """One view per segment: its pieces (coded by ``codings`` highlighted) and what belongs to it."""
    spans = [(c.start, c.end, c.code.name) for c in codings]
    views = []
    for segment in segments:
        views.append(
            SegmentView(
                segment=segment,
                pieces=pieces(source.text, segment.start, segment.end, spans),
                codings=[c for c in codings if segment.start <= c.start < segment.end],
                memos=[m for m in memos if m.segment_id == segment.pk],
                suggestions=[s for s in suggestions if s.segment_id == segment.pk],
            )
        )
    return views
