"""Pseudonyms applied to the words: one mechanism for every page and export that shows people's words.

The upload form promises "Everyone else sees the pseudonym". A :class:`Redactor` keeps that promise: it
is built for one viewer and says how any text from a project is shown to them. For everyone who may not
see real names (everyone but coordinators, see ``permissions.can_see_real_names``), and for coordinators
too unless they ask for real names:

- each speaker label is replaced by the speaker's pseudonym, or "Speaker 2" where none was chosen —
  at the start of each of their turns, and wherever the label (two letters or more, matching case)
  appears as a word;
- a narrator's name, and the badge name of anyone linked to a speaker or narrating, by their pseudonym;
- every term in the project's de-identification register by its replacement (whole words, any case).

A speaker's own label is not hidden from themselves. Replacements never overlap; the longest term wins.

Pages that let people select text (coding) need to map what is shown back to character positions in the
stored text: :meth:`Redactor.replacements` gives each replacement with its original span, so the page
can show a replaced name as one piece standing for the whole original span (see ``display.py``), and
exports can shift every position (see :class:`PositionMap`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from .models import IdentifierEntry, Segment, Source, Speaker
from .permissions import can_see_real_names


@dataclass(frozen=True)
class Term:
    """A name or detail and what replaces it. ``origin`` is the register entry or speaker it comes from."""

    term: str
    replacement: str
    case_sensitive: bool = False
    origin: object = None


@dataclass(frozen=True)
class Replacement:
    """``text[start:end]`` is shown as ``shown``, because of ``origin`` (a register entry, a speaker...)."""

    start: int
    end: int
    shown: str
    origin: object = None


def _pattern(term: str, case_sensitive: bool) -> re.Pattern:
    body = r"\s+".join(re.escape(part) for part in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", 0 if case_sensitive else re.IGNORECASE)


def find_replacements(text: str, terms: list[Term], fixed: list[Replacement] = ()) -> list[Replacement]:
    """Every place a term occurs in ``text`` (whole words; longest term first, never overlapping one
    already taken), after the ``fixed`` replacements, which are always taken. Sorted by position."""
    taken: list[Replacement] = sorted(fixed, key=lambda r: r.start)
    starts = [r.start for r in taken]

    def free(start: int, end: int) -> bool:
        i = bisect.bisect_right(starts, start)
        if i > 0 and taken[i - 1].end > start:
            return False
        return i >= len(taken) or taken[i].start >= end

    for index in sorted(range(len(terms)), key=lambda i: -len(terms[i].term)):
        term = terms[index]
        if not term.term.strip():
            continue
        for match in _pattern(term.term, term.case_sensitive).finditer(text):
            if match.end() > match.start() and free(match.start(), match.end()):
                i = bisect.bisect_right(starts, match.start())
                starts.insert(i, match.start())
                taken.insert(i, Replacement(match.start(), match.end(), term.replacement, term.origin))
    return taken


def apply_replacements(
    text: str, replacements: list[Replacement], start: int = 0, end: int | None = None
) -> str:
    """``text[start:end]`` as shown. A replacement that only partly falls inside is shown whole."""
    end = len(text) if end is None else end
    out, position = [], start
    for r in replacements:
        if r.end <= start or r.start >= end:
            continue
        if r.start > position:
            out.append(text[position : r.start])
        out.append(r.shown)
        position = max(position, r.end)
    if position < end:
        out.append(text[position:end])
    return "".join(out)


@dataclass
class PositionMap:
    """Character positions in the stored text → positions in the shown text, and back."""

    replacements: list[Replacement]
    _starts: list[int] = field(init=False)
    _shifts: list[int] = field(init=False)

    def __post_init__(self):
        self._starts = [r.start for r in self.replacements]
        shift, self._shifts = 0, []
        for r in self.replacements:
            self._shifts.append(shift)
            shift += len(r.shown) - (r.end - r.start)
        self._total = shift

    def shown(self, position: int, *, end: bool = False) -> int:
        """Where ``position`` lands in the shown text. Inside a replaced name it moves to the name's
        start (or, for the end of a span, its end), so a span never cuts a pseudonym in two."""
        i = bisect.bisect_right(self._starts, position) - 1
        if i < 0:
            return position
        r = self.replacements[i]
        before = r.start + self._shifts[i]
        if position >= r.end:
            return position + self._shifts[i] + len(r.shown) - (r.end - r.start)
        if position == r.start:
            return before
        return before + len(r.shown) if end else before

    def original(self, position: int, *, end: bool = False) -> int:
        """Where a position in the shown text came from (inside a pseudonym: the name's start, or its
        end for the end of a span)."""
        for i, r in enumerate(self.replacements):
            shown_start = r.start + self._shifts[i]
            if position <= shown_start:
                return position - self._shifts[i]
            if position < shown_start + len(r.shown):
                return r.end if end else r.start
        return position - self._total


class Redactor:
    """How text from sense-making is shown to one viewer. Cheap to build; it reads lazily and caches.

    ``real_names`` asks for real names; it is honoured only in projects where the viewer may see them.
    ``viewer`` None (an export for someone outside the project, a background job) shows no real names.
    """

    def __init__(self, viewer=None, *, real_names: bool = False):
        self.viewer = viewer if getattr(viewer, "is_authenticated", False) else None
        self.real_names_requested = real_names
        self._real: dict[int, bool] = {}
        self._register: dict[int, list[Term]] = {}
        self._terms: dict[int, list[Term]] = {}
        self._replacements: dict[tuple[int, int], list[Replacement]] = {}

    # Who sees what ------------------------------------------------------------------------------

    def may_switch(self, project) -> bool:
        """Whether this viewer may switch between real names and pseudonyms in ``project``."""
        return self.viewer is not None and can_see_real_names(self.viewer, project)

    def shows_real_names(self, project) -> bool:
        if project.pk not in self._real:
            self._real[project.pk] = self.real_names_requested and self.may_switch(project)
        return self._real[project.pk]

    def _own(self, person_id) -> bool:
        return self.viewer is not None and person_id == self.viewer.pk

    # Terms ----------------------------------------------------------------------------------------

    def register_terms(self, project) -> list[Term]:
        if project.pk not in self._register:
            self._register[project.pk] = [
                Term(e.term, e.replacement, False, e) for e in IdentifierEntry.objects.filter(project=project)
            ]
        return self._register[project.pk]

    def _speakers(self, source: Source) -> list[Speaker]:
        return source.speaker_list()

    def source_terms(self, source: Source) -> list[Term]:
        """Names that belong to this source (speakers, narrator) and the project's register."""
        if source.pk not in self._terms:
            terms: list[Term] = []
            for speaker in self._speakers(source):
                if self._own(speaker.person_id):
                    continue
                terms.append(Term(speaker.label, speaker.pseudonymised, True, speaker))
                if speaker.person_id and speaker.person.badge_name != speaker.label:
                    terms.append(Term(speaker.person.badge_name, speaker.pseudonymised, True, speaker))
            if not self._own(source.narrator_person_id):
                narrator = source.narrator_pseudonym or gettext("the narrator")
                if source.narrator_name:
                    terms.append(Term(source.narrator_name, narrator, True, source))
                if source.narrator_person_id:
                    terms.append(Term(source.narrator_person.badge_name, narrator, True, source))
            # A one-letter name ("Q:", "A:") would replace every "A" in the words: such labels are
            # replaced only where they open a turn (``_label_replacements``).
            terms = [t for t in terms if len(t.term.strip()) >= 2]
            self._terms[source.pk] = terms + self.register_terms(source.project)
        return self._terms[source.pk]

    # Applying them -------------------------------------------------------------------------------

    def replacements(self, source: Source) -> list[Replacement]:
        """Every replacement in the source's text, for this viewer (none where they see real names)."""
        key = (source.pk, len(source.text))
        if key not in self._replacements:
            if self.shows_real_names(source.project) or not source.text:
                self._replacements[key] = []
            else:
                self._replacements[key] = find_replacements(
                    source.text, self.source_terms(source), self._label_replacements(source)
                )
        return self._replacements[key]

    def _label_replacements(self, source: Source) -> list[Replacement]:
        """The label at the start of each turn, whatever it looks like ("Q", "A", "Tom")."""
        speakers = {s.pk: s for s in self._speakers(source) if not self._own(s.person_id)}
        fixed = []
        for segment in Segment.objects.filter(source=source, speaker__in=list(speakers)).only(
            "start", "speech_start", "speaker_id"
        ):
            speaker = speakers[segment.speaker_id]
            at = source.text.find(speaker.label, segment.start, segment.speech_start)
            if at >= 0:
                fixed.append(Replacement(at, at + len(speaker.label), speaker.pseudonymised, speaker))
        return fixed

    def position_map(self, source: Source) -> PositionMap:
        return PositionMap(self.replacements(source))

    def source_text(self, source: Source) -> str:
        return apply_replacements(source.text, self.replacements(source))

    def span(self, source: Source, start: int, end: int) -> str:
        """The words ``source.text[start:end]`` as this viewer may see them."""
        return apply_replacements(source.text, self.replacements(source), start, end)

    def text(self, text: str, *, source: Source | None = None, project=None) -> str:
        """Any other text: a title, a note, a memo, a keyword. With ``source``, its speakers' and narrator's
        names are replaced as well as the register's terms; with only ``project``, the register's."""
        if not text:
            return text
        project = source.project if source is not None else project
        if project is None or self.shows_real_names(project):
            return text
        terms = self.source_terms(source) if source is not None else self.register_terms(project)
        return apply_replacements(text, find_replacements(text, terms))

    def speaker_name(self, speaker: Speaker) -> str:
        """A speaker's name as shown: the label where real names are shown or it is the viewer's own."""
        if self._own(speaker.person_id) or self.shows_real_names(speaker.source.project):
            return speaker.label
        return speaker.pseudonymised

    def narrator_name(self, source: Source) -> str:
        """Whose words these are, as shown to this viewer."""
        if self.shows_real_names(source.project) or self._own(source.narrator_person_id):
            if source.narrator_person_id:
                return source.narrator_person.badge_name
            if source.narrator_name:
                return source.narrator_name
            return gettext("Several people (anonymous)")
        return source.narrator_label_for_team

    def replacements_in(self, source: Source, start: int, end: int) -> list[Replacement]:
        """The replacements that touch ``source.text[start:end]``."""
        return [r for r in self.replacements(source) if r.start < end and r.end > start]
