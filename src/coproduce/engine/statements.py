"""Statement statistics from Polis: representativeness, consensus, group-informed consensus, priority.

Every formula here is Polis's own, from compdemocracy/polis ``math/src/polismath/math/``:
``stats.clj`` (``prop-test``, ``two-prop-test``, ``z-sig-90?``), ``repness.clj`` (``comment-stats``,
``add-comparitive-stats``, ``select-rep-comments``, ``consensus-stats``, ``select-consensus-comments``)
and ``conversation.clj`` (``group-aware-consensus``, ``importance-metric``, ``priority-metric``).
They work on vote counts, so they are vectorised over statements and groups.

Polis stores agree as -1 internally and flips it in exports; here agree is always +1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Z_90 = 1.2816
"""One-sided z threshold for 90% confidence (``z-sig-90?`` in stats.clj)."""

META_PRIORITY = 7.0


def prop_test(successes, trials):
    """Polis's one-proportion z statistic with a +1 pseudo-count: ``2·√(n+1)·((s+1)/(n+1) − ½)``."""
    s = np.asarray(successes, dtype=np.float64) + 1
    n = np.asarray(trials, dtype=np.float64) + 1
    return 2.0 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(succ_in, succ_out, pop_in, pop_out):
    """Polis's two-proportion z statistic (every count +1); 0 where the pooled proportion is 1."""
    s1 = np.asarray(succ_in, dtype=np.float64) + 1
    s2 = np.asarray(succ_out, dtype=np.float64) + 1
    n1 = np.asarray(pop_in, dtype=np.float64) + 1
    n2 = np.asarray(pop_out, dtype=np.float64) + 1
    pi_hat = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(pi_hat * (1 - pi_hat) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / denom
    return np.where(pi_hat == 1, 0.0, z)


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets one opinion group apart (``finalize-cmt-stats`` in repness.clj).

    ``repness`` is how much likelier the group is than everyone else to vote ``direction``;
    ``probability`` is the share of the group voting that way (with Polis's +1/+2 prior).
    """

    statement_id: Any
    direction: str
    repness: float
    repness_test: float
    probability: float
    probability_test: float
    n_success: int
    n_trials: int
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with (``select-consensus-comments``)."""

    statement_id: Any
    direction: str
    probability: float
    probability_test: float
    n_success: int
    n_trials: int


def group_counts(
    labels: np.ndarray | None,
    n_groups: int,
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
    n_statements: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Agree, disagree and seen counts per (group, statement); participants labelled −1 are skipped.

    With ``labels`` None every vote counts, as a single group.
    """
    if labels is None:  # everyone counts, as one group
        key, v = cols, vals
    else:
        g = labels[rows]
        keep = g >= 0
        key = g[keep].astype(np.int64) * n_statements + cols[keep]
        v = vals[keep]
    size = n_groups * n_statements
    seen = np.bincount(key, minlength=size)
    net = np.bincount(key, weights=v, minlength=size)  # agrees − disagrees
    cast = np.bincount(key, weights=np.abs(v), minlength=size)  # agrees + disagrees
    agree = np.rint((cast + net) / 2).astype(np.int64)
    disagree = np.rint((cast - net) / 2).astype(np.int64)
    shape = (n_groups, n_statements)
    return agree.reshape(shape), disagree.reshape(shape), seen.reshape(shape)


def group_informed_consensus(agree: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Product over groups of each group's chance of agreeing, ``∏_g (A_g+1)/(S_g+2)``.

    ``group-aware-consensus`` in conversation.clj; ``agree`` and ``seen`` are (groups × statements)
    counts of agrees and of all votes (passes included) by the clustered members of each group.
    """
    agree = np.asarray(agree, dtype=np.float64)
    seen = np.asarray(seen, dtype=np.float64)
    return np.prod((agree + 1.0) / (seen + 2.0), axis=0)


def priority(agree, disagree, seen, extremity, is_meta=None) -> np.ndarray:
    """Polis's statement priority (``priority-metric`` in conversation.clj).

    ``importance = (1 − p)·(E + 1)·a`` with pass rate ``p = (P+1)/(S+2)`` and agree rate
    ``a = (A+1)/(S+2)``; it is boosted by ``1 + 8·2^(−S/5)`` so new statements get seen, then squared.
    Meta statements get the fixed ``7² = 49``.
    """
    a_count = np.asarray(agree, dtype=np.float64)
    s_count = np.asarray(seen, dtype=np.float64)
    passes = s_count - a_count - np.asarray(disagree, dtype=np.float64)
    p = (passes + 1) / (s_count + 2)
    a = (a_count + 1) / (s_count + 2)
    importance = (1 - p) * (np.asarray(extremity, dtype=np.float64) + 1) * a
    out = (importance * (1 + 8 * np.power(2.0, -s_count / 5))) ** 2
    if is_meta is not None:
        out = np.where(is_meta, META_PRIORITY**2, out)
    return out


def comment_stats(agree, disagree, seen) -> dict[str, np.ndarray]:
    """``comment-stats`` in repness.clj: probabilities with a +1/+2 prior and their z statistics."""
    na = np.asarray(agree, dtype=np.float64)
    nd = np.asarray(disagree, dtype=np.float64)
    ns = np.asarray(seen, dtype=np.float64)
    return {
        "na": na,
        "nd": nd,
        "ns": ns,
        "pa": (1 + na) / (2 + ns),
        "pd": (1 + nd) / (2 + ns),
        "pat": prop_test(na, ns),
        "pdt": prop_test(nd, ns),
    }


def repness_stats(agree: np.ndarray, disagree: np.ndarray, seen: np.ndarray) -> dict[str, np.ndarray]:
    """``conv-repness`` + ``add-comparitive-stats``: each group against the rest of the clustered people.

    Inputs are (groups × statements) counts; every output array has the same shape.
    """
    st = comment_stats(agree, disagree, seen)
    rest_a = st["na"].sum(axis=0) - st["na"]
    rest_d = st["nd"].sum(axis=0) - st["nd"]
    rest_s = st["ns"].sum(axis=0) - st["ns"]
    st["ra"] = st["pa"] / ((1 + rest_a) / (2 + rest_s))
    st["rd"] = st["pd"] / ((1 + rest_d) / (2 + rest_s))
    st["rat"] = two_prop_test(st["na"], rest_a, st["ns"], rest_s)
    st["rdt"] = two_prop_test(st["nd"], rest_d, st["ns"], rest_s)
    return st


def _finalize(statement_id, st: dict[str, float], best_agree: bool = False) -> RepresentativeStatement:
    if st["rat"] > st["rdt"]:
        fields = ("agree", st["na"], st["pa"], st["pat"], st["ra"], st["rat"])
    else:
        fields = ("disagree", st["nd"], st["pd"], st["pdt"], st["rd"], st["rdt"])
    direction, n_success, p_success, p_test, rep, rep_test = fields
    return RepresentativeStatement(
        statement_id=statement_id,
        direction=direction,
        repness=float(rep),
        repness_test=float(rep_test),
        probability=float(p_success),
        probability_test=float(p_test),
        n_success=int(n_success),
        n_trials=int(st["ns"]),
        best_agree=best_agree,
    )


def select_representative(
    stats: dict[str, np.ndarray], statement_ids, candidates: np.ndarray, max_per_group: int = 5
) -> list[list[RepresentativeStatement]]:
    """``select-rep-comments``: up to five statements per group, agrees first.

    A statement qualifies when both its group-vs-rest test and its within-group test pass the 90%
    threshold, for agree or for disagree. The best "agree" statement (``beats-best-agr?``) is put first;
    a group with no qualifying statement gets its single best one, so every group says something.
    ``candidates`` is a boolean mask of statements that may be chosen (moderated-out ones are not).
    """
    n_groups = stats["na"].shape[0]
    cand_idx = np.flatnonzero(candidates)
    keys = ("na", "nd", "ns", "pa", "pd", "pat", "pdt", "ra", "rd", "rat", "rdt")
    out: list[list[RepresentativeStatement]] = []
    for g in range(n_groups):
        row = {k: stats[k][g, cand_idx] for k in keys}
        sufficient_mask = ((row["rat"] > Z_90) & (row["pat"] > Z_90)) | (
            (row["rdt"] > Z_90) & (row["pdt"] > Z_90)
        )
        cols = {k: row[k].tolist() for k in keys}
        best_agree = _best_agree(cols)

        def stat_at(i: int, cols=cols) -> dict[str, float]:
            return {k: cols[k][i] for k in keys}

        head: list[RepresentativeStatement] = []
        if best_agree is not None:
            head = [_finalize(statement_ids[cand_idx[best_agree]], stat_at(best_agree), best_agree=True)]
        sufficient = np.flatnonzero(sufficient_mask)
        if sufficient.size == 0:
            if not head and cand_idx.size:
                best = int(np.argmax(np.maximum(row["rat"], row["rdt"])))
                head = [_finalize(statement_ids[cand_idx[best]], stat_at(best))]
            out.append(head)
            continue
        sufficient = sufficient[sufficient != best_agree] if best_agree is not None else sufficient
        agree_side = row["rat"][sufficient] > row["rdt"][sufficient]
        metric = np.where(
            agree_side,
            row["ra"][sufficient] * row["rat"][sufficient] * row["pa"][sufficient] * row["pat"][sufficient],
            row["rd"][sufficient] * row["rdt"][sufficient] * row["pd"][sufficient] * row["pdt"][sufficient],
        )
        top = sufficient[np.argsort(-metric, kind="stable")[: max_per_group - len(head)]]
        chosen = head + [_finalize(statement_ids[cand_idx[i]], stat_at(int(i))) for i in top]
        out.append(
            [r for r in chosen if r.direction == "agree"] + [r for r in chosen if r.direction == "disagree"]
        )
    return out


def _best_agree(cols: dict[str, list[float]]) -> int | None:
    """Sequential scan of ``beats-best-agr?`` (order matters, as in Polis)."""
    best = None
    b_metric_full = b_metric_p = b_ra = 0.0
    na, nd, ra, rat, pa, pat = cols["na"], cols["nd"], cols["ra"], cols["rat"], cols["pa"], cols["pat"]
    for i in range(len(na)):
        if na[i] == 0 and nd[i] == 0:
            continue
        if best is not None and b_ra > 1.0:
            accept = ra[i] * rat[i] * pa[i] * pat[i] > b_metric_full
        elif best is not None:
            accept = pa[i] * pat[i] > b_metric_p
        else:
            accept = pat[i] > Z_90 or (ra[i] > 1.0 and pa[i] > 0.5)
        if accept:
            best = i
            b_ra = ra[i]
            b_metric_full = ra[i] * rat[i] * pa[i] * pat[i]
            b_metric_p = pa[i] * pat[i]
    return best


def select_consensus(
    agree: np.ndarray,
    disagree: np.ndarray,
    seen: np.ndarray,
    statement_ids,
    candidates: np.ndarray,
    top: int = 5,
) -> list[ConsensusStatement]:
    """``consensus-stats`` + ``select-consensus-comments``: up to five agreed and five disagreed statements.

    A statement qualifies for a direction when more than half voted that way (with the +1/+2 prior) and
    the one-proportion test passes the 90% threshold; they are ranked by probability × test.
    Counts are over every participant who voted, as in Polis.
    """
    st = comment_stats(agree, disagree, seen)
    result: list[ConsensusStatement] = []
    for direction, n_key, p_key, t_key in (("agree", "na", "pa", "pat"), ("disagree", "nd", "pd", "pdt")):
        p, t = st[p_key], st[t_key]
        ok = candidates & (p > 0.5) & (t > Z_90)
        idx = np.flatnonzero(ok)
        idx = idx[np.argsort(-(p[idx] * t[idx]), kind="stable")][:top]
        for i in idx:
            result.append(
                ConsensusStatement(
                    statement_id=statement_ids[i],
                    direction=direction,
                    probability=float(p[i]),
                    probability_test=float(t[i]),
                    n_success=int(st[n_key][i]),
                    n_trials=int(st["ns"][i]),
                )
            )
    return result


GROUP_CONSENSUS_THRESHOLD = 0.5
"""Default least group-informed consensus for "agreed in every group": more likely than not."""


@dataclass(frozen=True)
class GroupAgreedStatement:
    """A statement agreed in every opinion group (see :func:`select_agreed_in_every_group`).

    ``probability`` is its group-informed consensus; ``agree_shares`` the share of each group's voters
    on it who agreed (group 0 first, passes counted as not agreeing), ``n_voted`` how many in each
    group voted on it.
    """

    statement_id: Any
    probability: float
    agree_shares: tuple[float, ...]
    n_voted: tuple[int, ...]


def select_agreed_in_every_group(
    agree: np.ndarray,
    seen: np.ndarray,
    statement_ids,
    candidates: np.ndarray,
    *,
    threshold: float = GROUP_CONSENSUS_THRESHOLD,
    top: int = 5,
) -> list[GroupAgreedStatement]:
    """Statements agreed in every opinion group, most agreed first (at most ``top``).

    Group-informed consensus (Polis's ``group-aware-consensus`` in conversation.clj; Small et al.,
    "Polis: Scaling deliberation by mapping high dimensional opinion spaces", 2021) is a probability:
    ``∏_g (A_g+1)/(S_g+2)``, the chance that one person drawn from each group would all agree, with
    Polis's +1/+2 prior. Polis ranks every statement by it; ranking alone would call a statement that
    one group rejected outright, or that everybody passed on, "agreed" whenever nothing scores
    better. So a statement is chosen only when both hold:

    1. in every group, some members voted on it and more than half of those who did agreed
       (``2·A_g > S_g``; a pass is not agreement), and
    2. its group-informed consensus is at least ``threshold`` (default 0.5: more likely than not).

    With fewer than two groups there is no "every group" to speak of, and nothing is chosen.
    ``agree`` and ``seen`` are (groups × statements) counts over the clustered participants.
    """
    agree = np.asarray(agree, dtype=np.int64)
    seen = np.asarray(seen, dtype=np.int64)
    if agree.ndim != 2 or agree.shape[0] < 2:
        return []
    gic = group_informed_consensus(agree, seen)
    majority = ((seen > 0) & (2 * agree > seen)).all(axis=0)
    chosen = np.flatnonzero(np.asarray(candidates, dtype=bool) & majority & (gic >= threshold))
    chosen = chosen[np.argsort(-gic[chosen], kind="stable")][:top]
    return [
        GroupAgreedStatement(
            statement_id=statement_ids[i],
            probability=float(gic[i]),
            agree_shares=tuple(float(a / s) for a, s in zip(agree[:, i], seen[:, i], strict=True)),
            n_voted=tuple(int(s) for s in seen[:, i]),
        )
        for i in chosen
    ]
