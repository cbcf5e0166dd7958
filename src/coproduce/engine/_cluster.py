"""Polis's two-level clustering of participants' 2-D positions.

From compdemocracy/polis ``math/src/polismath/math/clusters.clj`` and ``conversation.clj``:

1. *Base clusters*: k-means with k = 100 over the positions of participants in the conversation
   (``kmeans`` with ``:base-k 100``, ``:base-iters 100``); initial centres are the first k distinct
   positions in participant order (``init-clusters``); empty clusters are dropped each step
   (``cluster-step``); it stops when no centre moves by 0.01 or more (``same-clustering?``).
2. *Groups*: weighted k-means over the base-cluster centres (weights = members), for k = 2 … max-k,
   max-k = min(5, 2 + ⌊base clusters / 12⌋) (``max-k-fn``), 20 iterations at most (``kmeans``'s
   default, because ``:cluster-iters`` is not a keyword it reads).
3. k is chosen by the silhouette coefficient computed over the *base clusters* (``silhouette`` on
   ``bucket-dists``), never over all participant pairs — that is what keeps this cheap: at most
   100 × 100 distances whatever the number of participants.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.vq import vq

BASE_K = 100
BASE_ITERS = 100
GROUP_ITERS = 20
MAX_K = 5
TOLERANCE = 0.01


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first ``k`` distinct rows of ``points`` (``init-clusters``)."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(points, axis=0, return_index=True)
    first.sort()
    return first[:k]


def kmeans(points: np.ndarray, centers: np.ndarray, *, weights: np.ndarray | None = None,
           max_iters: int = BASE_ITERS, tol: float = TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means as ``clusters/kmeans`` runs it; returns (label per point, centres).

    Labels index the returned centres; clusters that lose all their members are dropped, so there may
    be fewer centres than given.
    """
    points = np.ascontiguousarray(points, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    w = np.ones(points.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    labels = np.zeros(points.shape[0], dtype=np.int64)
    for _ in range(max_iters + 1):
        labels, _ = vq(points, centers, check_finite=False)
        k = centers.shape[0]
        mass = np.bincount(labels, weights=w, minlength=k)
        sx = np.bincount(labels, weights=w * points[:, 0], minlength=k)
        sy = np.bincount(labels, weights=w * points[:, 1], minlength=k)
        keep = mass > 0
        new_centers = np.column_stack([sx[keep], sy[keep]]) / mass[keep, None]
        if not keep.all():
            remap = np.cumsum(keep) - 1
            labels = remap[labels]
            centers = new_centers
            continue
        moved = np.sqrt(((new_centers - centers) ** 2).sum(axis=1)).max() if k else 0.0
        centers = new_centers
        if moved < tol:
            break
    return labels.astype(np.int64), centers


def base_clusters(points: np.ndarray, k: int = BASE_K, *, start: np.ndarray | None = None,
                  max_iters: int = BASE_ITERS) -> tuple[np.ndarray, np.ndarray]:
    """Base clusters of participants' positions; ``start`` warm-starts from earlier centres."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    if start is None or len(start) == 0:
        start = points[first_distinct(points, k)]
    return kmeans(points, start, max_iters=max_iters)


def max_groups(n_base: int, max_k: int = MAX_K) -> int:
    """``max-k-fn``: min(max-k, 2 + ⌊n / 12⌋)."""
    return min(max_k, 2 + n_base // 12)


def distances(centers: np.ndarray) -> np.ndarray:
    diff = centers[:, None, :] - centers[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def silhouette(dist: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean silhouette over base clusters (``clusters/silhouette``).

    Within its group, a base cluster's distance ``a`` is the mean distance to the *other* base
    clusters of its group, ``b`` the smallest mean distance to another group; a base cluster alone in
    its group scores 0. Polis averages without weights, which is the default here.
    """
    n = labels.size
    if n == 0:
        return 0.0
    k = int(labels.max()) + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    sums = dist @ onehot
    sizes = onehot.sum(axis=0)
    own = sizes[labels]
    a = sums[np.arange(n), labels] / np.maximum(own - 1, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_other = sums / sizes
    mean_other[np.arange(n), labels] = np.inf
    b = mean_other.min(axis=1) if k > 1 else np.zeros(n)
    denom = np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(denom > 0, (b - a) / denom, 0.0)
    s = np.where(own <= 1, 0.0, s)
    if k == 1:
        s = np.zeros(n)
    if weights is None:
        return float(s.mean())
    return float(np.average(s, weights=weights))


def group_clusterings(centers: np.ndarray, weights: np.ndarray, ks, *, starts: dict | None = None,
                      n_init: int = 1, rng: np.random.Generator | None = None) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Weighted k-means of base-cluster centres for each k; returns {k: (labels, centres)}.

    Each k starts from the first k distinct base centres (Polis's ``init-clusters``) or from
    ``starts[k]``; with ``n_init > 1`` further weighted k-means++ starts are tried and the one with the
    lowest weighted within-group sum of squares is kept.
    """
    out = {}
    for k in ks:
        candidates = []
        if starts and k in starts and len(starts[k]):
            candidates.append(np.asarray(starts[k]))
        else:
            candidates.append(centers[first_distinct(centers, k)])
        for _ in range(max(n_init - 1, 0)):
            candidates.append(_kmeanspp(centers, weights, k, rng))
        best = None
        for init in candidates:
            labels, cents = kmeans(centers, init, weights=weights, max_iters=GROUP_ITERS)
            cost = float((weights * ((centers - cents[labels]) ** 2).sum(axis=1)).sum())
            if best is None or cost < best[0] - 1e-12:
                best = (cost, labels, cents)
        out[k] = (best[1], best[2])
    return out


def _kmeanspp(points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    n = points.shape[0]
    chosen = [int(rng.choice(n, p=weights / weights.sum()))]
    d2 = ((points - points[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, min(k, n)):
        p = weights * d2
        if p.sum() <= 0:
            break
        chosen.append(int(rng.choice(n, p=p / p.sum())))
        d2 = np.minimum(d2, ((points - points[chosen[-1]]) ** 2).sum(axis=1))
    return points[chosen]


def choose_groups(centers: np.ndarray, weights: np.ndarray, n_groups="auto", *, starts: dict | None = None,
                  n_init: int = 1, rng: np.random.Generator | None = None,
                  weighted_silhouette: bool = False):
    """Pick the grouping of base clusters: fixed k, or the k in 2 … max-k with the best silhouette.

    Returns (labels per base cluster, group centres, chosen k, {k: silhouette}, {k: centres}).
    Ties go to the larger k, as Clojure's ``max-key`` does.
    """
    n_base = centers.shape[0]
    n_distinct = len(first_distinct(centers, n_base))
    if n_base == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2)), 0, {}, {}
    if n_distinct < 2:
        return np.zeros(n_base, dtype=np.int64), centers[:1].copy(), 1, {}, {}
    if n_groups == "auto":
        ks = list(range(2, max_groups(n_base) + 1))
    else:
        ks = [min(int(n_groups), n_distinct)]
    clusterings = group_clusterings(centers, weights, ks, starts=starts, n_init=n_init, rng=rng)
    dist = distances(centers)
    scores = {k: silhouette(dist, clusterings[k][0], weights if weighted_silhouette else None) for k in ks}
    best_k = ks[0]
    for k in ks:
        if scores[k] >= scores[best_k]:
            best_k = k
    labels, cents = clusterings[best_k]
    return labels, cents, best_k, scores, {k: c for k, (_, c) in clusterings.items()}
