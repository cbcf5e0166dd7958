"""What sense-making holds about a person, for their data download and erasure (see ``people.data_rights``).

- Their own words (sources they narrated), their notes and correction requests: exported in full; on
  erasure, withdrawn (so every theme, quote and export that used them is flagged) and erased at once —
  no grace period, because erasing the account is the person's final word.
- Codings they made as a co-analyst stay, as the work of "Former participant", so the team's analysis
  and agreement figures still hold; memos they wrote are deleted (their own words).
- Speakers linked to them keep their pseudonym and lose the link.
"""

from __future__ import annotations

from django.utils import timezone

from coproduce.people.data_rights import register

from .actions.withdrawal import _erase, do_withdraw_source
from .models import Coding, Memo, Source, Speaker


def export(person):
    sources = Source.objects.filter(narrator_person=person, erased_at__isnull=True).select_related("project")
    return {
        "your_words": [
            {
                "project": s.project.title,
                "title": s.title,
                "added_at": s.added_at.isoformat(),
                "text": s.text,
                "consent": {
                    "use": s.get_consent_use_display(),
                    "audiences": s.audience_labels(),
                    "until": s.consent_until.isoformat() if s.consent_until else None,
                },
                "withdrawn_at": s.withdrawn_at.isoformat() if s.withdrawn_at else None,
                "notes": [{"text": n.text, "added_at": n.created_at.isoformat()} for n in s.notes.all()],
                "corrections": [
                    {
                        "passage": c.passage,
                        "asked_for": c.requested_change,
                        "status": c.get_status_display(),
                        "answer": c.response,
                        "asked_at": c.requested_at.isoformat(),
                    }
                    for c in s.corrections.all()
                ],
                "quoted_in_themes": [q.theme.name for q in s.quotes.select_related("theme")],
                "history": [{"when": e.occurred_at.isoformat(), "what": e.summary} for e in s.events.all()],
            }
            for s in sources
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
    erased = 0
    for source in Source.objects.filter(narrator_person=person, erased_at__isnull=True):
        if not source.is_withdrawn:
            source = do_withdraw_source(source, acting_user=acting_user)
        _erase(source, now)
        erased += 1
    memos, _ = Memo.objects.filter(author=person).delete()
    speakers = Speaker.objects.filter(person=person).update(person=None)
    counts = {"sources_erased": erased, "memos_deleted": memos, "speakers_unlinked": speakers}
    return {key: value for key, value in counts.items() if value}  # nothing to say for most people


register("sensemaking", export=export, erase=erase)
