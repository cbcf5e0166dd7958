"""Bridging scores: which statements win support across viewpoints (the Community Notes model).

The model behind Community Notes (Wojcik et al. 2022, "Birdwatch: Crowd Wisdom and Bridging
Algorithms can Inform Understanding and Reduce the Spread of Misinformation", arXiv:2210.15723;
twitter/communitynotes ``matrix_factorization``) explains each vote as

    vote(u, s) ≈ μ + b_u + b_s + f_u · f_s

where ``f_u · f_s`` captures agreement that follows a viewpoint (people on one side of the factor
agree with statements on the same side) and the statement intercept ``b_s`` is the support left
over once viewpoint is accounted for. A statement with a high intercept is agreed with by people
whatever their viewpoint: a bridge. It minimises

    Σ (vote − prediction)² + λ_i (μ² + Σ b_u² + Σ b_s²) + λ_f (Σ |f_u|² + Σ |f_s|²)

with intercepts regularised five times more than factors (λ_i = 0.15, λ_f = 0.03, as in the
paper), so a statement is only credited with broad support the factor cannot explain.

Here agree = 1 and disagree = 0 (as helpful / not helpful); passes carry no rating and are skipped.
It is fitted by alternating least squares: with one side fixed, every participant's (and then every
statement's) intercept and factor solve a small ridge regression, all at once with ``bincount``.
"""

from __future__ import annotations

import numpy as np

from ._votes import OpinionDataError, build_vote_table, csr_from_sorted

__all__ = ["BridgingModel", "MIN_BRIDGING_RATINGS"]

MIN_BRIDGING_RATINGS = 5
"""Agree or disagree votes a statement needs before its bridging score is shown as meaning anything."""


class BridgingModel:
    """Community-Notes-style matrix factorisation of agree/disagree votes.

    Parameters
    ----------
    n_factors : int
        Viewpoint dimensions (Community Notes uses 1).
    factor_regularization : float
        λ_f on factors; intercepts get ``intercept_multiplier`` × that.
    intercept_multiplier : float
        How much more intercepts are regularised than factors (5, as in Community Notes).
    max_iter, tol : alternating steps at most; stop once no statement intercept moves by ``tol``.
    random_state : seeds the small random start of the factors.
    """

    def __init__(
        self,
        n_factors: int = 1,
        *,
        factor_regularization: float = 0.03,
        intercept_multiplier: float = 5.0,
        max_iter: int = 300,
        tol: float = 1e-5,
        random_state: int | None = 0,
    ):
        self.n_factors = n_factors
        self.factor_regularization = factor_regularization
        self.intercept_multiplier = intercept_multiplier
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, participant_ids, statement_ids, values, *, statements=None) -> BridgingModel:
        """Fit on votes in chronological order (a later vote replaces an earlier one); values 1, −1, 0.

        Attributes set: ``participants_``, ``statements_``, ``global_intercept_``,
        ``participant_intercepts_``, ``statement_intercepts_`` (= ``bridging_scores_``),
        ``participant_factors_``, ``statement_factors_``, ``n_ratings_`` (agree + disagree votes per
        statement), ``loss_``, ``n_iter_``.
        """
        if not (isinstance(self.n_factors, int | np.integer) and self.n_factors >= 1):
            raise OpinionDataError(f"n_factors must be a positive whole number, not {self.n_factors!r}")
        if self.factor_regularization <= 0 or self.intercept_multiplier <= 0:
            raise OpinionDataError("factor_regularization and intercept_multiplier must be positive")
        table = build_vote_table(participant_ids, statement_ids, values, statements=statements)
        rated = table.vals != 0
        rows, cols = table.rows[rated], table.cols[rated]
        y = (table.vals[rated] > 0).astype(np.float64)
        n_p, n_s = table.shape
        d = int(self.n_factors)
        lam_f = float(self.factor_regularization)
        lam_i = lam_f * float(self.intercept_multiplier)
        rng = np.random.default_rng(self.random_state)

        ones = csr_from_sorted(rows, cols, np.ones(rows.size), (n_p, n_s))
        ys = csr_from_sorted(rows, cols, y, (n_p, n_s))
        count_p, count_s = np.asarray(ones.sum(axis=1)).ravel(), np.asarray(ones.sum(axis=0)).ravel()
        ysum_p, ysum_s = np.asarray(ys.sum(axis=1)).ravel(), np.asarray(ys.sum(axis=0)).ravel()
        mu = float(y.mean()) if y.size else 0.0
        b_u, b_s = np.zeros(n_p), np.zeros(n_s)
        # start the statement factors on the main axis of disagreement (a few power steps), which
        # makes alternating least squares converge in tens of steps instead of hundreds
        f_s = _leading_directions(ys, ones, mu, d, rng) * 0.5
        f_u = np.zeros((n_p, d))
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):  # noqa: B007 - n_iter is reported
            b_u, f_u = _ridge_side(ones, ys, count_p, ysum_p, mu, b_s, f_s, lam_i, lam_f)
            old = b_s
            b_s, f_s = _ridge_side(ones.T, ys.T, count_s, ysum_s, mu, b_u, f_u, lam_i, lam_f)
            # μ: regularised mean of what the rest leaves over
            fit_rest = b_u @ count_p + b_s @ count_s + sum(f_u[:, j] @ (ones @ f_s[:, j]) for j in range(d))
            mu = float((y.sum() - fit_rest) / (y.size + lam_i)) if y.size else 0.0
            mu, b_u, b_s = _balance_intercepts(mu, b_u, b_s)
            f_u, b_s = _shift_factor_mean(f_u, f_s, b_s, lam_i, lam_f)
            f_s, b_u = _shift_factor_mean(f_s, f_u, b_u, lam_i, lam_f)
            f_u, f_s = _balance_scale(f_u, f_s)
            if np.abs(b_s - old).max(initial=0.0) < self.tol:
                break
        resid = y - mu - b_u[rows] - b_s[cols] - (f_u[rows] * f_s[cols]).sum(axis=1)
        loss = float(
            resid @ resid
            + lam_i * (mu**2 + b_u @ b_u + b_s @ b_s)
            + lam_f * ((f_u**2).sum() + (f_s**2).sum())
        )

        # a factor's sign is arbitrary: make the statement factors' heaviest side positive
        for j in range(d):
            if f_s[:, j] @ np.abs(f_s[:, j]) < 0:
                f_s[:, j] *= -1
                f_u[:, j] *= -1
        self.participants_ = table.participants
        self.statements_ = table.statements
        self.global_intercept_ = mu
        self.participant_intercepts_ = b_u
        self.statement_intercepts_ = b_s
        self.bridging_scores_ = b_s
        self.participant_factors_ = f_u
        self.statement_factors_ = f_s
        self.n_ratings_ = np.bincount(cols, minlength=n_s)
        self.loss_ = loss
        self.n_iter_ = n_iter
        return self


