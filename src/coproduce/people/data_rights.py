"""A person's rights over their data: download everything held about them, and erasure.

Each app that holds data about a person plugs in here, so the people app never reaches into
another app's models. An app adds a module ``<app>/data_rights.py`` that calls :func:`register`
at import time; :func:`autodiscover` (run from ``PeopleConfig.ready``) imports every installed
app's ``data_rights`` module. For example, in ``events/data_rights.py``::

    from coproduce.people.data_rights import register

    def export(person):
        return [{"event": r.event.title, "status": r.status, ...} for r in person.registrations.all()]

    def erase(person, *, acting_user):
        # Remove personal data, keep rows that only count (e.g. attendance) pointing at the
        # anonymised person. Return counts only: they go into the audit row.
        n = person.registrations.update(access_needs=[], notes="")
        return {"registrations_anonymised": n}

    register("events", export=export, erase=erase)

This is a plug-in point, not a happening (``core.happenings``): a happening tells downstream apps
after the fact and expects nothing back, and a subscriber's failure never undoes the change. Here the
people app needs every app's answer, at once and in the caller's transaction: the export is the
sections the apps return, and erasure must fail as a whole if any app cannot erase its part. So each
app registers two functions that return something, and the people app calls them in a fixed order.

Contract:
- ``export(person)`` returns JSON-serialisable data (dates as ISO strings are fine; the export uses
  Django's JSON encoder). It runs with the person's own rights: include everything held about them.
- ``erase(person, *, acting_user)`` runs inside the erasure transaction, before the person's own
  profile is anonymised, and returns a dict of counts (never personal data). It may be None when an
  app only exports.
- ``before_erasure(person)`` (optional) returns sentences the person should read before they erase
  their data, e.g. that claims not yet approved will not be paid. The erase page lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from coproduce.core.models import AuditEntry

from .models import AccessNeed


@dataclass(frozen=True)
class DataHolder:
    label: str
    export: Callable[[Any], Any]
    erase: Callable[..., dict[str, int]] | None
    before_erasure: Callable[[Any], list[str]] | None = None


_registry: dict[str, DataHolder] = {}


def register(
    label: str,
    *,
    export: Callable[[Any], Any],
    erase: Callable[..., dict[str, int]] | None = None,
    before_erasure: Callable[[Any], list[str]] | None = None,
) -> None:
    """Register what ``label`` (usually the app label) holds about a person. Re-registering replaces."""
    _registry[label] = DataHolder(label=label, export=export, erase=erase, before_erasure=before_erasure)


def erasure_warnings(person) -> list[str]:
    """What each app says the person should know before erasing their data, in the holders' order."""
    return [line for h in holders() if h.before_erasure for line in h.before_erasure(person)]


def holders() -> list[DataHolder]:
    """Registered holders, "people" first, then by label (a stable export layout)."""
    return sorted(_registry.values(), key=lambda h: (h.label != "people", h.label))


def autodiscover() -> None:
    autodiscover_modules("data_rights")


def export_person_data(person) -> dict[str, Any]:
    """Everything held about ``person``, one section per registered holder."""
    data: dict[str, Any] = {
        "about": "Everything Coproduce holds about you, exported at your request.",
        "exported_at": timezone.now().isoformat(),
    }
    for holder in holders():
        data[holder.label] = holder.export(person)
    return data


# What the people app itself holds. The profile is anonymised by ``do_erase_person`` itself, last.


def _export_people(person) -> dict[str, Any]:
    labels = dict(AccessNeed.choices)
    return {
        "profile": {
            "email": person.email,
            "badge_name": person.badge_name,
            "pronouns": person.pronouns,
            "contact_preference": person.contact_preference,
            "phone": person.phone,
            "postal_address": person.postal_address,
            "joined": person.date_joined.isoformat(),
            "last_signed_in": person.last_login.isoformat() if person.last_login else None,
        },
        "access_needs": {
            "needs": [{"code": code, "label": labels.get(code, code)} for code in person.access_needs],
            "details": person.access_needs_details,
            "reviewed_on": person.access_needs_reviewed_on.isoformat()
            if person.access_needs_reviewed_on
            else None,
        },
        "perspectives": [
            {
                "perspective": p.perspective,
                "label": p.get_perspective_display(),
                "declared_at": p.declared_at.isoformat(),
            }
            for p in person.perspectives.all()
        ],
        "sign_in_emails": [
            {"sent_at": t.created_at.isoformat(), "used_at": t.used_at.isoformat() if t.used_at else None}
            for t in person.sign_in_tokens.all()
        ],
    }


def _erase_people(person, *, acting_user) -> dict[str, int]:
    perspectives, _ = person.perspectives.all().delete()
    tokens, _ = person.sign_in_tokens.all().delete()
    return {"perspectives": perspectives, "sign_in_emails": tokens}


def _export_audit(person) -> dict[str, Any]:
    """The audit trail about the person, and the changes they made (ids and field names only)."""

    def row(entry):
        return {
            "when": entry.occurred_at.isoformat(),
            "action": entry.action,
            "subject": f"{entry.subject_type}:{entry.subject_id}",
            "details": entry.details,
        }

    about = AuditEntry.objects.filter(subject_type=person._meta.label_lower, subject_id=str(person.pk))
    return {
        "about_you": [row(e) for e in about.order_by("occurred_at", "id")],
        "done_by_you": [
            row(e) for e in AuditEntry.objects.filter(acting_user=person).order_by("occurred_at", "id")
        ],
    }


def _export_emails(person) -> list[dict[str, Any]]:
    """E-mails to the person waiting in the outbox or sent in the last few days (``core.outbox``)."""
    from coproduce.core.models import OutboxMessage

    return [
        {
            "subject": m.subject,
            "status": m.status,
            "queued_at": m.created_at.isoformat(),
            "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        }
        for m in OutboxMessage.objects.filter(to__iexact=person.email).order_by("created_at", "id")
    ]


def _erase_emails(person, *, acting_user) -> dict[str, int]:
    from coproduce.core.models import OutboxMessage

    deleted, _ = OutboxMessage.objects.filter(to__iexact=person.email).delete()
    return {"messages": deleted} if deleted else {}  # only what changed goes into the audit row


register("people", export=_export_people, erase=_erase_people)
register("audit", export=_export_audit)
register("emails", export=_export_emails, erase=_erase_emails)
