"""Whose words each turn is, and who may read it: consent and withdrawal per voice.

A source's words belong to voices: each speaker's turns to that speaker, the words no speaker label
claims to the source itself (its narrator, or anonymous responses). :class:`Turns` answers, for one
person and one source, which turns they may read, which are their own, and which are in the analysis.
Every page that shows a source's words asks it, so a speaker who withdrew or did not agree to the team
reading their words is left out everywhere at once.
"""

from __future__ import annotations

from .models import Segment, Source, Speaker
from .permissions import may_read_turn, own_voices


class Turns:
    """What one person may read of one source, turn by turn. Reads the speakers once."""

    def __init__(self, user, source: Source, speakers: list[Speaker] | None = None):
        self.user = user
        self.source = source
        self.speakers = {s.pk: s for s in (speakers if speakers is not None else source.speaker_list())}
        for speaker in self.speakers.values():
            speaker.source = source  # the page has it: no query per speaker for its project
        self.own = own_voices(user, source, list(self.speakers.values()))

    def voice(self, segment: Segment):
        """The speaker whose turn this is, or the source for words no speaker claims."""
        return self.speakers.get(segment.speaker_id) or self.source

    def is_own(self, segment: Segment) -> bool:
        return self.source in self.own or self.voice(segment) in self.own

    def may_read(self, segment: Segment) -> bool:
        return may_read_turn(self.user, self.source, self.speakers.get(segment.speaker_id), self.own)

    def in_analysis(self, segment: Segment) -> bool:
        return self.source.in_analysis and self.voice(segment).in_analysis

    def readable(self, segments) -> list[Segment]:
        """The segments this person may read, in order, each with its speaker from the cache."""
        result = []
        for segment in segments:
            if self.may_read(segment):
                if segment.speaker_id:
                    segment.speaker = self.speakers[segment.speaker_id]
                result.append(segment)
        return result

    def may_read_span(self, start: int, end: int) -> bool:
        """Every turn the characters ``[start, end)`` touch is one this person may read."""
        touched = list(Segment.objects.filter(source=self.source, start__lt=end, end__gt=start))
        return bool(touched) and all(self.may_read(s) for s in touched)
