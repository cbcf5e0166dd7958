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

BASE_K = 100
BASE_ITERS = 100
GROUP_ITERS = 20
MAX_K = 5
TOLERANCE = 0.01
NEAR_TIE = 0.003
_SMALL = 200_000


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first ``k`` distinct rows of ``points`` (``init-clusters``)."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(points[:, 0] + 1j * points[:, 1], return_index=True)
    first.sort()
    return first[:k]


def _two_nearest(points: np.ndarray, centres: np.ndarray, chunk: int = 16384):
    """Index of the nearest centre, its distance, and the distance to the second nearest."""
    n, k = points.shape[0], centres.shape[0]
    labels = np.empty(n, dtype=np.int64)
    first = np.empty(n)
    second = np.full(n, np.inf)
    for lo in range(0, n, chunk):
        p = points[lo : lo + chunk]
        d2 = (p[:, 0, None] - centres[None, :, 0]) ** 2 + (p[:, 1, None] - centres[None, :, 1]) ** 2
        lab = d2.argmin(axis=1)
        rows = np.arange(p.shape[0])
        labels[lo : lo + chunk] = lab
        first[lo : lo + chunk] = d2[rows, lab]
        if k > 1:
            d2[rows, lab] = np.inf
            second[lo : lo + chunk] = d2.min(axis=1)
    return labels, np.sqrt(first), np.sqrt(second)


def kmeans(
    points: np.ndarray,
    centers: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    max_iters: int = BASE_ITERS,
    tol: float = TOLERANCE,
) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means as ``clusters/kmeans`` runs it; returns (label per point, centres).

    Labels index the returned centres; clusters that lose all their members are dropped, so there may
    be fewer centres than given. The result is exactly Lloyd's, but Hamerly's bounds (2010) skip the
    points whose nearest centre cannot have changed, so late iterations touch few points.
    """
    points = np.ascontiguousarray(points, dtype=np.float64)
    centres = np.array(centers, dtype=np.float64)
    n = points.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    wx, wy = w * points[:, 0], w * points[:, 1]
    labels, upper, lower = _two_nearest(points, centres)
    for _ in range(max_iters + 1):
        k = centres.shape[0]
        mass = np.bincount(labels, weights=w, minlength=k)
        keep = mass > 0
        new = (
            np.column_stack(
                [
                    np.bincount(labels, weights=wx, minlength=k)[keep],
                    np.bincount(labels, weights=wy, minlength=k)[keep],
                ]
            )
            / mass[keep, None]
        )
        moved = np.sqrt(((new - centres[keep]) ** 2).sum(axis=1))
        if not keep.all():
            labels = (np.cumsum(keep) - 1)[labels]
        centres = new
        if keep.all() and (moved.max() if moved.size else 0.0) < tol:
            break
        if n * centres.shape[0] <= _SMALL:  # plain Lloyd: cheaper than keeping bounds
            labels, upper, lower = _two_nearest(points, centres)
            continue
        upper = upper + moved[labels]
        lower = lower - (moved.max() if moved.size else 0.0)
        if centres.shape[0] > 1:
            gap = distances(centres)
            np.fill_diagonal(gap, np.inf)
            bound = np.maximum(lower, gap.min(axis=1)[labels] / 2)
        else:
            bound = lower
        stale = np.flatnonzero(upper > bound)
        if stale.size:
            own = centres[labels[stale]]
            upper[stale] = np.sqrt(((points[stale] - own) ** 2).sum(axis=1))
            stale = stale[upper[stale] > bound[stale]]
        if stale.size:
            lab, up, low = _two_nearest(points[stale], centres)
            labels[stale], upper[stale], lower[stale] = lab, up, low
    return labels, centres


def base_clusters(
    points: np.ndarray, k: int = BASE_K, *, start: np.ndarray | None = None, max_iters: int = BASE_ITERS
) -> tuple[np.ndarray, np.ndarray]:
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


def batch_kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    inits: np.ndarray,
    max_iters: int = GROUP_ITERS,
    tol: float = TOLERANCE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted Lloyd's k-means from many starts at once.

    ``inits`` is starts × K × 2; a start with fewer than K centres pads with NaN rows, which never win a
    point. A centre that loses all its members stays where it is. Each start stops once no centre
    moves by ``tol`` or more, or after ``max_iters`` steps. Returns (labels: starts × points, centres
    with NaN padding kept, weighted within-group sum of squares per start).
    """
    centres = np.array(inits, dtype=np.float64)
    pad = np.isnan(centres[:, :, 0])
    centres[pad] = _FAR
    n_starts, k, _ = centres.shape
    px, py = points[:, 0], points[:, 1]
    w_all = np.tile(weights, (n_starts, 1))
    wx_all, wy_all = w_all * px, w_all * py
    offsets = (np.arange(n_starts) * k)[:, None]
    active = np.arange(n_starts)
    for _ in range(max_iters + 1):
        if active.size == 0:
            break
        c = centres[active]
        m = active.size
        d2 = (px[None, :, None] - c[:, None, :, 0]) ** 2 + (py[None, :, None] - c[:, None, :, 1]) ** 2
        idx = (d2.argmin(axis=2) + offsets[:m]).ravel()
        mass = np.bincount(idx, weights=w_all[active].ravel(), minlength=m * k)
        sx = np.bincount(idx, weights=wx_all[active].ravel(), minlength=m * k)
        sy = np.bincount(idx, weights=wy_all[active].ravel(), minlength=m * k)
        has = mass > 0
        new = c.reshape(-1, 2).copy()
        new[has, 0] = sx[has] / mass[has]
        new[has, 1] = sy[has] / mass[has]
        new = new.reshape(m, k, 2)
        moved = np.abs(new - c).max(axis=(1, 2))
        centres[active] = new
        active = active[moved >= tol]
    d2 = (px[None, :, None] - centres[:, None, :, 0]) ** 2 + (py[None, :, None] - centres[:, None, :, 1]) ** 2
    labels = d2.argmin(axis=2)
    cost = (np.take_along_axis(d2, labels[:, :, None], axis=2)[:, :, 0] * weights[None, :]).sum(axis=1)
    centres[pad] = np.nan
    return labels, centres, cost


