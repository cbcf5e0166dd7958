"""OpinionMap behaviour: the API the live workshop relies on, Polis's rules, edge cases, invariances."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.engine.opinion import OpinionDataError, OpinionMap
from coproduce.engine.stability import adjusted_rand_index

from .conftest import planted_votes


def fit(*args, **kwargs):
    options = {k: kwargs.pop(k) for k in list(kwargs) if k in ("n_groups", "random_state", "n_resamples")}
    return OpinionMap(**options).fit(*args, **kwargs)


def test_finds_planted_groups_and_fills_every_attribute():
    p, s, v, truth = planted_votes((30, 20), 20)
    m = fit(p, s, v)
    assert m.n_groups_ == 2
    assert adjusted_rand_index(m.groups_, truth[m.participants_]) == 1.0
    assert m.group_sizes_.tolist() == [30, 20]  # groups numbered largest first
    n_p, n_s = m.participants_.size, m.statements_.size
    assert m.in_conversation_.shape == m.groups_.shape == (n_p,)
    assert m.projection_.shape == (n_p, 2)
    assert len(m.repness_) == 2 and all(m.repness_)
    assert len(m.group_informed_consensus_) == len(m.priority_) == n_s
    assert 0.0 <= m.stability_ <= 1.0
    # the second half of the statements is agreed by everyone: common ground
    assert {c.statement_id for c in m.consensus_ if c.direction == "agree"} <= set(range(10, 20))
    gic = dict(zip(m.statements_.tolist(), m.group_informed_consensus_, strict=True))
    assert min(gic[i] for i in range(10, 20)) > max(gic[i] for i in range(10))
    agreed = m.agreed_in_every_group_
    assert agreed and {a.statement_id for a in agreed} <= set(range(10, 20))
    assert all(a.probability >= 0.5 and min(a.agree_shares) > 0.5 for a in agreed)


def test_representative_statements_say_what_sets_each_group_apart():
    p, s, v, truth = planted_votes((30, 30), 20)
    m = fit(p, s, v)
    for g, reps in enumerate(m.repness_):
        members = truth[m.participants_[m.groups_ == g]]
        true_group = int(np.bincount(members).argmax())
        for r in reps:
            assert r.statement_id < 10  # only divisive statements distinguish groups
            agrees = (r.statement_id + true_group) % 2 == 0
            assert r.direction == ("agree" if agrees else "disagree")
            assert r.repness > 1 and 0 < r.probability <= 1


def test_inclusion_needs_min_seven_votes_topped_up_to_fifteen():
    # 20 people vote on 3 statements each, 5 people on 10: only the 5 qualify, so the 10 most
    # active others are added to reach 15 (Polis's greedy top-up)
    pids, sids, vals = [], [], []
    for person in range(25):
        n = 10 if person >= 20 else 3 + (person % 2)
        for stmt in range(n):
            pids.append(person)
            sids.append(stmt)
            vals.append(1 if (person + stmt) % 3 else -1)
    m = fit(pids, sids, vals)
    counts = dict(zip(m.participants_.tolist(), m.votes_cast_.tolist(), strict=True))
    included = {q for q, inc in zip(m.participants_.tolist(), m.in_conversation_, strict=True) if inc}
    assert {20, 21, 22, 23, 24} <= included and len(included) == 15
    assert all(counts[q] == 4 for q in included - {20, 21, 22, 23, 24})  # the more active ones first
    assert (m.groups_[~m.in_conversation_] == -1).all()


def test_with_few_statements_everyone_who_voted_on_all_is_included():
    p, s, v, _ = planted_votes((10, 10), 4)
    m = fit(p, s, v)
    assert m.in_conversation_.all()


def test_excluded_statements_are_never_shown_and_have_no_priority():
    p, s, v, _ = planted_votes((30, 30), 20)
    m = fit(p, s, v, excluded_statements=[0, 15])
    shown = {r.statement_id for g in m.repness_ for r in g} | {c.statement_id for c in m.consensus_}
    assert not shown & {0, 15}
    pr = dict(zip(m.statements_.tolist(), m.priority_, strict=True))
    assert pr[0] == pr[15] == 0.0
    assert m.excluded_.sum() == 2


def test_unvoted_statements_get_a_head_start_in_priority():
    p, s, v, _ = planted_votes((20, 20), 10)
    m = fit(p, s, v, statements=[*range(10), "new"])
    pr = dict(zip(m.statements_.tolist(), m.priority_, strict=True))
    # no votes: pass rate ½, agree rate ½, extremity 0, boosted 9×, squared
    assert pr["new"] == pytest.approx((0.5 * 1 * 0.5 * 9) ** 2)
    assert pr["new"] > np.median([pr[i] for i in range(10)])


def test_later_votes_replace_earlier_ones():
    p, s, v, _ = planted_votes((20, 20), 10)
    flipped = fit([*p, *p], [*s, *s], [*(-v), *v])
    plain = fit(p, s, v)
    assert np.array_equal(flipped.groups_, plain.groups_)
    assert np.allclose(flipped.group_informed_consensus_, plain.group_informed_consensus_)


def test_fixed_number_of_groups():
    p, s, v, _ = planted_votes((20, 20, 20), 20)
    assert fit(p, s, v, n_groups=3).n_groups_ == 3


def test_same_random_state_same_map():
    p, s, v, _ = planted_votes((25, 15), 20, pass_rate=0.2, coverage=0.7)
    a, b = fit(p, s, v, random_state=4), fit(p, s, v, random_state=4)
    assert np.array_equal(a.groups_, b.groups_) and a.stability_ == b.stability_


def test_empty_conversation_is_an_empty_map():
    m = fit([], [], [], statements=["a", "b"])
    assert m.n_groups_ == 0 and m.groups_.size == 0
    assert m.repness_ == [] and m.consensus_ == []
    assert m.priority_.tolist() == pytest.approx([m.priority_[0]] * 2)
    assert m.stability_ == 0.0


def test_one_statement():
    m = fit(range(30), [0] * 30, [1] * 20 + [-1] * 10)
    assert m.statements_.tolist() == [0]
    assert m.in_conversation_.all()
    assert m.n_groups_ in (1, 2)
    assert [c.direction for c in m.consensus_] == ["agree"]


def test_everyone_passing_makes_one_group_and_no_consensus():
    p, s, _, _ = planted_votes((10, 10), 8)
    m = fit(p, s, np.zeros(p.size, dtype=int))
    assert m.n_groups_ == 1
    assert m.consensus_ == []
    assert np.allclose(m.projection_, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_groups": 0}, "n_groups must be 'auto' or a positive whole number"),
        ({"n_groups": "many"}, "n_groups must be 'auto'"),
        ({"n_resamples": -1}, "n_resamples must be a whole number"),
        ({"min_group_share": 0.7}, "min_group_share must be a fraction"),
        ({"group_consensus_threshold": 1.5}, "group_consensus_threshold must be a probability from 0 to 1"),
    ],
)
def test_bad_parameters_are_refused_when_fitting(kwargs, message):
    with pytest.raises(OpinionDataError, match=message):
        OpinionMap(**kwargs).fit([1], [1], [1])


def test_mismatched_lengths_are_refused():
    with pytest.raises(OpinionDataError, match="same length"):
        OpinionMap().fit([1, 2], [1], [1, 1])


def test_build_opinion_map_is_one_recipe_with_a_repeatable_stability():
    from coproduce.engine.opinion import build_opinion_map

    p, s, v, _ = planted_votes((12, 9), 8, pass_rate=0.2, coverage=0.8)
    first = build_opinion_map(p, s, v)
    renamed = build_opinion_map(p + 1000, s + 50, v)  # other ids, same order: the same map
    assert first.stability_ == renamed.stability_ and 0 <= first.stability_ <= 1
    assert np.array_equal(first.groups_, renamed.groups_)
    assert np.isnan(build_opinion_map(p, s, v, with_stability=False).stability_)
    times = np.arange(p.size, dtype=np.float64) / 10  # ten votes a second
    replayed = build_opinion_map(p, s, v, vote_times=times)
    direct = OpinionMap(random_state=0).fit_history(p, s, v, times)
    assert np.array_equal(replayed.groups_, direct.groups_) and replayed.stability_ == direct.stability_


def test_update_matches_a_fresh_fit():
    p, s, v, truth = planted_votes((40, 30), 24, pass_rate=0.1)
    cut = p.size - 10
    m = OpinionMap().fit(p[:cut], s[:cut], v[:cut])
    m.update(p[cut:], s[cut:], v[cut:])
    fresh = OpinionMap().fit(p, s, v)
    assert np.array_equal(m.participants_, fresh.participants_)
    assert adjusted_rand_index(m.groups_, fresh.groups_) == 1.0
    assert np.allclose(m.group_informed_consensus_, fresh.group_informed_consensus_)
    assert np.allclose(m.priority_, fresh.priority_, rtol=1e-4)  # PCA warm-started: equal to 1e-4


def test_update_adds_new_people_and_statements():
    p, s, v, _ = planted_votes((30, 30), 20)
    m = OpinionMap().fit(p, s, v)
    m.update(["newcomer"] * 8 + [0], [*range(7), "fresh", "fresh"], [1] * 9)
    assert m.participants_[-1] == "newcomer" and m.statements_[-1] == "fresh"
    assert m.in_conversation_[-1]
    assert m.groups_[-1] >= 0
    assert m.votes_per_statement_[-1] == 2


def test_update_before_fit_is_a_fit():
    p, s, v, _ = planted_votes((20, 20), 10)
    assert np.array_equal(OpinionMap().update(p, s, v).groups_, OpinionMap().fit(p, s, v).groups_)


def test_stability_is_high_for_real_groups_and_low_for_noise():
    p, s, v, _ = planted_votes((40, 40), 20, pass_rate=0.1)
    solid = OpinionMap(random_state=1).fit(p, s, v).stability_
    rng = np.random.default_rng(5)
    noise = OpinionMap(random_state=1).fit(p, s, rng.choice([-1, 1], p.size)).stability_
    assert solid > 0.9
    assert noise < solid - 0.3


votes_strategy = st.integers(min_value=0, max_value=2**31 - 1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=votes_strategy, rename_seed=votes_strategy)
def test_relabelling_participants_and_statements_changes_nothing(seed, rename_seed):
    p, s, v, _ = planted_votes((15, 12, 8), 12, seed=seed % 1000, pass_rate=0.15, coverage=0.8)
    rng = np.random.default_rng(rename_seed)
    new_p = {old: f"person-{new}" for old, new in zip(range(35), rng.permutation(10_000)[:35], strict=True)}
    new_s = {old: int(new) for old, new in zip(range(12), rng.permutation(500)[:12], strict=True)}
    a = OpinionMap(n_resamples=0).fit(p, s, v)
    b = OpinionMap(n_resamples=0).fit([new_p[x] for x in p], [new_s[x] for x in s], v)
    assert [new_p[x] for x in a.participants_.tolist()] == b.participants_.tolist()
    assert np.array_equal(a.groups_, b.groups_)
    assert np.allclose(a.group_informed_consensus_, b.group_informed_consensus_)
    assert [new_s[c.statement_id] for c in a.consensus_] == [c.statement_id for c in b.consensus_]
    assert [[new_s[r.statement_id] for r in g] for g in a.repness_] == [
        [r.statement_id for r in g] for g in b.repness_
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=votes_strategy)
def test_group_informed_consensus_is_a_probability_and_groups_are_consistent(seed):
    p, s, v, _ = planted_votes((12, 9), 9, seed=seed % 1000, pass_rate=0.3, coverage=0.6)
    m = OpinionMap(n_resamples=0).fit(p, s, v)
    assert ((m.group_informed_consensus_ > 0) & (m.group_informed_consensus_ < 1)).all()
    assert m.group_sizes_.sum() == (m.groups_ >= 0).sum() == m.in_conversation_.sum()
    assert list(m.group_sizes_) == sorted(m.group_sizes_, reverse=True)
