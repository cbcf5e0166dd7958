"""The Community Notes model: bridges rank first, the fit is a true minimum, invariances hold."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from coproduce.engine.bridging import BridgingModel
from coproduce.engine.opinion import OpinionDataError


def two_camps(seed=0, n=40):
    """Camp 0 agrees with statements 0-3 and not 4-7, camp 1 the reverse; both agree with 8 ('bridge');
    statement 9 is agreed by camp 0 only but by more people overall than the bridge."""
    rng = np.random.default_rng(seed)
    p, s, v = [], [], []
    for person in range(n):
        camp = 0 if person < n * 0.6 else 1
        for stmt in range(10):
            if stmt < 8:
                agree = (stmt < 4) == (camp == 0)
            elif stmt == 8:
                agree = rng.random() < 0.8
            else:
                agree = camp == 0
            p.append(person)
            s.append(stmt)
            v.append(1 if agree else -1)
    return np.array(p), np.array(s), np.array(v)


def test_the_bridging_statement_has_the_highest_intercept():
    m = BridgingModel().fit(*two_camps())
    scores = dict(zip(m.statements_.tolist(), m.bridging_scores_.tolist(), strict=True))
    assert max(scores, key=scores.get) == 8
    # statement 9 is popular (60% agree) but only with one camp: the factor explains it away
    assert scores[8] > scores[9]
    # the factor separates the camps
    assert abs(np.corrcoef(m.participant_factors_[:, 0], np.arange(40) < 24)[0, 1]) > 0.9


def test_fit_is_a_stationary_point_of_the_regularised_loss():
    p, s, v = two_camps(n=12)
    m = BridgingModel(tol=1e-10, max_iter=5000).fit(p, s, v)
    y = (v > 0).astype(float)
    lam_f, lam_i = 0.03, 0.15
    n_p, n_s = m.participants_.size, m.statements_.size

    def loss(theta):
        mu = theta[0]
        bu, bs = theta[1 : 1 + n_p], theta[1 + n_p : 1 + n_p + n_s]
        fu, fs = theta[1 + n_p + n_s : 1 + 2 * n_p + n_s], theta[1 + 2 * n_p + n_s :]
        r = y - mu - bu[p] - bs[s] - fu[p] * fs[s]
        return r @ r + lam_i * (mu**2 + bu @ bu + bs @ bs) + lam_f * (fu @ fu + fs @ fs)

    theta = np.concatenate(
        [
            [m.global_intercept_],
            m.participant_intercepts_,
            m.statement_intercepts_,
            m.participant_factors_[:, 0],
            m.statement_factors_[:, 0],
        ]
    )
    assert loss(theta) == pytest.approx(m.loss_, rel=1e-9)
    assert np.abs(approx_fprime(theta, loss, 1e-7)).max() < 1e-4


def test_passes_are_not_ratings_and_latest_vote_counts():
    p, s, v = two_camps()
    with_passes = BridgingModel().fit([*p, 999, 999], [*s, 8, 8], [*v, -1, 0])
    assert with_passes.n_ratings_[list(with_passes.statements_).index(8)] == 40


def test_renaming_changes_nothing():
    p, s, v = two_camps()
    a = BridgingModel().fit(p, s, v)
    b = BridgingModel().fit([f"p{x}" for x in p], [f"s{x}" for x in s], v)
    assert np.allclose(a.bridging_scores_, b.bridging_scores_)


def test_bad_parameters_are_refused():
    with pytest.raises(OpinionDataError, match="n_factors"):
        BridgingModel(n_factors=0).fit([1], [1], [1])


def test_two_factors_run():
    m = BridgingModel(n_factors=2).fit(*two_camps())
    assert m.statement_factors_.shape == (10, 2)
    assert int(np.argmax(m.bridging_scores_)) == 8
