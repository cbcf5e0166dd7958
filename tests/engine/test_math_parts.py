"""Vote table, PCA/projection and clustering pieces on cases small enough to work out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.engine import _cluster, _pca
from coproduce.engine._votes import OpinionDataError, build_vote_table, factorize
from coproduce.engine.stability import adjusted_rand_index


def test_later_vote_replaces_earlier_and_order_is_first_appearance():
    t = build_vote_table(["bo", "al", "bo", "al"], [7, 7, 3, 7], [1, -1, 0, 1])
    assert t.participants.tolist() == ["bo", "al"]
    assert t.statements.tolist() == [7, 3]
    cells = {(t.participants[r], t.statements[c]): v for r, c, v in zip(t.rows, t.cols, t.vals, strict=True)}
    assert cells == {("bo", 7): 1, ("bo", 3): 0, ("al", 7): 1}


def test_factorize_handles_sparse_big_and_mixed_ids():
    for ids in (
        np.array([10**12, 5, 10**12]),
        np.array(["x", "y", "x"]),
        np.array([3, "a", 3], dtype=object),
    ):
        uniq, codes = factorize(ids)
        assert uniq[codes].tolist() == ids.tolist()
        assert codes.tolist() == [0, 1, 0]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, 2], "found 2 at position 1"),
        ([1, "yes"], "found 'yes' at position 1"),
        ([1, float("nan")], "found nan at position 1"),
        ([1], "same length"),
    ],
)
def test_bad_votes_are_refused_with_the_position(values, message):
    with pytest.raises(OpinionDataError, match=message):
        build_vote_table([1, 2], [1, 1], values)


def test_votes_on_undeclared_statements_are_refused():
    with pytest.raises(OpinionDataError, match="position 1 is on statement 9, which is not in statements"):
        build_vote_table([1, 1], [1, 9], [1, 1], statements=[1, 2])


def test_centred_matrix_and_sparsity_aware_projection_by_hand():
    # 3 people × 2 statements; person 2 skipped statement 1
    rows, cols, vals = np.array([0, 0, 1, 1, 2]), np.array([0, 1, 0, 1, 0]), np.array([1.0, 1, -1, -1, 1])
    center = _pca.column_means(cols, vals, 2)
    assert center.tolist() == pytest.approx([1 / 3, 0.0])
    c = _pca.centred_matrix(rows, cols, vals, (3, 2), center)
    assert c.toarray() == pytest.approx(np.array([[2 / 3, 1], [-4 / 3, -1], [2 / 3, 0]]))
    comps = np.array([[1.0, 0.0], [0.0, 1.0]])
    proj = _pca.sparse_projection(c, comps, np.array([2, 2, 1]), 2)
    # person 2 voted on 1 of 2 statements: pushed out by √(2/1)
    assert proj[2] == pytest.approx([2 / 3 * np.sqrt(2), 0.0])
    assert proj[0] == pytest.approx([2 / 3, 1.0])


def test_principal_components_match_a_dense_svd():
    rng = np.random.default_rng(3)
    dense = rng.choice([-1.0, 0.0, 1.0, np.nan], size=(60, 90), p=[0.3, 0.1, 0.3, 0.3])
    rows, cols = np.nonzero(~np.isnan(dense))
    vals = dense[rows, cols]
    center = _pca.column_means(cols, vals, 90)
    c = _pca.centred_matrix(rows, cols, vals, dense.shape, center)
    comps = _pca.principal_components(c, 2)
    imputed = np.where(np.isnan(dense), center, dense) - center
    _, _, vt = np.linalg.svd(imputed, full_matrices=False)
    for i in range(2):
        assert abs(comps[i] @ vt[i]) == pytest.approx(1.0, abs=1e-8)
    warm = _pca.principal_components(c, 2, start=comps + 0.05, iters=50)
    assert np.abs(np.abs((warm * comps).sum(axis=1)) - 1).max() < 1e-4  # warm restarts: close, not exact


def test_statement_extremity_by_hand():
    center = np.array([0.5, -1.0])
    comps = np.array([[0.6, 0.8], [0.8, -0.6]])
    # √2 · |−1 − 0.5| · ‖(0.6, 0.8)‖ = √2·1.5 ; the second statement: |−1 − (−1)| = 0
    assert _pca.statement_extremity(center, comps, 2).tolist() == pytest.approx([np.sqrt(2) * 1.5, 0.0])


def test_kmeans_two_obvious_clusters_and_drops_empty_ones():
    pts = np.array([[0, 0], [0, 1], [10, 10], [10, 11]], dtype=float)
    labels, centres = _cluster.kmeans(pts, np.array([[0, 0], [10, 10], [100, 100]], dtype=float))
    assert labels.tolist() == [0, 0, 1, 1]
    assert centres.tolist() == [[0, 0.5], [10, 10.5]]


def test_batch_kmeans_matches_single_runs():
    rng = np.random.default_rng(1)
    pts = rng.normal(size=(40, 2))
    w = rng.integers(1, 5, 40).astype(float)
    inits = np.stack([pts[:3], pts[10:13]])
    labels, centres, cost = _cluster.batch_kmeans(pts, w, inits)
    for i in range(2):
        lab, cen = _cluster.kmeans(pts, inits[i], weights=w, max_iters=20)
        assert adjusted_rand_index(lab, labels[i]) == pytest.approx(1.0)
        assert cost[i] == pytest.approx(float((w * ((pts - cen[lab]) ** 2).sum(axis=1)).sum()), rel=1e-9)


def test_silhouette_over_base_clusters_by_hand():
    # four base clusters on a line: 0, 1 | 10, 11
    centres = np.array([[0.0, 0], [1, 0], [10, 0], [11, 0]])
    dist = _cluster.distances(centres)
    s = _cluster.silhouette(dist, np.array([0, 0, 1, 1]))
    # base 0: a = 1, b = mean(10, 11) = 10.5 → (10.5 − 1)/10.5; base 1: a = 1, b = 9.5 → 8.5/9.5
    expected = np.mean([9.5 / 10.5, 8.5 / 9.5, 8.5 / 9.5, 9.5 / 10.5])
    assert s == pytest.approx(expected, abs=1e-12)
    # a base cluster alone in its group scores 0
    assert _cluster.silhouette(dist, np.array([0, 1, 1, 1])) < s


def test_max_groups_follows_polis_max_k_fn():
    assert [_cluster.max_groups(n) for n in (5, 12, 24, 36, 100)] == [2, 3, 4, 5, 5]


def test_first_distinct_skips_repeated_positions():
    pts = np.array([[0, 0], [0, 0], [1, 1], [0, 0], [2, 2]], dtype=float)
    assert _cluster.first_distinct(pts, 3).tolist() == [0, 2, 4]


def test_adjusted_rand_index_by_hand():
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    assert adjusted_rand_index([0, 0, 0, 0], [1, 1, 1, 1]) == 1.0
    # contingency [[1,1],[1,1]]: index 0, expected 2·2/6, max 2 → (0 − 2/3)/(2 − 2/3) = −0.5
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
