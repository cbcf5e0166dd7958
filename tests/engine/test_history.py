"""Polis's sticky ``in-conv`` replayed from vote times (engine/history.py, OpinionMap.fit_history)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.engine.history import replay_in_conversation, update_ends
from coproduce.engine.opinion import OpinionDataError, OpinionMap
from coproduce.engine.polis_io import read_polis_export
from coproduce.engine.stability import adjusted_rand_index

from .conftest import OPENDATA

FIFTEEN_SILENT = [f"earlier-{i}" for i in range(15)]  # fills Polis's 15 so no top-up happens


def _votes(rows):
    """rows of (participant, statement, time) → the three arrays replay_in_conversation takes."""
    p, s, t = zip(*rows, strict=True)
    return list(p), list(s), np.array(t, dtype=float)


def test_updates_are_the_one_second_polls_that_saw_votes():
    ends = update_ends(np.array([0.0, 0.2, 0.99, 1.0, 1.5, 4.2, 4.3]), 1.0)
    assert ends.tolist() == [3, 5, 7]


def test_meeting_the_threshold_of_its_time_keeps_a_participant_in():
    # statements appear one by one: x voted on the only statement there was; y on both of two;
    # z on one of three. Today's threshold (7 of 10) would leave all three out.
    rows = [("x", 1, 0), ("y", 2, 1), ("y", 1, 2), ("z", 3, 3)]
    rows += [("w", s, 4) for s in range(1, 11)]
    replay = replay_in_conversation(*_votes(rows), already_in=FIFTEEN_SILENT)
    joined = dict(zip(replay.participants.tolist(), replay.joined_at.tolist(), strict=True))
    assert replay.n_updates == 5
    assert joined == {"x": 0, "y": 2, "z": 5, "w": 4}  # 5 = never
    assert sorted(replay.ids) == ["w", "x", "y"]


def test_the_present_rule_alone_leaves_out_who_polis_kept():
    rows = [("x", 1, 0), ("y", 2, 1), ("y", 1, 2)]
    rows += [(f"v{i}", s, 5) for i in range(20) for s in range(1, 11)]
    p, s, t = _votes(rows)
    values = np.ones(len(p), dtype=int)
    present = OpinionMap(n_resamples=0).fit(p, s, values)
    replayed = OpinionMap(n_resamples=0).fit_history(p, s, values, t)
    assert not present.in_conversation_[:2].any()
    assert replayed.participants_[:2].tolist() == ["x", "y"] and replayed.in_conversation_[:2].all()
    assert replayed.in_conversation_.sum() == 22 and replayed.history_.n_updates == 4


def test_top_up_takes_the_most_active_voters_until_there_are_15():
    seed = [("seed", s, 0.0) for s in range(10)]  # 10 votes: in by the threshold
    early = [("a", 0, 0.1), ("b", 0, 0.2), ("b", 1, 0.3)]  # topped up at update 0 with 1 and 2 votes
    # update 1: 20 newcomers; 12 places are left (15 − seed, a, b); one voted twice so goes first
    second = [(f"n{i:02d}", 0, 1.0 + i / 100) for i in range(20)] + [("n19", 1, 1.5)]
    # update 2: 20 more who vote 8 times each join by the threshold; no top-up any more
    third = [(f"m{i:02d}", s, 2.0) for i in range(20) for s in range(8)]
    replay = replay_in_conversation(*_votes(seed + early + second + third))
    joined = dict(zip(replay.participants.tolist(), replay.joined_at.tolist(), strict=True))
    assert joined["seed"] == joined["a"] == joined["b"] == 0
    topped = {x for x, u in joined.items() if x.startswith("n") and u == 1}
    assert topped == {"n19"} | {f"n{i:02d}" for i in range(11)}  # the twice-voter, then first come
    assert all(joined[f"n{i:02d}"] == 3 for i in range(11, 19))  # never in
    assert all(joined[f"m{i:02d}"] == 2 for i in range(20))
    assert len(replay.ids) == 3 + 12 + 20


def test_already_in_and_repeated_votes():
    rows = [("x", 1, 0), ("x", 1, 1), ("x", 1, 2)] + [("w", s, 3) for s in range(1, 9)]
    replay = replay_in_conversation(*_votes(rows), already_in=FIFTEEN_SILENT)
    # x's three votes on one statement count once: 1 < min(7, 8) once w has added statements,
    # but 1 ≥ min(7, 1) at the first update
    assert dict(zip(replay.participants.tolist(), replay.joined_at.tolist(), strict=True))["x"] == 0
    again = replay_in_conversation(["x"], [9], [10.0], already_in=["x"])
    assert again.joined_at.tolist() == [-1] and again.ids == ["x"]


def test_bad_times_are_refused():
    with pytest.raises(OpinionDataError, match="one time per vote"):
        replay_in_conversation([1, 2], [1, 1], [0.0])
    with pytest.raises(OpinionDataError, match="missing time at position 1"):
        replay_in_conversation([1, 2], [1, 1], [0.0, np.nan])
    with pytest.raises(OpinionDataError, match="update_every must be a positive number"):
        replay_in_conversation([1], [1], [0.0], update_every=0)
    with pytest.raises(OpinionDataError, match="in_conversation must be a collection"):
        OpinionMap().fit([1], [1], [1], in_conversation="abc")


def test_datetimes_work_as_times():
    times = np.array(["2024-01-01T10:00:00", "2024-01-01T10:00:05"], dtype="datetime64[s]")
    assert replay_in_conversation([1, 2], [1, 2], times).n_updates == 2


votes_strategy = st.lists(
    st.tuples(st.integers(0, 24), st.integers(0, 11), st.integers(0, 40)), min_size=1, max_size=150
)


@settings(max_examples=60, deadline=None)
@given(votes=votes_strategy, every=st.sampled_from([1.0, 3.0, 10.0]))
def test_in_conversation_never_shrinks_and_a_prefix_replays_the_same(votes, every):
    p, s, t = _votes(votes)
    replay = replay_in_conversation(p, s, t, update_every=every)
    ids = replay.participants.tolist()
    order = np.argsort(t, kind="stable")
    previous = set()
    for u, end in enumerate(replay.update_ends.tolist()):
        now = {x for x, inside in zip(ids, replay.in_conversation_after(u), strict=True) if inside}
        assert previous <= now
        cut = order[:end]
        prefix = replay_in_conversation(
            np.array(p)[cut], np.array(s)[cut], t[cut], update_every=every
        )  # what Polis had after update u, replayed on its own
        assert set(prefix.ids) == now
        previous = now
    counts = {x: len({b for a, b, _ in votes if a == x}) for x in ids}
    assert {x for x in ids if counts[x] >= min(7, len(set(s)))} <= set(replay.ids)
    assert len(replay.ids) >= min(15, len(ids))


@settings(max_examples=15, deadline=None)
@given(votes=votes_strategy)
def test_live_updates_keep_everyone_who_was_in(votes):
    p, s, t = _votes(votes)
    values = [(a * 7 + b) % 3 - 1 for a, b, _ in votes]
    model = OpinionMap(n_resamples=0, group_n_init=1)
    inside: set = set()
    for lo in range(0, len(p), 25):
        model.update(p[lo : lo + 25], s[lo : lo + 25], values[lo : lo + 25])
        now = set(model.participants_[model.in_conversation_].tolist())
        assert inside <= now
        inside = now


def test_replayed_updates_run_the_group_count_smoother():
    rng = np.random.default_rng(3)
    p = rng.integers(0, 60, 1500)
    s = rng.integers(0, 20, 1500)
    v = np.where((p < 30) == (s < 10), 1, -1)
    t = np.sort(rng.uniform(0, 600, 1500))
    m = OpinionMap(n_resamples=0).fit_history(p, s, v, t, replayed_updates=5)
    assert m.n_groups_ == 2 and m._warm.k_smoother["last_k_count"] == 6
    assert set(m.participants_[m.in_conversation_].tolist()) == set(m.history_.ids)
    truth = (m.participants_ < 30).astype(int)
    assert adjusted_rand_index(m.groups_, truth) == pytest.approx(1.0)


def test_bg2050_in_conversation_is_exactly_the_set_polis_published(needs_opendata):
    folder = OPENDATA / "bg2050-volunteers"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    export = read_polis_export(folder)
    assert export.has_history
    published = set(export.polis_groups)  # Polis groups exactly the participants in its in-conv
    m = OpinionMap(n_resamples=0).fit_history(
        export.participant_ids,
        export.statement_ids,
        export.values,
        export.vote_times,
        excluded_statements=export.excluded,
    )
    assert set(m.participants_[m.in_conversation_].tolist()) == published
    present = OpinionMap(n_resamples=0).fit(
        export.participant_ids, export.statement_ids, export.values, excluded_statements=export.excluded
    )
    assert len(published - set(present.participants_[present.in_conversation_].tolist())) == 1
    ours = dict(zip(m.participants_.tolist(), m.groups_.tolist(), strict=True))
    ids = sorted(published)
    assert adjusted_rand_index([ours[q] for q in ids], [export.polis_groups[q] for q in ids]) > 0.99
