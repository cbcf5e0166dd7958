"""The adapter between a session's votes and the common-ground engine (``coproduce.engine``).

The engine knows nothing of Django: it takes ids and values and returns arrays. This module reads
the votes, calls ``OpinionMap`` and ``BridgingModel``, and turns the results into a small JSON
document stored in ``OpinionMapSnapshot.data``, holding only ids, counts and scores (never who voted
what). Statement texts are looked up when the map is shown, so a statement hidden afterwards drops
out of it at once.

Votes the engine cannot analyse yet (too few, too sparse) are its ``OpinionDataError``: the map then
says to keep voting. Any other error is a bug, and is raised.

Votes are private, so the map keeps to three rules (settings, see docs/operators.md):

- no map of groups until ``COPRODUCE_MIN_VOTERS_FOR_MAP`` people have voted;
- a group of fewer than ``COPRODUCE_MIN_GROUP_SIZE`` people is marked ``too_small`` and nothing it
  thinks is kept, so no page can show it;
- "agreed in every group" is the engine's selection (``OpinionMap.agreed_in_every_group_``: a majority
  of every group agrees and group-informed consensus reaches ``COPRODUCE_GROUP_CONSENSUS_THRESHOLD``).

The map is built with ``coproduce.engine.opinion.build_opinion_map``, as ``coproduce analyse`` builds
its own, from the votes and statements in the order the Polis export writes them, so the two find the
same groups and the same stability when the same people are in the conversation.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from coproduce.engine.bridging import MIN_BRIDGING_RATINGS, BridgingModel
from coproduce.engine.opinion import OpinionDataError, OpinionMap, build_opinion_map

from .models import OpinionMapSnapshot, Statement, Vote

logger = logging.getLogger(__name__)

MIN_STATEMENTS = 2
GROUP_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PER_GROUP = 3
COMMON_GROUND = 5
BRIDGING = 3
STABILITY_EVERY_SECONDS = 10


def fingerprint(session_id: int) -> str:
    """Names the votes and statements a map is computed from; changes whenever either changes."""
    votes = Vote.objects.filter(session_id=session_id).aggregate(n=Count("id"), last=Max("updated_at"))
    statements = Statement.objects.filter(session_id=session_id).aggregate(
        n=Count("id"), last=Max("updated_at")
    )

    def stamp(moment) -> str:
        return f"{moment.timestamp():.6f}" if moment else "-"

    return f"v{votes['n']}@{stamp(votes['last'])}|s{statements['n']}@{stamp(statements['last'])}"


def compute_and_store(
    session_id: int, *, force: bool = False, with_stability: bool = False
) -> tuple[OpinionMapSnapshot, float] | None:
    """Recompute and store the session's map unless it is already up to date.

    Stability needs ten bootstrap refits, most of the cost of a map, so it is estimated only with
    ``with_stability`` (and for a session's first map); otherwise the last estimate is carried over.
    Returns ``(snapshot, read_at)``: ``read_at`` is the time (``time.time()``) just before the votes
    were read, so every vote committed before it is in the map.
    """
    current = fingerprint(session_id)
    existing = OpinionMapSnapshot.objects.filter(session_id=session_id).first()
    if existing is not None and existing.fingerprint == current and not force:
        return None
    read_at = time.time()
    previous = (existing.data or {}).get("stability") if existing is not None else None
    # Polis's in-conv is sticky: whoever was in the conversation at the last map stays in it
    was_in = (existing.data or {}).get("in_conversation", []) if existing is not None else []
    with_stability = with_stability or previous is None
    data = compute_opinion_map(session_id, with_stability=with_stability, in_conversation=was_in)
    data.setdefault("in_conversation", was_in)
    # stability_current: the figure was worked out from these very votes (not carried over)
    data["stability_current"] = with_stability
    if data.get("stability") is None and previous is not None and data.get("ready") and not with_stability:
        data["stability"] = previous
    priority = data.pop("priority", {})
    snapshot, _ = OpinionMapSnapshot.objects.update_or_create(
        session_id=session_id,
        defaults={"computed_at": timezone.now(), "fingerprint": current, "data": data, "priority": priority},
    )
    return snapshot, read_at


def stability_due(session_id: int) -> bool:
    """True at most once every STABILITY_EVERY_SECONDS per session, across workers."""
    return cache.add(f"coproduce:live:{session_id}:stability", 1, timeout=STABILITY_EVERY_SECONDS)


def _empty(votes: int, voters: int, statements: int, message: str) -> dict[str, Any]:
    return {
        "ready": False,
        "message": message,
        "needs_voters": None,
        "needs_statements": MIN_STATEMENTS,
        "min_group_size": settings.COPRODUCE_MIN_GROUP_SIZE,
        "votes": votes,
        "voters": voters,
        "statements": statements,
        "groups": [],
        "consensus": [],
        "group_informed": [],
        "bridging": [],
        "stability": None,
        "priority": {},
        "points": [],
        "totals": {},
        "clustered": 0,
    }


def _percent(part: int, whole: int) -> int:
    """A whole percentage that is 0 only when ``part`` is: "0% agree" is never said of a few agrees."""
    if not whole:
        return 0
    return max(round(100 * part / whole), 1 if part else 0)


def _finite(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


@dataclass
class _Votes:
    """A session's votes as the engine takes them, and what the map counts."""

    participant_ids: list[int]
    statement_ids: list[int]
    values: list[int]
    statements: list[int]  # every statement of the session, whatever its status
    accepted: set[int]
    excluded: list[int]  # statements not accepted: voted on, but not on the map
    counted: list[tuple[int, int, int]]  # (participant, statement, value) on accepted statements
    voters: set[int] = field(default_factory=set)
    totals: dict[int, Counter] = field(default_factory=dict)  # statement -> Counter of values

    def percent(self, statement_id: int, direction: str) -> int:
        """The share of everyone who voted on the statement who voted ``direction``."""
        c = self.totals.get(statement_id, Counter())
        return _percent(c[1] if direction == "agree" else c[-1], c[1] + c[-1] + c[0])


def _read_votes(session_id: int) -> _Votes:
    # In the order the Polis export numbers them, so ``coproduce analyse`` builds the same map.
    statements = list(
        Statement.objects.filter(session_id=session_id)
        .order_by("created_at", "id")
        .values_list("id", "status")
    )
    accepted = {sid for sid, status in statements if status == Statement.Status.ACCEPTED}
    rows = list(
        Vote.objects.filter(session_id=session_id)
        .order_by("updated_at", "id")
        .values_list("participant_id", "statement_id", "value")
    )
    counted = [r for r in rows if r[1] in accepted]
    totals: dict[int, Counter] = defaultdict(Counter)
    for _p, s, v in counted:
        totals[s][v] += 1
    return _Votes(
        participant_ids=[r[0] for r in rows],
        statement_ids=[r[1] for r in rows],
        values=[r[2] for r in rows],
        statements=[sid for sid, _status in statements],
        accepted=accepted,
        excluded=sorted(sid for sid, status in statements if status != Statement.Status.ACCEPTED),
        counted=counted,
        voters={p for p, _s, _v in counted},
        totals=totals,
    )


def compute_opinion_map(
    session_id: int, *, with_stability: bool = True, in_conversation: Iterable[int] = ()
) -> dict[str, Any]:
    """Groups, what each believes, common ground, bridging statements and stability, as JSON-ready data.

    ``in_conversation`` are the participants in the conversation at the previous map: they stay in
    (Polis's sticky ``in-conv``), and ``data["in_conversation"]`` lists who is in now.
    """
    votes = _read_votes(session_id)
    data = _empty(len(votes.counted), len(votes.voters), len(votes.accepted), "")
    data["totals"] = {str(s): [c[1], c[-1], c[0]] for s, c in votes.totals.items()}
    min_voters = settings.COPRODUCE_MIN_VOTERS_FOR_MAP
    if len(votes.voters) < min_voters or len({s for _p, s, _v in votes.counted}) < MIN_STATEMENTS:
        data["needs_voters"] = min_voters  # the page says why there is no map, in plain words
        return data
    try:
        model = build_opinion_map(
            votes.participant_ids,
            votes.statement_ids,
            votes.values,
            excluded_statements=votes.excluded,
            statements=votes.statements,
            in_conversation=list(in_conversation),
            with_stability=with_stability,
            group_consensus_threshold=settings.COPRODUCE_GROUP_CONSENSUS_THRESHOLD,
        )
    except OpinionDataError as error:  # too few votes for groups yet, or similar: not a failure
        logger.info("Opinion map of session %s not computed: %s", session_id, error)
        data["message"] = "There are not enough votes yet to find groups. Keep voting!"
        return data

    groups = [int(g) for g in model.groups_]
    group_labels = sorted({g for g in groups if g >= 0})
    members = _members(model, groups)
    data.update(
        {
            "ready": bool(group_labels),
            "message": "" if group_labels else "There are not enough votes yet to find groups. Keep voting!",
            "groups": _groups(model, votes, group_labels, members),
            "consensus": _consensus(model, votes),
            "group_informed": _group_informed(model, votes),
            "bridging": _bridging(votes),
            # as coproduce analyse reports it: only for two groups or more
            "stability": _finite(model.stability_) if len(group_labels) >= 2 else None,
            "priority": _priority(model),
            "points": _points(model.projection_, groups, group_labels),
            "clustered": sum(len(m) for m in members.values()),
            "in_conversation": [
                int(pid)
                for pid, inside in zip(model.participants_, model.in_conversation_.tolist(), strict=True)
                if inside
            ],
        }
    )
    return data


def _members(model: OpinionMap, groups: list[int]) -> dict[int, set[int]]:
    """The participants of each group (label -> participant ids); the ungrouped are left out."""
    members: dict[int, set[int]] = defaultdict(set)
    for pid, g in zip((int(p) for p in model.participants_), groups, strict=True):
        if g >= 0:
            members[g].add(pid)
    return members


def _groups(
    model: OpinionMap, votes: _Votes, group_labels: list[int], members: dict[int, set[int]]
) -> list[dict[str, Any]]:
    """Each group with its size and up to PER_GROUP statements that set it apart, with the share of the
    group voting that way."""
    group_of = {pid: g for g, pids in members.items() for pid in pids}
    per_group: dict[int, dict[int, Counter]] = {g: defaultdict(Counter) for g in group_labels}
    for p, s, v in votes.counted:
        g = group_of.get(p)
        if g is not None:
            per_group[g][s][v] += 1
    min_group_size = settings.COPRODUCE_MIN_GROUP_SIZE
    result = []
    for index, g in enumerate(group_labels):
        too_small = len(members[g]) < min_group_size
        believes = []
        for entry in [] if too_small else model.repness_[g]:  # a small group's summary could show votes
            sid = int(entry.statement_id)
            if sid not in votes.accepted:
                continue
            c = per_group[g][sid]
            voted = c[1] + c[-1] + c[0]
            if not c[1 if entry.direction == "agree" else -1]:
                continue  # Polis's fallback when nothing sets a group apart: "0% disagree" says nothing
            believes.append(
                {
                    "id": sid,
                    "direction": entry.direction,
                    "percent": _percent(c[1] if entry.direction == "agree" else c[-1], voted),
                    "voted": voted,
                    "repness": _finite(entry.repness),
                    "probability": _finite(entry.probability),
                }
            )
            if len(believes) >= PER_GROUP:
                break
        result.append(
            {
                "label": GROUP_LETTERS[index % 26],
                "index": index,
                "size": len(members[g]),
                "too_small": too_small,
                "believes": believes,
            }
        )
    return result


def _consensus(model: OpinionMap, votes: _Votes) -> list[dict[str, Any]]:
    """Up to COMMON_GROUND statements most people agree (or disagree) with, as the engine ranks them."""
    consensus = []
    for entry in model.consensus_:
        sid = int(entry.statement_id)
        if sid in votes.accepted:
            consensus.append(
                {
                    "id": sid,
                    "direction": entry.direction,
                    "percent": votes.percent(sid, entry.direction),
                    "probability": _finite(entry.probability),
                }
            )
        if len(consensus) >= COMMON_GROUND:
            break
    return consensus


def _by_statement(model: OpinionMap, values) -> dict[int, Any]:
    """An engine result aligned to ``model.statements_``, as ``{statement id: value}``."""
    return dict(zip((int(s) for s in model.statements_), values, strict=True))


def _group_informed(model: OpinionMap, votes: _Votes) -> list[dict[str, Any]]:
    """Up to COMMON_GROUND statements agreed in every group, most agreed first: the engine's selection
    (a majority of every group agrees, and group-informed consensus reaches the threshold)."""
    return [
        {"id": sid, "score": a.probability, "percent": votes.percent(sid, "agree")}
        for a in model.agreed_in_every_group_
        if (sid := int(a.statement_id)) in votes.accepted
    ][:COMMON_GROUND]


def _priority(model: OpinionMap) -> dict[str, float]:
    """The engine's priority per statement (``{"id": priority}``), for choosing what to show next."""
    priority = {}
    for sid, raw in _by_statement(model, model.priority_).items():
        value = _finite(raw)
        if value is not None:
            priority[str(sid)] = value
    return priority


def _bridging(votes: _Votes) -> list[dict[str, Any]]:
    """Up to BRIDGING statements that people across groups agree with (matrix factorisation)."""
    try:
        model = BridgingModel().fit(votes.participant_ids, votes.statement_ids, votes.values)
    except OpinionDataError as error:  # too few votes to factorise yet
        logger.info("Bridging not computed: %s", error)
        return []
    rated = zip(model.statements_, model.bridging_scores_, model.n_ratings_, strict=True)
    # as coproduce analyse: a score from too few agree or disagree votes says nothing yet
    scored = [(int(s), _finite(score)) for s, score, ratings in rated if ratings >= MIN_BRIDGING_RATINGS]
    scored = [
        (s, score)
        for s, score in scored
        if s in votes.accepted and score is not None and score > 0 and votes.percent(s, "agree") > 0
    ]
    scored.sort(key=lambda kv: -kv[1])
    return [{"id": s, "score": score, "percent": votes.percent(s, "agree")} for s, score in scored[:BRIDGING]]


def _points(projection, groups: list[int], group_labels: list[int]) -> list[list[float]]:
    """Each clustered participant as an anonymous dot ``[x, y, group index]`` scaled to 0..100."""
    index_of = {g: i for i, g in enumerate(group_labels)}
    raw = []
    for row, g in zip(list(projection), groups, strict=True):
        x, y = _finite(row[0]), _finite(row[1])
        if x is None or y is None or g not in index_of:
            continue
        raw.append((x, y, index_of[g]))
    if not raw:
        return []

    def scale(vals: Iterable[float]) -> tuple[float, float]:
        vals = list(vals)
        low, high = min(vals), max(vals)
        return low, (high - low) or 1.0

    (x0, xr), (y0, yr) = scale(p[0] for p in raw), scale(p[1] for p in raw)
    return [[round(5 + 90 * (x - x0) / xr, 1), round(5 + 90 * (y - y0) / yr, 1), g] for x, y, g in raw]