_FAR = 1e100


def farthest_first(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Deterministic start: the heaviest point, then repeatedly the point farthest from those chosen."""
    chosen = [int(np.argmax(weights))]
    d2 = ((points - points[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        chosen.append(int(np.argmax(d2)))
        d2 = np.minimum(d2, ((points - points[chosen[-1]]) ** 2).sum(axis=1))
    return points[chosen]


def kmeanspp(
    points: np.ndarray, weights: np.ndarray, k: int, n_starts: int, rng: np.random.Generator
) -> np.ndarray:
    """``n_starts`` weighted k-means++ seedings (Arthur & Vassilvitskii 2007), drawn together.

    Returns an array of shape n_starts × k × 2.
    """
    n = points.shape[0]
    idx = np.empty((n_starts, k), dtype=np.int64)
    cum = np.cumsum(weights)
    idx[:, 0] = np.minimum(np.searchsorted(cum, rng.random(n_starts) * cum[-1], side="right"), n - 1)
    d2 = ((points[None, :, :] - points[idx[:, 0]][:, None, :]) ** 2).sum(axis=2)
    for j in range(1, k):
        p = np.cumsum(d2 * weights[None, :], axis=1)
        total = p[:, -1]
        u = rng.random(n_starts) * total
        pick = (p < u[:, None]).sum(axis=1)
        idx[:, j] = np.where(total > 0, np.minimum(pick, n - 1), idx[:, j - 1])
        d2 = np.minimum(d2, ((points[None, :, :] - points[idx[:, j]][:, None, :]) ** 2).sum(axis=2))
    return points[idx]


def group_clusterings(
    centers: np.ndarray,
    weights: np.ndarray,
    ks,
    *,
    starts: dict | None = None,
    n_init: int = 1,
    rng: np.random.Generator | None = None,
    min_group_size: float = 0.0,
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Weighted k-means of base-cluster centres for each k; returns {k: (labels, centres)}.

    Starts for each k: the previous fit's centres ``starts[k]`` when updating (Polis's
    ``:last-clusters``), Polis's first k distinct base centres (``init-clusters``), and with
    ``n_init > 1`` a farthest-first traversal and ``n_init − 2`` weighted k-means++ seedings. Groupings
    with a group lighter than ``min_group_size`` are set aside unless nothing else is left; of the
    rest, the smallest weighted within-group sum of squares wins — except that the first start's
    grouping (Polis's own answer) is kept when it is within ``NEAR_TIE`` (0.3%) of the best, so
    near-ties resolve the way Polis resolves them. All starts for all k run as one batch.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    n_distinct = len(first_distinct(centers, centers.shape[0]))
    ks = sorted({min(k, n_distinct) for k in ks})
    width = max(ks)
    blocks, owner = [], []
    for k in ks:
        inits = [centers[first_distinct(centers, k)][None]]
        if starts and k in starts and len(starts[k]) == k:
            inits.insert(0, np.asarray(starts[k], dtype=np.float64)[None])
        if n_init > 1:
            inits.append(farthest_first(centers, weights, k)[None])
        if n_init > 2:
            inits.append(kmeanspp(centers, weights, k, n_init - 2, rng))
        block = np.concatenate(inits)
        if k < width:
            block = np.concatenate([block, np.full((block.shape[0], width - k, 2), np.nan)], axis=1)
        blocks.append(block)
        owner += [k] * block.shape[0]
    labels, cents, cost = batch_kmeans(centers, weights, np.concatenate(blocks))
    owner = np.asarray(owner)
    sizes = np.zeros((labels.shape[0], width))
    np.add.at(
        sizes,
        (np.repeat(np.arange(labels.shape[0]), labels.shape[1]), labels.ravel()),
        np.tile(weights, labels.shape[0]),
    )
    active = ~np.isnan(cents[:, :, 0])
    lightest = np.where(active, sizes, np.inf).min(axis=1)
    out = {}
    for k in ks:
        mine = owner == k
        ok = mine & (lightest >= min_group_size) & (lightest > 0)
        pool = ok if ok.any() else mine
        best = int(np.flatnonzero(pool)[np.argmin(cost[pool])])
        first = int(np.flatnonzero(mine)[0])
        if pool[first] and cost[first] <= (1 + NEAR_TIE) * cost[best]:
            best = first
        out[k] = _compact(labels[best], cents[best])
    return out


def _compact(labels: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    used = np.unique(labels)
    remap = np.full(centres.shape[0], -1)
    remap[used] = np.arange(used.size)
    return remap[labels], centres[used]


def choose_groups(
    centers: np.ndarray,
    weights: np.ndarray,
    n_groups="auto",
    *,
    starts: dict | None = None,
    n_init: int = 1,
    rng: np.random.Generator | None = None,
    min_group_size: float = 0.0,
):
    """Pick the grouping of base clusters: fixed k, or the k in 2 … max-k with the best silhouette.

    Returns (labels per base cluster, group centres, chosen k, {k: silhouette}, {k: centres}).
    Ties go to the larger k, as Clojure's ``max-key`` does.
    """
    n_base = centers.shape[0]
    if n_base == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2)), 0, {}, {}
    n_distinct = len(first_distinct(centers, n_base))
    if n_distinct < 2:
        return np.zeros(n_base, dtype=np.int64), centers[:1].copy(), 1, {}, {}
    if n_groups == "auto":
        ks = list(range(2, max_groups(n_base) + 1))
    else:
        ks = [min(int(n_groups), n_distinct)]
    clusterings = group_clusterings(
        centers, weights, ks, starts=starts, n_init=n_init, rng=rng, min_group_size=min_group_size
    )
    dist = distances(centers)
    scores = {k: silhouette(dist, clusterings[k][0]) for k in ks}
    best_k = ks[0]
    for k in ks:
        if scores[k] >= scores[best_k]:
            best_k = k
    labels, cents = clusterings[best_k]
    return labels, cents, best_k, scores, {k: c for k, (_, c) in clusterings.items()}
