"""Synthetic Polis-like conversations for benchmarks: planted opinion groups, uneven participation."""

from __future__ import annotations

import numpy as np


def synthetic_conversation(
    n_participants: int, n_statements: int, n_votes: int, *, n_groups: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (participant_ids, statement_ids, values, true_group) with votes in chronological order.

    Each participant belongs to one of ``n_groups`` planted groups with its own agree probability per
    statement; participants vote on a random subset (heavier voters more often), passing 15% of the time.
    Duplicate (participant, statement) draws are dropped, so the count is close to ``n_votes``.
    """
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n_participants)
    lean = rng.uniform(0.1, 0.9, (n_groups, n_statements))
    activity = rng.pareto(1.5, n_participants) + 1.0
    p = activity / activity.sum()
    pids = rng.choice(n_participants, size=int(n_votes * 1.5), p=p)
    pids = np.concatenate([np.arange(n_participants), pids])[: int(n_votes * 1.5)]
    sids = rng.integers(0, n_statements, pids.size)
    key = pids.astype(np.int64) * n_statements + sids
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)[:n_votes]
    pids, sids = pids[first], sids[first]
    order = rng.permutation(pids.size)
    pids, sids = pids[order], sids[order]
    agree = rng.random(pids.size) < lean[group[pids], sids]
    values = np.where(agree, 1, -1).astype(np.int8)
    values[rng.random(pids.size) < 0.15] = 0
    return pids, sids, values, group
