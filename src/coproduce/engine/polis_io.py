"""Read and write Polis export folders (the files Polis's "export" button and compdemocracy/openData use).

A folder holds ``comments.csv`` (``comment-id``, ``moderated`` with −1 = moderated out, optionally
``is-meta`` and ``group-informed-consensus``, ``comment-body``) and either ``votes.csv`` (one row per
vote: ``timestamp``, ``comment-id``, ``voter-id``, ``vote``) or ``participants-votes.csv`` (one row per
participant: ``participant``, ``group-id``, … then one column per comment id holding the latest vote).
Votes: agree = 1, disagree = −1, pass = 0.

Problems are reported as ``OpinionDataError`` naming the file, the line and what is wrong.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ._votes import OpinionDataError

__all__ = [
    "PolisExport",
    "PolisMath",
    "find_polis_math",
    "read_polis_export",
    "read_polis_math",
    "write_polis_export",
    "OpinionDataError",
]

MATH_FILE_NAMES = ("math-pca2.json", "math-pca2.json.gz", "pca2.json", "pca2.json.gz")

_VOTE_VALUES = {"1": 1, "-1": -1, "0": 0, "1.0": 1, "-1.0": -1, "0.0": 0}


@dataclass
class PolisExport:
    """Votes and statements read from a Polis export folder; votes are in chronological order."""

    path: Path
    participant_ids: np.ndarray
    statement_ids: np.ndarray
    values: np.ndarray
    statements: list[int] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)
    excluded: set[int] = field(default_factory=set)
    polis_groups: dict[int, int] = field(default_factory=dict)
    polis_gic: dict[int, float] = field(default_factory=dict)
    votes_source: str = "votes.csv"
    warnings: list[str] = field(default_factory=list)
    vote_times: np.ndarray | None = None

    @property
    def has_history(self) -> bool:
        """True when every vote has its time (``votes.csv`` with a ``timestamp`` column), so
        ``OpinionMap.fit_history`` can replay Polis's updates."""
        return self.vote_times is not None and self.vote_times.size == self.values.size


def _open_csv(path: Path):
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise OpinionDataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return handle


