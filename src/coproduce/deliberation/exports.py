"""Exports of a session's outcomes: CSV files, and a Polis-compatible pair (votes.csv, comments.csv)
that ``coproduce analyse`` and other Polis tools can read.

Every file is written through :mod:`coproduce.core.spreadsheets`, so a statement or message typed as
``=HYPERLINK(...)`` reaches a spreadsheet as text, not as a formula. The one exception is
``polis-export-raw.zip``: the statements exactly as typed, for Polis's own tools, offered only to people
who may export and labelled as not for spreadsheet programs.

Nothing exported names anyone. Voters are numbered 0, 1, 2... in the order of a random key given to each
participant when they joined, so the numbers do not reveal who joined when.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from django.http import Http404, HttpResponse
from django.utils.text import slugify

from coproduce.core.spreadsheets import csv_text, neutralise_cell
from coproduce.engine.polis_io import write_polis_export
from coproduce.live.models import LiveSession
from coproduce.live.permissions import can_export_outcomes

from .access import pieces_of
from .map_refresh import current_map
from .models import OpinionMapSnapshot, Statement, TakeHomeMessage, Vote

MODERATED = {
    Statement.Status.ACCEPTED: 1,
    Statement.Status.PENDING: 0,
    Statement.Status.HIDDEN: -1,
    Statement.Status.MERGED: -1,
}


def can_export(user, session: LiveSession) -> bool:
    return can_export_outcomes(user, session)


def _voter_numbers(session: LiveSession) -> dict[int, int]:
    ordered = session.participants.order_by("anonymous_key").values_list("pk", flat=True)
    return {pk: number for number, pk in enumerate(ordered)}


def _statement_numbers(session: LiveSession) -> dict[int, int]:
    ordered = (
        Statement.objects.filter(session=session).order_by("created_at", "id").values_list("pk", flat=True)
    )
    return {pk: number for number, pk in enumerate(ordered)}


def statement_rows(session: LiveSession) -> list[dict]:
    """Every accepted statement with its vote counts and where it stands on the map (aggregates only)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for statement_id, value in Vote.objects.filter(session=session).values_list("statement_id", "value"):
        counts[statement_id][value] += 1
    snapshot = OpinionMapSnapshot.objects.filter(session=session).first()
    data = snapshot.data if snapshot else {}
    consensus = {c["id"] for c in data.get("consensus", [])}
    gic = {c["id"]: c.get("score") for c in data.get("group_informed", [])}
    bridging = {c["id"]: c.get("score") for c in data.get("bridging", [])}
    numbers = _statement_numbers(session)
    rows = []
    for statement in Statement.objects.filter(session=session, status=Statement.Status.ACCEPTED).order_by(
        "created_at", "id"
    ):
        c = counts[statement.pk]
        total = c[1] + c[-1] + c[0]
        rows.append(
            {
                "number": numbers[statement.pk],
                "text": statement.text,
                "agree": c[1],
                "disagree": c[-1],
                "pass": c[0],
                "votes": total,
                "agree_percent": round(100 * c[1] / total) if total else 0,
                "disagree_percent": round(100 * c[-1] / total) if total else 0,
                "common_ground": statement.pk in consensus,
                "group_informed": gic.get(statement.pk),
                "bridging": bridging.get(statement.pk),
                "is_seed": statement.is_seed,
            }
        )
    return rows


def _csv(rows: list[list], header: list[str]) -> str:
    return csv_text(header, rows, lineterminator="\n")


def statements_csv(session: LiveSession) -> str:
    rows = [
        [
            r["number"],
            r["text"],
            r["agree"],
            r["disagree"],
            r["pass"],
            r["votes"],
            r["agree_percent"],
            "yes" if r["common_ground"] else "",
            "" if r["group_informed"] is None else f"{r['group_informed']:.4f}",
            "" if r["bridging"] is None else f"{r['bridging']:.4f}",
            "facilitator" if r["is_seed"] else "participant",
        ]
        for r in statement_rows(session)
    ]
    return _csv(
        rows,
        [
            "statement",
            "text",
            "agree",
            "disagree",
            "pass",
            "votes",
            "agree_percent",
            "common_ground",
            "group_informed_consensus",
            "bridging",
            "written_by",
        ],
    )


