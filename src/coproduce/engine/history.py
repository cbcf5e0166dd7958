"""Who Polis counts as *in the conversation*, replayed from the times the votes were cast.

Polis does not analyse a conversation once, at the end: its poller collects the votes cast since the
last look every second (compdemocracy/polis ``math/src/polismath/components/config.clj``,
``:poller {:votes {:polling-interval 1000}}``) and each batch is one conversation update
(``conv_man.clj``, ``conv-update``). Each update recomputes everything except the set of participants
*in the conversation*, which only grows (``conversation.clj``, ``base-conv-update-graph`` ``:in-conv``):

1. a participant joins once they have voted on at least ``min(7, statements)`` statements, counting
   every statement in the vote matrix *at that update* — statements anyone has voted on so far,
   moderated-out ones included (``user-vote-counts`` over ``raw-rating-mat``, ``n-cmts``);
2. while fewer than 15 are in, the most active voters not yet in are added until there are 15
   (``greedy-n``) — early on, that takes in people with one or two votes;
3. once in, a participant stays in at every later update.

So a participant who voted on the only 3 statements a conversation had on its first evening, or who
was among its first 15 voters, stays in even though today's threshold would leave them out. The
final ``in-conv`` set is therefore a function of the vote history, not of the final votes:
``replay_in_conversation`` reconstructs it from the vote timestamps every Polis export carries.

Polis leaves the order of equally active voters in the top-up to a hash map; here the voter who
voted first comes first. Statement timestamps are not needed: a statement enters Polis's count with
its first vote, not when it is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._votes import OpinionDataError, as_id_array, factorize

IN_CONV_MIN_VOTES = 7
IN_CONV_GREEDY_N = 15
POLL_SECONDS = 1.0

__all__ = [
    "InConversationReplay",
    "as_vote_times",
    "chronological",
    "replay_in_conversation",
    "update_ends",
]


@dataclass(frozen=True)
class InConversationReplay:
    """The result of replaying Polis's updates.

    ``participants`` are in order of first vote; ``joined_at[i]`` is the update (0-based) at which
    participant ``i`` entered the conversation, −1 if they were in before the replay began
    (``already_in``) and ``n_updates`` if they never did; ``update_ends[u]`` is the number of votes
    (in time order) seen by the end of update ``u``.
    """

    participants: np.ndarray
    joined_at: np.ndarray
    update_ends: np.ndarray

    @property
    def n_updates(self) -> int:
        return int(self.update_ends.size)

    @property
    def in_conversation(self) -> np.ndarray:
        """Bool per participant: in the conversation after the last update."""
        return self.joined_at < self.n_updates

    def in_conversation_after(self, update: int) -> np.ndarray:
        """Bool per participant: in the conversation after update ``update`` (0-based)."""
        return self.joined_at <= update

    @property
    def ids(self) -> list:
        """Ids of the participants in the conversation after the last update."""
        return self.participants[self.in_conversation].tolist()


def as_vote_times(vote_times, n: int) -> np.ndarray:
    """Vote times as float seconds (numbers, or numpy datetimes), checked: one finite time per vote."""
    try:
        arr = np.asarray(vote_times)
    except (TypeError, ValueError) as exc:
        raise OpinionDataError(f"vote_times must be a flat sequence of times ({exc})") from None
    if arr.dtype.kind == "M":
        if np.isnat(arr).any():
            raise OpinionDataError(
                f"vote_times has a missing time at position {int(np.flatnonzero(np.isnat(arr))[0])}"
            )
        arr = arr.astype("datetime64[us]").astype(np.int64) / 1e6
    if arr.ndim != 1 or arr.size != n:
        raise OpinionDataError(f"vote_times must hold one time per vote ({n}); got shape {arr.shape}")
    if arr.dtype.kind not in "iuf":
        raise OpinionDataError("vote_times must be numbers (seconds) or numpy datetimes")
    arr = arr.astype(np.float64)
    if arr.size and not np.isfinite(arr).all():
        raise OpinionDataError(
            f"vote_times has a missing time at position {int(np.flatnonzero(~np.isfinite(arr))[0])}"
        )
    return arr


def chronological(vote_times: np.ndarray) -> np.ndarray:
    """Order that sorts votes by time; votes cast at the same moment keep their given order."""
    return np.argsort(vote_times, kind="stable")


def update_ends(sorted_times: np.ndarray, every: float = POLL_SECONDS) -> np.ndarray:
    """Where Polis's updates end: votes are batched by the ``every``-second poll they fall in.

    ``sorted_times`` must be in increasing order. Returns, for each update that had new votes, the
    number of votes seen by its end (an update with no new votes changes nothing, so it is skipped).
    """
    if not (isinstance(every, int | float) and every > 0 and np.isfinite(every)):
        raise OpinionDataError(f"update_every must be a positive number of seconds, not {every!r}")
    n = sorted_times.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tick = np.floor((sorted_times - sorted_times[0]) / every)
    return np.append(np.flatnonzero(np.diff(tick) > 0) + 1, n).astype(np.int64)


def replay_in_conversation(
    participant_ids,
    statement_ids,
    vote_times,
    *,
    update_every: float = POLL_SECONDS,
    already_in=(),
) -> InConversationReplay:
    """Replay Polis's ``in-conv`` rule over the updates the votes' times imply (see module docstring).

    ``vote_times`` are seconds (any origin) or numpy datetimes, one per vote; ``update_every`` is the
    poll interval in seconds (Polis: 1). ``already_in`` lists participants in the conversation before
    the first of these votes (a stored map's set, when replaying only new votes). Repeated votes on the
    same statement count once, as in Polis's vote matrix.
    """
    p = as_id_array(participant_ids, "participant_ids")
    s = as_id_array(statement_ids, "statement_ids")
    if p.size != s.size:
        raise OpinionDataError("participant_ids and statement_ids must be flat sequences of the same length")
    times = as_vote_times(vote_times, p.size)
    order = chronological(times)
    p, s, times = p[order], s[order], times[order]
    ends = update_ends(times, update_every)
    people, rows = factorize(p)
    statements, cols = factorize(s)
    n, n_p, n_u = p.size, people.size, ends.size

    # the update each vote is first seen in, and what the vote matrix holds at that update's end
    update_of = np.repeat(np.arange(n_u), np.diff(np.concatenate([[0], ends])))
    first_of_pair = _first_of_pair(rows, cols, statements.size)
    # codes number ids in order of first appearance, so an id is new exactly when its code tops the
    # codes seen before it
    first_of_statement = np.r_[True, cols[1:] > np.maximum.accumulate(cols)[:-1]] if n else cols > 0
    statements_by_end = np.cumsum(first_of_statement)[ends - 1] if n else np.zeros(0, dtype=np.int64)
    # each participant's running count of distinct statements voted on, at each of their votes
    by_person = np.lexsort((np.arange(n), rows))
    counted = first_of_pair[by_person].astype(np.int64)
    running = np.cumsum(counted)
    starts = np.flatnonzero(np.r_[True, np.diff(rows[by_person]) != 0])
    offset = np.repeat(running[starts] - counted[starts], np.diff(np.r_[starts, n]))
    count_at_vote = np.empty(n, dtype=np.int64)
    count_at_vote[by_person] = running - offset

    # rule 1: a participant's count at the end of an update is their count at their last vote in it
    threshold = np.minimum(IN_CONV_MIN_VOTES, statements_by_end[update_of])
    joined = np.full(n_p, n_u, dtype=np.int64)
    ok = count_at_vote >= threshold
    np.minimum.at(joined, rows[ok], update_of[ok])
    if len(already_in):
        known = {x: i for i, x in enumerate(people.tolist())}
        for x in as_id_array(list(already_in), "already_in").tolist():
            if x in known:
                joined[known[x]] = -1
    n_before = len(already_in) - int(np.sum(joined == -1))  # in before, but no vote in this replay

    # rule 2: top up to 15 with the most active voters while fewer are in (only early updates). A
    # top-up either reaches 15 or takes in every voter so far, so until 15 are in, only an update in
    # which someone votes for the first time can change anything: at most 15 of them are visited.
    if n_p:
        is_first_vote = np.r_[True, rows[1:] > np.maximum.accumulate(rows)[:-1]]
        first_vote = np.flatnonzero(is_first_vote)  # by participant code
        counts = np.zeros(n_p, dtype=np.int64)
        seen = 0
        for u in np.unique(update_of[first_vote]).tolist():
            end = int(ends[u])
            counts += np.bincount(rows[seen:end][first_of_pair[seen:end]], minlength=n_p)
            seen = end
            inside = joined <= u
            have = int(inside.sum()) + n_before
            if have >= IN_CONV_GREEDY_N:
                break
            out = np.flatnonzero(~inside & (first_vote < end))
            pick = out[np.lexsort((first_vote[out], -counts[out]))][: IN_CONV_GREEDY_N - have]
            joined[pick] = u
    return InConversationReplay(people, joined, ends)


def _first_of_pair(rows: np.ndarray, cols: np.ndarray, n_cols: int) -> np.ndarray:
    """True at each participant's first vote on a statement (later ones repeat it)."""
    n = rows.size
    first = np.zeros(n, dtype=bool)
    if n == 0:
        return first
    key = rows.astype(np.int64) * max(n_cols, 1) + cols
    size = int(key.max()) + 1
    if size <= 8 * n + 1_000_000:  # the usual case: a dense table beats sorting
        earliest = np.full(size, n, dtype=np.int64)
        np.minimum.at(earliest, key, np.arange(n))
        first[earliest[earliest < n]] = True
    else:
        first[np.unique(key, return_index=True)[1]] = True
    return first
