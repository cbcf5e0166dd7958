"""Polis's statement formulas, checked against values worked out by hand (tolerance 1e-9 unless said)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coproduce.engine.statements import (
    Z_90,
    comment_stats,
    group_counts,
    group_informed_consensus,
    priority,
    prop_test,
    repness_stats,
    select_agreed_in_every_group,
    select_consensus,
    select_representative,
    two_prop_test,
)


def test_prop_test_adds_one_to_each_count():
    # 3 agrees of 4: (3+1)/(4+1) = 0.8; 2·√5·(0.8 − 0.5) = 1.3416407865
    assert prop_test(3, 4) == pytest.approx(2 * math.sqrt(5) * 0.3, abs=1e-12)
    assert prop_test(3, 4) == pytest.approx(1.3416407865, abs=1e-9)


def test_two_prop_test_by_hand():
    # (3 of 4) in, (1 of 6) out → +1: 4/5 vs 2/7, pooled 6/12
    expected = (0.8 - 2 / 7) / math.sqrt(0.5 * 0.5 * (1 / 5 + 1 / 7))
    assert two_prop_test(3, 1, 4, 6) == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(1.7566201, abs=1e-6)


def test_two_prop_test_is_zero_when_everyone_succeeds():
    # pooled proportion 1 would divide by zero; Polis returns 0
    assert two_prop_test(np.array([4.0]), np.array([6.0]), np.array([4.0]), np.array([6.0]))[0] == 0.0


def test_group_informed_consensus_is_product_of_smoothed_agree_rates():
    agree = np.array([[3], [1]])
    seen = np.array([[4], [2]])  # passes count as seen
    assert group_informed_consensus(agree, seen)[0] == pytest.approx((4 / 6) * (2 / 4), abs=1e-12)


def test_agreed_in_every_group_needs_a_majority_in_every_group_and_the_threshold():
    # Two groups of 6. Columns: 0 all agree; 1 group A all agree, group B all disagree (its consensus
    # ranks second, 7/8 · 1/8 = 0.109, and Polis would list it); 2 everybody passed; 3 exactly half of
    # group B agrees; 4 5 of 6 agree in both groups (6/8)² = 0.5625; 5 4 of 6 in both (5/8)² = 0.39.
    agree = np.array([[6, 6, 0, 6, 5, 4], [6, 0, 0, 3, 5, 4]])
    seen = np.full((2, 6), 6)
    chosen = select_agreed_in_every_group(agree, seen, list("abcdef"), np.ones(6, dtype=bool))
    assert [c.statement_id for c in chosen] == ["a", "e"]
    assert chosen[0].probability == pytest.approx((7 / 8) ** 2, abs=1e-12)
    assert chosen[1].probability == pytest.approx((6 / 8) ** 2, abs=1e-12)
    assert chosen[1].agree_shares == pytest.approx((5 / 6, 5 / 6)) and chosen[1].n_voted == (6, 6)
    lower = select_agreed_in_every_group(agree, seen, list("abcdef"), np.ones(6, dtype=bool), threshold=0.39)
    assert [c.statement_id for c in lower] == ["a", "e", "f"]  # (5/8)² = 0.390625
    strict = select_agreed_in_every_group(agree, seen, list("abcdef"), np.ones(6, dtype=bool), threshold=0.6)
    assert [c.statement_id for c in strict] == ["a"]


def test_agreed_in_every_group_skips_groups_that_did_not_vote_and_moderated_statements():
    agree = np.array([[6, 6], [0, 3]])
    seen = np.array([[6, 6], [0, 3]])  # group B never saw statement 0
    assert [
        c.statement_id for c in select_agreed_in_every_group(agree, seen, [0, 1], np.array([True, True]))
    ] == [1]
    assert select_agreed_in_every_group(agree, seen, [0, 1], np.array([True, False])) == []


def test_with_one_group_nothing_is_agreed_in_every_group():
    assert select_agreed_in_every_group(np.array([[9]]), np.array([[9]]), [0], np.array([True])) == []


def test_priority_matches_polis_formula_by_hand():
    # (priority-metric false 1 0 1 0) from conversation.clj: A=1, P=0, S=1, E=0
    p, a = 1 / 3, 2 / 3
    expected = ((1 - p) * 1 * a * (1 + 8 * 2 ** (-1 / 5))) ** 2
    assert priority(1, 0, 1, 0)[()] == pytest.approx(expected, abs=1e-12)
    assert expected == pytest.approx(12.529727, abs=1e-5)
    # (priority-metric false 18 3 20 1): 18 agree, 2 disagree (→ 0 passes... P = S − A − D)
    p, a = (0 + 1) / 22, 19 / 22
    assert priority(18, 2, 20, 1)[()] == pytest.approx(
        ((1 - p) * 2 * a * (1 + 8 * 2 ** (-4))) ** 2, abs=1e-12
    )


def test_meta_statements_get_fixed_priority():
    assert (
        priority(
            np.array([5, 5]),
            np.array([0, 0]),
            np.array([5, 5]),
            np.array([0, 0]),
            is_meta=np.array([True, False]),
        )[0]
        == 49.0
    )


def test_new_statements_bubble_up():
    fresh = priority(0, 0, 0, 0)[()]
    seen_often = priority(50, 50, 100, 0)[()]
    assert fresh > seen_often


def test_group_counts_split_agree_disagree_and_passes():
    labels = np.array([0, 0, 1, -1])
    rows = np.array([0, 1, 2, 3, 0])
    cols = np.array([0, 0, 0, 0, 1])
    vals = np.array([1, 0, -1, 1, -1])
    agree, disagree, seen = group_counts(labels, 2, rows, cols, vals, 2)
    assert agree.tolist() == [[1, 0], [0, 0]]
    assert disagree.tolist() == [[0, 1], [1, 0]]
    assert seen.tolist() == [[2, 1], [1, 0]]  # the pass counts as seen; participant 3 is in no group


def test_repness_of_a_group_against_the_rest_by_hand():
    # statement 0: group 0 has 8 agree, 1 disagree of 10; group 1 has 1 agree, 7 disagree of 9
    st = repness_stats(np.array([[8], [1]]), np.array([[1], [7]]), np.array([[10], [9]]))
    assert st["pa"][0, 0] == pytest.approx(9 / 12)
    assert st["ra"][0, 0] == pytest.approx((9 / 12) / (2 / 11))
    assert st["rat"][0, 0] == pytest.approx(two_prop_test(8, 1, 10, 9), abs=1e-12)
    assert st["rd"][1, 0] == pytest.approx((8 / 11) / (2 / 12))


def test_representative_statements_put_agrees_first_and_cap_at_five():
    # 8 statements; group 0 agrees with 0-3 and disagrees with 4-7, group 1 the opposite
    n = 8
    agree = np.zeros((2, n), int)
    disagree = np.zeros((2, n), int)
    agree[0, :4] = 20
    disagree[0, 4:] = 20
    agree[1, 4:] = 20
    disagree[1, :4] = 20
    seen = np.full((2, n), 20)
    reps = select_representative(repness_stats(agree, disagree, seen), list(range(n)), np.ones(n, bool))
    assert [len(r) for r in reps] == [5, 5]
    directions = [r.direction for r in reps[0]]
    assert directions == sorted(directions)  # "agree" < "disagree": agrees come first
    assert reps[0][0].best_agree is True and reps[0][0].direction == "agree"
    assert {r.statement_id for r in reps[0] if r.direction == "agree"} <= {0, 1, 2, 3}


def test_moderated_out_statements_are_never_representative():
    agree = np.array([[20, 10], [0, 10]])
    disagree = np.array([[0, 10], [20, 10]])
    seen = np.full((2, 2), 20)
    reps = select_representative(repness_stats(agree, disagree, seen), ["a", "b"], np.array([False, True]))
    assert all(r.statement_id == "b" for g in reps for r in g)


def test_group_with_nothing_significant_still_gets_its_best_statement():
    agree = np.array([[5, 5], [5, 5]])
    seen = np.full((2, 2), 10)
    reps = select_representative(repness_stats(agree, 10 - agree, seen), ["a", "b"], np.ones(2, bool))
    assert [len(r) for r in reps] == [1, 1]


def test_consensus_needs_majority_and_significance():
    # a: 18/20 agree → in; b: 11/20 agree → p > .5 but z < 1.28 → out; c: 2/20 agree, 18 disagree → disagree
    agree = np.array([18, 11, 2])
    disagree = np.array([2, 9, 18])
    seen = np.array([20, 20, 20])
    st = comment_stats(agree, disagree, seen)
    assert st["pat"][1] < Z_90 < st["pat"][0]
    result = select_consensus(agree, disagree, seen, ["a", "b", "c"], np.ones(3, bool))
    assert [(c.statement_id, c.direction) for c in result] == [("a", "agree"), ("c", "disagree")]
    assert result[0].probability == pytest.approx(19 / 22)