def take_home_csv(session: LiveSession) -> str:
    messages = TakeHomeMessage.objects.filter(session=session, is_hidden=False).order_by("created_at", "id")
    return _csv([[m.created_at.isoformat(), m.text] for m in messages], ["left_at", "message"])


def pieces_csv(session: LiveSession) -> str:
    rows = []
    for number, item in enumerate(pieces_of(session), start=1):
        rows += [[number, line_number, line] for line_number, line in enumerate(item["lines"])]
    return _csv(rows, ["piece", "line", "text"])


def _polis_folder(session: LiveSession, folder, *, raw: bool = False) -> None:
    """Write votes.csv and comments.csv with the engine's Polis writer, so its reader (and
    ``coproduce analyse``) reads back what was written. Statements are neutralised for spreadsheets
    unless ``raw``."""
    voters, numbers = _voter_numbers(session), _statement_numbers(session)
    votes = list(
        Vote.objects.filter(session=session)
        .order_by("updated_at", "id")
        .values_list("participant_id", "statement_id", "value", "updated_at")
    )
    statements = list(Statement.objects.filter(session=session).order_by("created_at", "id"))
    write_polis_export(
        folder,
        [voters[p] for p, _s, _v, _t in votes],
        [numbers[s] for _p, s, _v, _t in votes],
        [v for _p, _s, v, _t in votes],
        timestamps=[int(t.timestamp() * 1000) for _p, _s, _v, t in votes],
        statements={numbers[s.pk]: s.text for s in statements},
        moderated={numbers[s.pk]: MODERATED[s.status] for s in statements},
        authors={numbers[s.pk]: voters[s.author_id] for s in statements if s.author_id in voters},
        text_cell=None if raw else neutralise_cell,
    )


def _polis_file(session: LiveSession, name: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        _polis_folder(session, folder)
        return (Path(folder) / name).read_text(encoding="utf-8")


def polis_votes_csv(session: LiveSession) -> str:
    """Polis ``votes.csv``: timestamp, datetime, comment-id, voter-id, vote (1 agree, -1 disagree, 0 pass)."""
    return _polis_file(session, "votes.csv")


def polis_comments_csv(session: LiveSession) -> str:
    """Polis ``comments.csv``: timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
    comment-body. Statements written by a facilitator have an empty author-id."""
    return _polis_file(session, "comments.csv")


def polis_zip(session: LiveSession, *, raw: bool = False) -> bytes:
    """votes.csv and comments.csv in one ZIP; ``raw`` keeps statements exactly as typed (see the module)."""
    buffer = io.BytesIO()
    with (
        tempfile.TemporaryDirectory() as folder,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        _polis_folder(session, folder, raw=raw)
        for name in ("votes.csv", "comments.csv"):
            archive.write(Path(folder) / name, name)
    return buffer.getvalue()


def polis_zip_raw(session: LiveSession) -> bytes:
    return polis_zip(session, raw=True)


EXPORTS = {
    "statements.csv": (statements_csv, "text/csv"),
    "take-home-messages.csv": (take_home_csv, "text/csv"),
    "pieces.csv": (pieces_csv, "text/csv"),
    "votes.csv": (polis_votes_csv, "text/csv"),
    "comments.csv": (polis_comments_csv, "text/csv"),
    "polis-export.zip": (polis_zip, "application/zip"),
    "polis-export-raw.zip": (polis_zip_raw, "application/zip"),
}


def download(session: LiveSession, name: str) -> HttpResponse:
    if name not in EXPORTS:
        raise Http404("No such export.")
    make, content_type = EXPORTS[name]
    current_map(session, max_age=0)  # common ground and bridging as of now
    content = make(session)
    response = HttpResponse(
        content, content_type=f"{content_type}; charset=utf-8" if content_type == "text/csv" else content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(session.title)[:40] or "session"}-{name}"'
    )
    return response
