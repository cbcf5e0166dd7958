"""Polis's PCA of the vote matrix and its sparsity-aware projection, on sparse matrices.

From compdemocracy/polis ``math/src/polismath/math/pca.clj`` and ``conversation.clj`` (``:mat``,
``:pca``, ``:proj``):

- missing votes are filled with the column's mean vote, then the matrix is centred by that same mean,
  so the centred matrix is zero wherever nobody voted — it stays sparse (one entry per vote);
- the first two principal components are the top eigenvectors of ``Cᵀ C`` (Polis finds them by power
  iteration with deflation; here ARPACK's Lanczos, or a few warm-started subspace iterations when
  updating, reach the same vectors);
- a participant's position is ``√(statements / votes cast) · Σ_voted (vote − mean)·component``
  (``sparsity-aware-project-ptpt``), which pushes people who voted on few statements out from the
  centre instead of leaving them bunched there;
- a statement's *extremity* is the length of the position of a participant who disagreed with it
  alone (``pca-project-cmnts``); priority uses it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, eigsh

from ._votes import csr_from_sorted


def column_means(
    cols: np.ndarray, vals: np.ndarray, n_cols: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Mean vote per statement over those who voted on it (0 for a statement nobody voted on)."""
    if weights is None:
        total = np.bincount(cols, weights=vals, minlength=n_cols)
        count = np.bincount(cols, minlength=n_cols)
    else:
        total = np.bincount(cols, weights=vals * weights, minlength=n_cols)
        count = np.bincount(cols, weights=weights, minlength=n_cols)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1e-300), 0.0)


def centred_matrix(rows, cols, vals, shape, center, zeroed: np.ndarray | None = None) -> sp.csr_matrix:
    """Sparse ``vote − column mean`` at each vote (rows/cols sorted by row then column, no duplicates)."""
    data = vals - center[cols]
    if zeroed is not None and zeroed.any():
        data = np.where(zeroed[cols], 0.0, data)
    return csr_from_sorted(rows, cols, data, shape)


def _orient(comps: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """Fix each component's sign: agree with the previous fit, else largest entry positive."""
    comps = comps.copy()
    for i in range(comps.shape[0]):
        if previous is not None and i < previous.shape[0] and previous.shape[1] == comps.shape[1]:
            if comps[i] @ previous[i] < 0:
                comps[i] = -comps[i]
        else:
            j = int(np.argmax(np.abs(comps[i])))
            if comps[i, j] < 0:
                comps[i] = -comps[i]
    return comps


def principal_components(
    c: sp.csr_matrix,
    n_comps: int = 2,
    *,
    start: np.ndarray | None = None,
    iters: int | None = None,
    row_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Top ``n_comps`` eigenvectors of ``Cᵀ W C`` as rows (zero rows where the rank runs out).

    With ``start`` and ``iters`` given, runs at most that many subspace iterations from ``start``,
    stopping early once the subspace stops turning (used by incremental updates and bootstrap
    resamples); otherwise solves to convergence.
    """
    n_rows, n_cols = c.shape
    out = np.zeros((n_comps, n_cols))
    rank_cap = min(n_rows, n_cols)
    if rank_cap == 0 or c.nnz == 0:
        return out
    ct = c.T

    def gram(x):
        y = c @ x
        if row_weights is not None:
            y = y * (row_weights[:, None] if y.ndim == 2 else row_weights)
        return ct @ y

    k = min(n_comps, rank_cap)
    if (
        start is not None
        and iters is not None
        and start.shape == (n_comps, n_cols)
        and np.abs(start[:k]).sum() > 0
    ):
        # block subspace iteration with two guard vectors and Rayleigh–Ritz each step: converges at
        # the rate λ₅/λ₂ rather than λ₃/λ₂, so a warm start needs only a few steps
        guard = np.random.default_rng(0).normal(size=(n_cols, min(2, max(rank_cap - k, 0))))
        v, _ = np.linalg.qr(np.hstack([start[:k].T, guard]))
        previous = None
        for _ in range(iters):
            w = gram(v)
            evals, evecs = np.linalg.eigh(v.T @ w)
            ritz = w @ evecs[:, ::-1]
            v, _ = np.linalg.qr(ritz)
            v = v * np.sign(np.sum(v * ritz, axis=0))
            top = v[:, :k]
            if previous is not None and np.abs(np.abs((top * previous).sum(axis=0)) - 1).max() < 1e-11:
                break
            previous = top
        out[:k] = v[:, :k].T
        return _orient(out, start)
    if n_cols <= 64 or k >= n_cols - 1:
        g = gram(np.eye(n_cols))
        evals, evecs = np.linalg.eigh((g + g.T) / 2)
        out[:k] = evecs[:, ::-1][:, :k].T
        out[:k][evals[::-1][:k] <= 1e-12 * max(evals.max(), 1e-300)] = 0.0
        return _orient(out, start)
    op = LinearOperator((n_cols, n_cols), matvec=gram, matmat=gram, dtype=np.float64)
    v0 = np.ones(n_cols) / np.sqrt(n_cols)
    try:
        evals, evecs = eigsh(op, k=k, which="LA", v0=v0, tol=1e-10, maxiter=5000)
    except (ArpackNoConvergence, ArpackError):
        dense = (ct @ (c if row_weights is None else sp.diags(row_weights) @ c)).toarray()
        evals, evecs = np.linalg.eigh(dense)
    order = np.argsort(-evals)[:k]
    out[:k] = evecs[:, order].T
    return _orient(out, start)


def sparse_projection(
    c: sp.csr_matrix, comps: np.ndarray, votes_cast: np.ndarray, n_statements: int
) -> np.ndarray:
    """Participants' 2-D positions: ``√(n_statements / max(votes cast, 1)) · C · componentsᵀ``."""
    raw = c @ comps.T
    scale = np.sqrt(n_statements / np.maximum(votes_cast, 1))
    return raw * scale[:, None]


def statement_extremity(center: np.ndarray, comps: np.ndarray, n_statements: int) -> np.ndarray:
    """``pca-project-cmnts`` then its length: ``√n · |−1 − mean_j| · ‖component_j‖``."""
    return np.sqrt(n_statements) * np.abs(-1.0 - center) * np.sqrt((comps**2).sum(axis=0))