def _header(reader, path: Path, required: tuple[str, ...]) -> dict[str, int]:
    try:
        header = next(reader)
    except StopIteration:
        raise OpinionDataError(f"{path.name}: line 1: the file is empty (expected a header row)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise OpinionDataError(f"{path.name}: line 1: not a readable CSV file ({exc})") from None
    index = {name.strip(): i for i, name in enumerate(header)}
    missing = [c for c in required if c not in index]
    if missing:
        found = ", ".join(h.strip() for h in header[:8]) or "nothing"
        raise OpinionDataError(
            f"{path.name}: line 1: missing column {', '.join(repr(m) for m in missing)} (found: {found})"
        )
    return index


def _rows(reader, path: Path, width: int):
    """Yield (line number, row), checking every row has the header's number of fields."""
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                raise OpinionDataError(
                    f"{path.name}: line {reader.line_num}: expected {width} fields, found {len(row)}"
                )
            yield reader.line_num, row
    except (csv.Error, UnicodeDecodeError) as exc:
        raise OpinionDataError(f"{path.name}: line {reader.line_num}: not readable as CSV ({exc})") from None


def _int(value: str, path: Path, line: int, column: str) -> int:
    text = value.strip()
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if number.is_integer():
            return int(number)
        raise OpinionDataError(
            f"{path.name}: line {line}: {column} must be a whole number, not {value!r}"
        ) from None


def _vote(value: str, path: Path, line: int, column: str) -> int:
    vote = _VOTE_VALUES.get(value.strip())
    if vote is None:
        raise OpinionDataError(
            f"{path.name}: line {line}: {column} must be 1 (agree), -1 (disagree) or 0 (pass), not {value!r}"
        )
    return vote


def _read_comments(path: Path, export: PolisExport) -> None:
    with _open_csv(path) as handle:
        reader = csv.reader(handle)
        index = _header(reader, path, ("comment-id",))
        width = len(index)
        seen: set[int] = set()
        for line, row in _rows(reader, path, width):
            tid = _int(row[index["comment-id"]], path, line, "comment-id")
            if tid in seen:
                raise OpinionDataError(f"{path.name}: line {line}: comment-id {tid} appears more than once")
            seen.add(tid)
            export.statements.append(tid)
            if "comment-body" in index:
                export.texts[tid] = row[index["comment-body"]]
            if "moderated" in index and row[index["moderated"]].strip() not in ("", "0", "1"):
                if _int(row[index["moderated"]], path, line, "moderated") == -1:
                    export.excluded.add(tid)
            if "is-meta" in index and row[index["is-meta"]].strip().lower() in ("true", "1", "t"):
                export.excluded.add(tid)
            if "group-informed-consensus" in index and row[index["group-informed-consensus"]].strip():
                try:
                    export.polis_gic[tid] = float(row[index["group-informed-consensus"]])
                except ValueError:
                    raise OpinionDataError(
                        f"{path.name}: line {line}: group-informed-consensus must be a number, "
                        f"not {row[index['group-informed-consensus']]!r}"
                    ) from None


def _read_votes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    with _open_csv(path) as handle:
        reader = csv.reader(handle)
        index = _header(reader, path, ("comment-id", "voter-id", "vote"))
        width = len(index)
        ts_col = index.get("timestamp")
        times, pids, tids, votes = [], [], [], []
        for line, row in _rows(reader, path, width):
            times.append(_int(row[ts_col], path, line, "timestamp") if ts_col is not None else 0)
            tids.append(_int(row[index["comment-id"]], path, line, "comment-id"))
            pids.append(_int(row[index["voter-id"]], path, line, "voter-id"))
            votes.append(_vote(row[index["vote"]], path, line, "vote"))
    stamps = np.asarray(times, dtype=np.int64)
    order = np.argsort(stamps, kind="stable")
    return (
        np.asarray(pids, dtype=np.int64)[order],
        np.asarray(tids, dtype=np.int64)[order],
        np.asarray(votes, dtype=np.int8)[order],
        stamps[order] / 1000.0 if ts_col is not None else None,  # Polis stamps are milliseconds
    )


def _read_participants_votes(path: Path, export: PolisExport, votes_needed: bool):
    with _open_csv(path) as handle:
        reader = csv.reader(handle)
        index = _header(reader, path, ("participant",))
        width = len(index)
        comment_cols = []
        for name, i in index.items():
            if name.lstrip("-").isdigit():
                comment_cols.append((int(name), i))
        gcol = index.get("group-id")
        pids, tids, votes = [], [], []
        for line, row in _rows(reader, path, width):
            pid = _int(row[index["participant"]], path, line, "participant")
            if gcol is not None and row[gcol].strip():
                export.polis_groups[pid] = _int(row[gcol], path, line, "group-id")
            if not votes_needed:
                continue
            for tid, i in comment_cols:
                cell = row[i]
                if cell.strip():
                    pids.append(pid)
                    tids.append(tid)
                    votes.append(_vote(cell, path, line, f"the vote on comment {tid}"))
    return (
        np.asarray(pids, dtype=np.int64),
        np.asarray(tids, dtype=np.int64),
        np.asarray(votes, dtype=np.int8),
    )


def read_polis_export(path: str | Path) -> PolisExport:
    """Read a Polis export folder (or the path of one of its files)."""
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    if not folder.exists():
        raise OpinionDataError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise OpinionDataError(f"{folder}: not a folder")
    votes_path = folder / "votes.csv"
    pv_path = folder / "participants-votes.csv"
    comments_path = folder / "comments.csv"
    if not votes_path.exists() and not pv_path.exists():
        raise OpinionDataError(
            f"{folder}: no votes.csv or participants-votes.csv (is this a Polis export folder?)"
        )
    export = PolisExport(
        path=folder,
        participant_ids=np.zeros(0, np.int64),
        statement_ids=np.zeros(0, np.int64),
        values=np.zeros(0, np.int8),
    )
    if comments_path.exists():
        _read_comments(comments_path, export)
    else:
        export.warnings.append("comments.csv is missing: statements are shown by number only")
    times = None
    if votes_path.exists():
        pids, tids, vals, times = _read_votes(votes_path)
        if pv_path.exists():
            _read_participants_votes(pv_path, export, votes_needed=False)
    else:
        pids, tids, vals = _read_participants_votes(pv_path, export, votes_needed=True)
        export.votes_source = "participants-votes.csv"
    if export.statements:
        known = np.isin(tids, np.asarray(export.statements, dtype=np.int64))
        if not known.all():
            unknown = sorted(set(tids[~known].tolist()))
            shown = ", ".join(str(t) for t in unknown[:5]) + (" …" if len(unknown) > 5 else "")
            export.warnings.append(
                f"{int((~known).sum())} vote(s) on statement id(s) not in comments.csv were ignored: {shown}"
            )
            pids, tids, vals = pids[known], tids[known], vals[known]
            times = None if times is None else times[known]
    else:
        export.statements = list(dict.fromkeys(tids.tolist()))
    export.participant_ids, export.statement_ids, export.values = pids, tids, vals
    export.vote_times = times
    return export


def write_polis_export(
    path: str | Path,
    participant_ids,
    statement_ids,
    values,
    *,
    timestamps=None,
    statements: dict[Any, str] | None = None,
    moderated: dict[Any, int] | None = None,
    authors: dict[Any, Any] | None = None,
    text_cell: Callable[[str], str] | None = None,
) -> None:
    """Write ``votes.csv`` and ``comments.csv`` in Polis's export layout into the folder ``path``.

    Ids must be whole numbers, as in Polis.
    ``timestamps`` are milliseconds since the epoch (default: 0, 1, 2 … keeping the given order);
    ``statements`` maps statement id → text; ``moderated`` maps id → 1, 0 or −1.
    ``text_cell``, when given, is applied to every comment body before it is written: a program that
    offers the files to people passes its spreadsheet-formula neutraliser here. Without it the text is
    written exactly as given, as Polis writes it.
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    pids = list(np.asarray(participant_ids).tolist())
    tids = list(np.asarray(statement_ids).tolist())
    vals = [int(v) for v in np.asarray(values).tolist()]
    if not (len(pids) == len(tids) == len(vals)):
        raise OpinionDataError("participant_ids, statement_ids and values must have the same length")
    bad = [v for v in vals if v not in (1, -1, 0)]
    if bad:
        raise OpinionDataError(f"values must be 1, -1 or 0; found {bad[0]!r}")
    for kind, ids in (("participant", pids), ("statement", tids + list(statements or {}))):
        wrong = next((x for x in ids if not isinstance(x, int | np.integer) or isinstance(x, bool)), None)
        if wrong is not None:
            raise OpinionDataError(f"{kind} ids must be whole numbers in a Polis export; found {wrong!r}")
    stamps = list(range(len(vals))) if timestamps is None else [int(t) for t in timestamps]
    with (folder / "votes.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
        for ts, tid, pid, v in zip(stamps, tids, pids, vals, strict=True):
            writer.writerow([ts, _datetime(ts), tid, pid, v])
    texts = statements or {}
    body = text_cell or (lambda text: text)
    ids = list(dict.fromkeys(list(texts) + tids))
    agrees: dict[Any, int] = {}
    disagrees: dict[Any, int] = {}
    latest: dict[tuple, int] = {}
    for pid, tid, v in zip(pids, tids, vals, strict=True):
        latest[(pid, tid)] = v
    for (_, tid), v in latest.items():
        if v == 1:
            agrees[tid] = agrees.get(tid, 0) + 1
        elif v == -1:
            disagrees[tid] = disagrees.get(tid, 0) + 1
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for tid in ids:
            writer.writerow(
                [
                    0,
                    _datetime(0),
                    tid,
                    (authors or {}).get(tid, ""),
                    agrees.get(tid, 0),
                    disagrees.get(tid, 0),
                    (moderated or {}).get(tid, 0),
                    body(texts.get(tid, "")),
                ]
            )


def _datetime(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


@dataclass
class PolisMath:
    """What Polis's own maths published for a conversation (its ``math/pca2`` blob, the stored
    ``math_main`` data): who was in the conversation, their groups and each group's representative
    statements as (group id, statement id, "agree" or "disagree")."""

    path: Path
    in_conversation: set[int]
    groups: dict[int, int]
    repness: set[tuple[int, int, str]]


def find_polis_math(folder: str | Path) -> Path | None:
    """The Polis math blob saved beside an export (``math-pca2.json`` or ``pca2.json``, maybe gzipped)."""
    for name in MATH_FILE_NAMES:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def read_polis_math(path: str | Path) -> PolisMath:
    """Read a Polis math blob (JSON, or gzipped JSON).

    Uses ``in-conv`` (participant ids), ``base-clusters`` (``id`` and ``members``, folded into
    columns as Polis stores them, or as a list), ``group-clusters`` (``id`` and the base clusters in
    ``members``) and ``repness`` (group id → list of ``tid`` and ``repful-for``), the keys of
    compdemocracy/polis ``math/src/polismath/conv_man.clj`` ``prep-main``. When ``in-conv`` is missing
    it is everyone in a base cluster.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        blob = json.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise OpinionDataError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError, EOFError) as exc:
        raise OpinionDataError(f"{file.name}: not a Polis math blob (not JSON: {exc})") from None
    if not isinstance(blob, dict):
        raise OpinionDataError(f"{file.name}: not a Polis math blob (expected a JSON object)")
    try:
        base = blob.get("base-clusters") or {}
        if isinstance(base, dict):
            ids, members = base.get("id", []), base.get("members", [])
            base = [{"id": i, "members": m} for i, m in zip(ids, members, strict=True)]
        members_of = {int(b["id"]): [int(x) for x in b.get("members", [])] for b in base}
        groups: dict[int, int] = {}
        for group in blob.get("group-clusters") or []:
            for bid in group.get("members", []):
                for pid in members_of.get(int(bid), []):
                    groups[pid] = int(group["id"])
        in_conv = blob.get("in-conv")
        in_conversation = (
            {int(x) for x in in_conv} if in_conv is not None else {x for m in members_of.values() for x in m}
        )
        repness = {
            (int(gid), int(item["tid"]), str(item.get("repful-for", "agree")))
            for gid, items in (blob.get("repness") or {}).items()
            for item in items
        }
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise OpinionDataError(f"{file.name}: not a Polis math blob ({exc!r})") from None
    return PolisMath(file, in_conversation, groups, repness)
