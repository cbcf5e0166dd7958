"""The adapter between a session's votes and the common-ground engine (``coproduce.engine``).

The engine knows nothing of Django: it takes ids and values and returns arrays. This module reads
the votes, calls ``OpinionMap`` and ``BridgingModel``, and turns the results into a small JSON
document stored in ``OpinionMapSnapshot.data``, holding only ids, counts and scores (never who voted
what). Statement texts are looked up when the map is shown, so a statement hidden afterwards drops
out of it at once.

Votes are private, so the map keeps to three rules (settings, see docs/operators.md):

- no map of groups until ``COPRODUCE_MIN_VOTERS_FOR_MAP`` people have voted;
- a group of fewer than ``COPRODUCE_MIN_GROUP_SIZE`` people is marked ``too_small`` and nothing it
  thinks is kept, so no page can show it;
- "agreed in every group" is the engine's selection (``OpinionMap.agreed_in_every_group_``: a majority
  of every group agrees and group-informed consensus reaches ``COPRODUCE_GROUP_CONSENSUS_THRESHOLD``).

The map is built with ``coproduce.engine.opinion.build_opinion_map`` from the votes and statements in
the order the Polis export writes them, so ``coproduce analyse`` on the export finds the same groups
and the same stability.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from coproduce.engine.bridging import MIN_BRIDGING_RATINGS
from coproduce.engine.opinion import build_opinion_map

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
    with_stability = with_stability or previous is None
    data = compute_opinion_map(session_id, with_stability=with_stability)
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


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _aligned(values: Any, keys: list) -> dict:
    """An engine result per statement as ``{statement_id: value}``, whether given aligned or as a mapping."""
    if values is None:
        return {}
    if isinstance(values, dict):
        return dict(values)
    items = list(values)
    if items and (isinstance(items[0], tuple | list) and len(items[0]) == 2):
        return {k: v for k, v in items}
    if items and hasattr(items[0], "statement_id"):
        return {i.statement_id: _attr(i, "score", _attr(i, "probability", 0.0)) for i in items}
    return dict(zip(keys, items, strict=False))


def _finite(x: Any) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def compute_opinion_map(session_id: int, *, with_stability: bool = True) -> dict[str, Any]:
    """Groups, what each believes, common ground, bridging statements and stability, as JSON-ready data."""
    # In the order the Polis export numbers them, so ``coproduce analyse`` builds the same map.
    statements = list(
        Statement.objects.filter(session_id=session_id)
        .order_by("created_at", "id")
        .values_list("id", "status")
    )
    accepted = {sid for sid, status in statements if status == Statement.Status.ACCEPTED}
    excluded = sorted(sid for sid, status in statements if status != Statement.Status.ACCEPTED)
    rows = list(
        Vote.objects.filter(session_id=session_id)
        .order_by("updated_at", "id")
        .values_list("participant_id", "statement_id", "value")
    )
    voters = {p for p, s, v in rows if s in accepted}
    counted = [r for r in rows if r[1] in accepted]
    totals: dict[int, Counter] = defaultdict(Counter)
    for _p, s, v in counted:
        totals[s][v] += 1
    data = _empty(len(counted), len(voters), len(accepted), "")
    data["totals"] = {str(s): [c[1], c[-1], c[0]] for s, c in totals.items()}
    min_voters = settings.COPRODUCE_MIN_VOTERS_FOR_MAP
    if len(voters) < min_voters or len({s for _p, s, _v in counted}) < MIN_STATEMENTS:
        data["needs_voters"] = min_voters  # the page says why there is no map, in plain words
        return data

    participant_ids = [r[0] for r in rows]
    statement_ids = [r[1] for r in rows]
    values = [r[2] for r in rows]
    try:
        model = build_opinion_map(
            participant_ids,
            statement_ids,
            values,
            excluded_statements=excluded,
            statements=[sid for sid, _status in statements],
            with_stability=with_stability,
            group_consensus_threshold=settings.COPRODUCE_GROUP_CONSENSUS_THRESHOLD,
        )
    except Exception as error:  # too few votes for groups yet, or similar: not a failure of the session
        logger.info("Opinion map of session %s not computed: %s", session_id, error)
        data["message"] = "There are not enough votes yet to find groups. Keep voting!"
        return data

    engine_statements = [int(s) for s in model.statements_]
    engine_participants = [int(p) for p in model.participants_]
    groups = [int(g) for g in model.groups_]
    group_labels = sorted({g for g in groups if g >= 0})
    members: dict[int, set[int]] = defaultdict(set)
    for pid, g in zip(engine_participants, groups, strict=False):
        if g >= 0:
            members[g].add(pid)
    per_group: dict[int, dict[int, Counter]] = {g: defaultdict(Counter) for g in group_labels}
    group_of = {pid: g for pid, g in zip(engine_participants, groups, strict=False) if g >= 0}
    for p, s, v in counted:
        g = group_of.get(p)
        if g is not None:
            per_group[g][s][v] += 1

    repness = list(getattr(model, "repness_", []) or [])
    min_group_size = settings.COPRODUCE_MIN_GROUP_SIZE
    result_groups = []
    for index, g in enumerate(group_labels):
        entries = repness[g] if g < len(repness) else (repness[index] if index < len(repness) else [])
        too_small = len(members[g]) < min_group_size
        believes = []
        for entry in [] if too_small else entries:  # a small group's summary could show someone's votes
            sid = int(_attr(entry, "statement_id"))
            if sid not in accepted:
                continue
            c = per_group[g][sid]
            voted = c[1] + c[-1] + c[0]
            direction = _attr(entry, "direction", "agree")
            if not c[1 if direction == "agree" else -1]:
                continue  # Polis's fallback when nothing sets a group apart: "0% disagree" says nothing
            believes.append(
                {
                    "id": sid,
                    "direction": direction,
                    "percent": _percent(c[1] if direction == "agree" else c[-1], voted),
                    "voted": voted,
                    "repness": _finite(_attr(entry, "repness")),
                    "probability": _finite(_attr(entry, "probability")),
                }
            )
            if len(believes) >= PER_GROUP:
                break
        result_groups.append(
            {
                "label": GROUP_LETTERS[index % 26],
                "index": index,
                "size": len(members[g]),
                "too_small": too_small,
                "believes": believes,
            }
        )

    def overall(sid: int, direction: str) -> int:
        c = totals.get(sid, Counter())
        return _percent(c[1] if direction == "agree" else c[-1], c[1] + c[-1] + c[0])

    consensus = []
    for entry in list(getattr(model, "consensus_", []) or []):
        sid = int(_attr(entry, "statement_id"))
        if sid in accepted:
            direction = _attr(entry, "direction", "agree")
            consensus.append(
                {
                    "id": sid,
                    "direction": direction,
                    "percent": overall(sid, direction),
                    "probability": _finite(_attr(entry, "probability")),
                }
            )
        if len(consensus) >= COMMON_GROUND:
            break

    group_informed = [
        {"id": int(a.statement_id), "score": a.probability, "percent": overall(int(a.statement_id), "agree")}
        for a in model.agreed_in_every_group_
        if int(a.statement_id) in accepted
    ][:COMMON_GROUND]

    priority = {}
    for sid, raw in _aligned(getattr(model, "priority_", None), engine_statements).items():
        value = _finite(raw)
        if value is not None:
            priority[str(sid)] = value

    data.update(
        {
            "ready": bool(group_labels),
            "message": "" if group_labels else "There are not enough votes yet to find groups. Keep voting!",
            "groups": result_groups,
            "consensus": consensus,
            "group_informed": group_informed,
            "bridging": _bridging(participant_ids, statement_ids, values, accepted, overall),
            # as coproduce analyse reports it: only for two groups or more
            "stability": _finite(model.stability_) if len(group_labels) >= 2 else None,
            "priority": priority,
            "points": _points(getattr(model, "projection_", None), groups, group_labels),
            "clustered": sum(len(m) for m in members.values()),
        }
    )
    return data


def _bridging(participant_ids, statement_ids, values, accepted: set[int], overall) -> list[dict[str, Any]]:
    try:
        from coproduce.engine.bridging import BridgingModel

        model = BridgingModel().fit(participant_ids, statement_ids, values)
    except Exception as error:
        logger.info("Bridging not computed: %s", error)
        return []
    rated = zip(model.statements_, model.bridging_scores_, model.n_ratings_, strict=False)
    # as coproduce analyse: a score from too few agree or disagree votes says nothing yet
    scored = [(int(s), _finite(score)) for s, score, ratings in rated if ratings >= MIN_BRIDGING_RATINGS]
    scored = [
        (s, score)
        for s, score in scored
        if s in accepted and score is not None and score > 0 and overall(s, "agree") > 0
    ]
    scored.sort(key=lambda kv: -kv[1])
    return [{"id": s, "score": score, "percent": overall(s, "agree")} for s, score in scored[:BRIDGING]]


def _points(projection, groups: list[int], group_labels: list[int]) -> list[list[float]]:
    """Each clustered participant as an anonymous dot ``[x, y, group index]`` scaled to 0..100."""
    if projection is None:
        return []
    index_of = {g: i for i, g in enumerate(group_labels)}
    raw = []
    for row, g in zip(list(projection), groups, strict=False):
        try:
            x, y = _finite(row[0]), _finite(row[1])
        except (TypeError, IndexError):
            continue
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
