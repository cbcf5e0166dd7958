"""How solid opinion groups are: adjusted Rand index and a bootstrap of the whole map.

Beyond Polis: a facilitator needs to know whether a split between groups is real or noise. We
re-draw participants with replacement (the Poisson bootstrap: each participant weighted by a
Poisson(1) draw, which approximates resampling n of n), rebuild the map for each draw (PCA, positions,
base clusters, groups — warm-started from the full fit, so a draw costs a fraction of a fit), and
measure with the adjusted Rand index (Hubert & Arabie 1985) how far each draw's groups agree with
the full fit's on the participants drawn. Stability is the mean, floored at 0: 1 means every draw
found the same groups; near 0, the groups are no better than chance.
"""

from __future__ import annotations

import math

import numpy as np


def stability_percent(stability: float | None) -> int | None:
    """The stability figure shown to people: a whole percentage, halves rounded up (0.875 → 88).

    None for no figure (None or NaN). Every page and report that prints stability uses this, so the
    same map gives the same figure everywhere.
    """
    if stability is None or not math.isfinite(stability):
        return None
    return math.floor(100 * stability + 0.5)


def _comb2(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64)
    return float((x * (x - 1) / 2).sum())


def adjusted_rand_index(labels_a, labels_b) -> float:
    """Adjusted Rand index of two labellings of the same items (1 = identical partitions).

    Two labellings that each put everything in one group (or that are both empty) score 1.
    """
    a = np.asarray(labels_a)
    b = np.asarray(labels_b)
    if a.shape != b.shape:
        raise ValueError("labellings must have the same length")
    n = a.size
    if n < 2:
        return 1.0
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    ia = ia.ravel()
    ib = ib.ravel()
    table = np.bincount(ia * (ib.max() + 1) + ib, minlength=(ia.max() + 1) * (ib.max() + 1))
    sum_cells = _comb2(table)
    sum_a = _comb2(np.bincount(ia))
    sum_b = _comb2(np.bincount(ib))
    total = n * (n - 1) / 2
    expected = sum_a * sum_b / total
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return float((sum_cells - expected) / (maximum - expected))