def _balance_intercepts(mu: float, b_u: np.ndarray, b_s: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Shift μ against the two sets of intercepts — predictions unchanged — to the split the penalty
    prefers. Alternating steps crawl along this direction; solving it exactly makes them converge."""
    n_u, n_s = b_u.size, b_s.size
    a = np.array([[1.0 + n_u, 1.0], [1.0, 1.0 + n_s]])
    alpha, beta = np.linalg.solve(a, [mu - b_u.sum(), mu - b_s.sum()])
    return mu - alpha - beta, b_u + alpha, b_s + beta


def _shift_factor_mean(f_a: np.ndarray, f_b: np.ndarray, b_b: np.ndarray, lam_i: float, lam_f: float):
    """Move a common offset ``m`` out of side A's factors into side B's intercepts (``f_a − m``,
    ``b_b + f_b·m``: predictions unchanged) by the amount that minimises the penalty."""
    d = f_a.shape[1]
    lhs = lam_f * f_a.shape[0] * np.eye(d) + lam_i * (f_b.T @ f_b)
    m = np.linalg.solve(lhs, lam_f * f_a.sum(axis=0) - lam_i * (f_b.T @ b_b))
    return f_a - m, b_b + f_b @ m


def _balance_scale(f_u: np.ndarray, f_s: np.ndarray):
    """Rescale ``f_u·c``, ``f_s/c`` (predictions unchanged) to the c that minimises the penalty."""
    nu, ns = (f_u**2).sum(), (f_s**2).sum()
    if nu <= 0 or ns <= 0:
        return f_u, f_s
    c = (ns / nu) ** 0.25
    return f_u * c, f_s / c


def _leading_directions(ys, ones, mu: float, d: int, rng: np.random.Generator, steps: int = 8) -> np.ndarray:
    """Approximate top right singular vectors of (rating − μ) on rated cells, unit length."""
    n_s = ys.shape[1]
    v = rng.normal(size=(n_s, d))
    for _ in range(steps):
        u = ys @ v - mu * (ones @ v)
        v = ys.T @ u - mu * (ones.T @ u)
        v, _ = np.linalg.qr(v)
    return v * np.sqrt(n_s) / max(np.sqrt(n_s), 1.0)


def _ridge_side(
    ones, ys, count, ysum, mu: float, b_other: np.ndarray, f_other: np.ndarray, lam_i: float, lam_f: float
) -> tuple[np.ndarray, np.ndarray]:
    """For every row r at once, solve min Σ (y − μ − b_other − b_r − f_r·f_other)² + λ_i b_r² + λ_f |f_r|².

    ``ones`` / ``ys`` are the rated-cell indicator and the ratings with rows = the side being solved;
    every sum over a row's ratings is one sparse matrix–vector product.
    """
    d = f_other.shape[1]
    n = count.size
    gram = np.empty((n, d + 1, d + 1))
    rhs = np.empty((n, d + 1))
    gram[:, 0, 0] = count + lam_i
    base = ysum - mu * count - ones @ b_other  # Σ target
    rhs[:, 0] = base
    for a in range(d):
        fa = f_other[:, a]
        gram[:, 0, a + 1] = gram[:, a + 1, 0] = ones @ fa
        for b in range(a, d):
            gram[:, a + 1, b + 1] = gram[:, b + 1, a + 1] = ones @ (fa * f_other[:, b])
        gram[:, a + 1, a + 1] += lam_f
        rhs[:, a + 1] = ys @ fa - mu * (ones @ fa) - ones @ (b_other * fa)
    if d == 1:  # closed form for the usual 2 × 2 case
        a11, a12, a22 = gram[:, 0, 0], gram[:, 0, 1], gram[:, 1, 1]
        det = a11 * a22 - a12 * a12
        sol = np.column_stack(
            [(a22 * rhs[:, 0] - a12 * rhs[:, 1]) / det, (a11 * rhs[:, 1] - a12 * rhs[:, 0]) / det]
        )
    else:
        sol = np.linalg.solve(gram, rhs[:, :, None])[:, :, 0]
    return sol[:, 0], sol[:, 1:]
