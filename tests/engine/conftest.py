"""Helpers for engine tests: small planted conversations and the shared Polis open data."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

# COPRODUCE_POLIS_OPENDATA points elsewhere (e.g. from a git worktree, with no ../shared beside it)
OPENDATA = Path(
    os.environ.get("COPRODUCE_POLIS_OPENDATA")
    or Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "polis-opendata"
)


def planted_votes(n_per_group=(30, 30), n_statements=20, *, seed=0, pass_rate=0.0, coverage=1.0):
    """Votes from groups that disagree on the first half of the statements and all agree on the rest.

    Returns (participant_ids, statement_ids, values, true_group) in a shuffled "chronological" order.
    """
    rng = np.random.default_rng(seed)
    pids, sids, vals, truth = [], [], [], []
    person = 0
    for g, size in enumerate(n_per_group):
        for _ in range(size):
            truth.append(g)
            for s in range(n_statements):
                if rng.random() > coverage:
                    continue
                if s < n_statements // 2:
                    agree_p = 0.95 if (s + g) % 2 == 0 else 0.05
                else:
                    agree_p = 0.95
                v = 1 if rng.random() < agree_p else -1
                if rng.random() < pass_rate:
                    v = 0
                pids.append(person)
                sids.append(s)
                vals.append(v)
            person += 1
    order = rng.permutation(len(vals))
    return (np.array(pids)[order], np.array(sids)[order], np.array(vals)[order], np.array(truth))


def opendata_folders():
    if not OPENDATA.is_dir():
        return []
    return sorted(
        p
        for p in OPENDATA.iterdir()
        if p.is_dir() and ((p / "votes.csv").exists() or (p / "participants-votes.csv").exists())
    )


@pytest.fixture
def needs_opendata():
    if not opendata_folders():
        pytest.skip(f"Polis open data not found at {OPENDATA} (../shared/data/polis-opendata)")
