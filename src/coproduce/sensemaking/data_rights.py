"""What sense-making holds about a person, for their data download and erasure (see ``people.data_rights``).

- Their own words (sources they narrated; in a transcript, the turns of the speakers linked to them),
  their notes and correction requests: exported in full; on erasure, withdrawn (so every theme, quote
  and export that used them is flagged) and erased at once — no grace period, because erasing the
  account is the person's final word. Other speakers' words in the same transcript are not theirs: they
  are neither exported nor erased.
- Codings they made as a co-analyst stay, as the work of "Former participant", so the team's analysis
  and agreement figures still hold; memos they wrote are deleted (their own words).
- Speakers linked to them keep their pseudonym and lose the link.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from coproduce.people.data_rights import register

from .actions.withdrawal import _erase, _erase_speaker, do_withdraw_source, do_withdraw_speaker
from .models import Coding, Memo, Source, Speaker
from .permissions import own_voices


def _sources_of(person):
    return (
        Source.objects.filter(
            Q(narrator_person=person) | Q(speakers__person=person, speakers__erased_at__isnull=True),
            erased_at__isnull=True,
        )
        .distinct()
        .select_related("project")
    )


def _own_words(person, source) -> tuple[str, object]:
    """(their words in ``source``, the voice whose consent covers them)."""
    voices = own_voices(person, source)
    if voices == [source] or not voices:
        return source.text, source
    turns = source.segments.filter(speaker__in=voices).order_by("index")
    return "\n".join(source.text[t.start : t.end] for t in turns), voices[0]


def export(person):
    words = []
    for s in _sources_of(person):
        text, voice = _own_words(person, s)
        words.append((s, text, voice))
    return {
        "your_words": [
            {
                "project": s.project.title,
                "title": s.title,
                "added_at": s.added_at.isoformat(),
                "text": text,
                "consent": {
                    "use": voice.get_consent_use_display(),
                    "audiences": voice.audience_labels(),
                    "until": voice.consent_until.isoformat() if voice.consent_until else None,
                },
                "withdrawn_at": voice.withdrawn_at.isoformat() if voice.withdrawn_at else None,
                "notes": [
                    {"text": n.text, "added_at": n.created_at.isoformat()}
                    for n in s.notes.filter(author=person)
                ],
                "corrections": [
                    {
                        "passage": c.passage,
                        "asked_for": c.requested_change,
                        "status": c.get_status_display(),
                        "answer": c.response,
                        "asked_at": c.requested_at.isoformat(),
                    }
                    for c in s.corrections.filter(requested_by=person)
                ],
                "quoted_in_themes": [q.theme.name for q in s.quotes.select_related("theme")],
                "history": [{"when": e.occurred_at.isoformat(), "what": e.summary} for e in s.events.all()],
            }
            for s, text, voice in words
        ],
        "your_codings": [
            {
                "project": c.source.project.title,
                "source": c.source.title,
                "code": c.code.path,
                "start": c.start,
                "end": c.end,
                "coded_at": c.created_at.isoformat(),
            }
            for c in Coding.objects.filter(coder=person).select_related("source", "source__project", "code")
        ],
        "your_memos": [
            {"text": m.text, "written_at": m.created_at.isoformat()}
            for m in Memo.objects.filter(author=person)
        ],
    }


def erase(person, *, acting_user):
    now = timezone.now()
    erased = turns_erased = 0
    for source in _sources_of(person):
        for voice in own_voices(person, source):
            if isinstance(voice, Source):
                if not voice.is_withdrawn:
                    voice = do_withdraw_source(voice, acting_user=acting_user)
                _erase(voice, now)
            else:
                if not voice.is_withdrawn and not source.is_withdrawn:
                    voice = do_withdraw_speaker(voice, acting_user=acting_user)
                _erase_speaker(voice, now)
                turns_erased += 1
                continue
            erased += 1
    memos, _ = Memo.objects.filter(author=person).delete()
    speakers = Speaker.objects.filter(person=person).update(person=None)
    counts = {
        "sources_erased": erased,
        "speakers_erased": turns_erased,
        "memos_deleted": memos,
        "speakers_unlinked": speakers,
    }
    return {key: value for key, value in counts.items() if value}  # nothing to say for most people


register("sensemaking", export=export, erase=erase)
