"""Opinion groups, what each group believes, and common ground — Polis's maths on sparse matrices.

``OpinionMap`` reproduces the conversation update of Polis (compdemocracy/polis,
``math/src/polismath/math/conversation.clj``: ``base-conv-update-graph`` and
``small-conv-update-graph``) in the scikit-learn style::

    m = OpinionMap(n_groups="auto", random_state=0).fit(participant_ids, statement_ids, values)
    m.groups_, m.repness_, m.consensus_, m.group_informed_consensus_, m.agreed_in_every_group_,
    m.priority_, m.stability_

The steps, each citing the Polis source it follows:

1. Latest vote per participant and statement (``raw-rating-mat``); moderated-out and meta statements
   are zeroed for everyone (``rating-mat`` via ``nm/zero-out-columns``).
2. Participants *in the conversation*: at least min(7, statements) votes, topped up with the most
   active voters when fewer than 15 qualify (``:in-conv``). Once in, a participant stays in across
   ``update`` calls.
3. PCA with missing votes at the column mean and the sparsity-aware projection (``pca.clj``;
   see ``_pca``).
4. Base clusters, then 2–5 groups chosen by silhouette over base clusters (``clusters.clj``; see
   ``_cluster``).
5. Representative statements per group, consensus, group-informed consensus and priority
   (``repness.clj``, ``conversation.clj``; see ``statements``).
6. Beyond Polis's ranking: the statements agreed in every group, chosen by a documented threshold on
   group-informed consensus and a majority in every group (``statements.select_agreed_in_every_group``).

:func:`build_opinion_map` is the one recipe Coproduce's web pages and ``coproduce analyse`` both use,
so the same votes give them the same groups, common ground and stability.

Beyond Polis: ``stability_`` (bootstrap agreement of groups; see ``stability``) and ``update`` for
cheap incremental refits warm-started from the previous fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _cluster, _pca, history
from ._votes import OpinionDataError, VoteTable, as_id_array, as_values, build_vote_table, latest_votes
from .stability import adjusted_rand_index
from .statements import (
    GROUP_CONSENSUS_THRESHOLD,
    ConsensusStatement,
    GroupAgreedStatement,
    RepresentativeStatement,
    group_counts,
    group_informed_consensus,
    priority,
    repness_stats,
    select_agreed_in_every_group,
    select_consensus,
    select_representative,
)

__all__ = [
    "OpinionMap",
    "OpinionDataError",
    "RepresentativeStatement",
    "ConsensusStatement",
    "GroupAgreedStatement",
    "GROUP_CONSENSUS_THRESHOLD",
    "build_opinion_map",
    "group_informed_consensus_for_groups",
]

IN_CONV_MIN_VOTES = 7
IN_CONV_GREEDY_N = 15
GROUP_K_BUFFER = 4
MIN_GROUP_PEOPLE = 3
STABILITY_RESAMPLES = 10


@dataclass
class _Warm:
    """What an incremental update starts from."""

    components: np.ndarray
    base_centers: np.ndarray
    base_labels: np.ndarray  # per participant row, -1 outside
    group_starts: dict
    in_conv: np.ndarray
    k_smoother: dict = field(default_factory=dict)


class OpinionMap:
    """Polis-compatible opinion map of a conversation.

    Parameters
    ----------
    n_groups : "auto" or int
        "auto" picks 2–5 groups by silhouette over base clusters, as Polis does; an int fixes it.
    random_state : int
        Seeds the k-means++ starts of the group search and the bootstrap behind ``stability_``;
        the same votes and the same ``random_state`` always give the same map.
    base_k : int
        Number of base clusters (Polis: 100).
    max_groups : int
        Largest number of groups "auto" may choose (Polis: 5).
    n_resamples : int
        Bootstrap draws for ``stability_``; 0 skips it (``stability_`` is then NaN).
    group_n_init : int
        Starts tried for each k of the group k-means. 1 is Polis's single deterministic start
        (the first k distinct base clusters); more add a farthest-first start and k-means++ starts,
        and the tightest grouping wins unless Polis's own start is within 0.3% of it. Polis carries
        its groups over from update to update, so its final groups are rarely the tightest; this
        keeps its answer on near-ties but escapes the poor local optima a single start can give.
    min_group_share : float
        A grouping in which a group holds fewer than this share of the grouped participants (and
        fewer than 3 people) is only used when there is no other: a handful of outliers is not an
        opinion group. 0 turns this off.
    group_consensus_threshold : float
        The least group-informed consensus (a probability, 0–1) for a statement to count as agreed
        in every group; a majority of every group must agree too (see
        ``statements.select_agreed_in_every_group``). Default 0.5: more likely than not.

    Attributes (after ``fit`` or ``update``)
    ----------------------------------------
    participants_, statements_ : ids in row / column order (order of first vote).
    in_conversation_ : bool per participant — voted enough to be grouped (Polis's rule).
    groups_ : int per participant, 0 = largest group, −1 if not grouped.
    n_groups_, group_sizes_ : number of groups and people in each.
    projection_ : (participants × 2) positions; components_, center_ : the PCA.
    repness_ : per group, list of ``RepresentativeStatement`` (agrees first, at most 5).
    consensus_ : list of ``ConsensusStatement`` (at most 5 agree, then 5 disagree).
    agreed_in_every_group_ : list of ``GroupAgreedStatement`` (at most 5, most agreed first; empty
        with fewer than two groups).
    group_informed_consensus_, priority_, excluded_, votes_per_statement_ : aligned to statements_.
    votes_cast_ : votes per participant; silhouettes_ : silhouette per k tried.
    stability_ : 0–1, bootstrap agreement of the groups (computed when first read).

    Participants join the group whose centre is nearest to them (Polis hands down each base
    cluster's group; the two differ only at group borders).
    """

    def __init__(
        self,
        n_groups: int | str = "auto",
        random_state: int | None = 0,
        *,
        base_k: int = _cluster.BASE_K,
        max_groups: int = _cluster.MAX_K,
        n_resamples: int = 10,
        group_n_init: int = 8,
        min_group_share: float = 0.05,
        group_consensus_threshold: float = GROUP_CONSENSUS_THRESHOLD,
    ):
        self.n_groups = n_groups
        self.random_state = random_state
        self.base_k = base_k
        self.max_groups = max_groups
        self.n_resamples = n_resamples
        self.group_n_init = group_n_init
        self.min_group_share = min_group_share
        self.group_consensus_threshold = group_consensus_threshold

    # ------------------------------------------------------------------ public API

    def fit(
        self,
        participant_ids,
        statement_ids,
        values,
        *,
        excluded_statements=(),
        statements=None,
        in_conversation=(),
    ) -> OpinionMap:
        """Build the map from votes in chronological order (a later vote replaces an earlier one).

        ``values`` are 1 (agree), −1 (disagree) or 0 (pass). ``excluded_statements`` are moderated-out
        or meta statements: kept in ``statements_`` but never shown as representative, consensus or
        with priority. ``statements`` optionally lists every statement id, including those nobody has
        voted on yet (they get Polis's priority for an unseen statement, which lets them be shown soon).
        ``in_conversation`` lists participants already in the conversation at an earlier fit (Polis's
        ``in-conv`` is sticky): they stay in whatever today's threshold says. Ids with no vote here are
        ignored.
        """
        self._check_params()
        table = build_vote_table(participant_ids, statement_ids, values, statements=statements)
        self._excluded_ids = set(_as_list(excluded_statements))
        self._sticky_ids = _as_id_set(in_conversation)
        self._fit_table(table, warm=None)
        return self

    def fit_history(
        self,
        participant_ids,
        statement_ids,
        values,
        vote_times,
        *,
        excluded_statements=(),
        statements=None,
        update_every: float = history.POLL_SECONDS,
        replayed_updates: int = 0,
    ) -> OpinionMap:
        """Build the map Polis would have shown, replaying its updates from the votes' times.

        Like ``fit``, but votes may come in any order with ``vote_times`` (seconds, or numpy
        datetimes, one per vote; both are in every Polis export). Who is in the conversation is
        replayed update by update, ``update_every`` seconds apart (Polis polls every second): once a
        participant met ``min(7, statements at that update)`` votes, or was topped up among the first
        15, they stay in (see ``history``). ``replayed_updates`` > 0 also replays that many evenly
        spaced warm-started updates before the last, so Polis's group-count smoother and its carried-over
        groups shape the result; it costs about one ``update`` each and, on the Polis open data, did
        not bring the groups closer to Polis's (see bench/opinion_vs_reddwarf.py), so it is off by
        default. ``in_conversation_`` then matches what Polis kept; ``history_`` holds the replay.
        """
        self._check_params()
        p = as_id_array(participant_ids, "participant_ids")
        s = as_id_array(statement_ids, "statement_ids")
        if p.size != s.size:
            raise OpinionDataError(
                "participant_ids and statement_ids must be flat sequences of the same length"
            )
        v = as_values(values, p.size)
        times = history.as_vote_times(vote_times, p.size)
        if not (isinstance(replayed_updates, int | np.integer) and replayed_updates >= 0):
            raise OpinionDataError(f"replayed_updates must be a whole number ≥ 0, not {replayed_updates!r}")
        order = history.chronological(times)
        p, s, v = p[order], s[order], v[order]
        replay = history.replay_in_conversation(p, s, times[order], update_every=update_every)
        cuts = _replay_cuts(replay.update_ends, int(replayed_updates))
        start = 0
        for u, end in cuts:
            sticky = replay.participants[replay.in_conversation_after(u)]
            if start == 0:
                self.fit(
                    p[:end], s[:end], v[:end], excluded_statements=excluded_statements, in_conversation=sticky
                )
            else:
                self.update(p[start:end], s[start:end], v[start:end], in_conversation=sticky)
            start = end
        sticky = replay.participants[replay.in_conversation]
        if start == 0:
            self.fit(
                p,
                s,
                v,
                excluded_statements=excluded_statements,
                statements=statements,
                in_conversation=sticky,
            )
        else:
            self.update(p[start:], s[start:], v[start:], in_conversation=sticky)
        self.history_ = replay
        return self

    def update(
        self, participant_ids, statement_ids, values, *, excluded_statements=None, in_conversation=()
    ) -> OpinionMap:
        """Add new votes (chronological, after the fitted ones) and refit, starting from the last fit.

        New participants and statements are appended. PCA, base clusters and groups are warm-started,
        so an update after a few votes costs a small fraction of ``fit``. The number of groups only
        changes once a new best k has won 4 updates in a row (Polis's ``group-k-smoother``). Everyone in
        the conversation at the last fit stays in; ``in_conversation`` adds more ids (as in ``fit``).
        """
        if not hasattr(self, "_table"):
            return self.fit(
                participant_ids,
                statement_ids,
                values,
                excluded_statements=excluded_statements or (),
                in_conversation=in_conversation,
            )
        self._check_params()
        if excluded_statements is not None:
            self._excluded_ids = set(_as_list(excluded_statements))
        self._sticky_ids = _as_id_set(in_conversation)
        table = self._merge(participant_ids, statement_ids, values)
        self._fit_table(table, warm=self._warm)
        return self

    # ------------------------------------------------------------------ internals

    def _check_params(self) -> None:
        if self.n_groups != "auto" and not (
            isinstance(self.n_groups, int | np.integer) and self.n_groups >= 1
        ):
            raise OpinionDataError(
                f"n_groups must be 'auto' or a positive whole number, not {self.n_groups!r}"
            )
        if not (isinstance(self.min_group_share, int | float) and 0 <= self.min_group_share < 0.5):
            raise OpinionDataError(
                f"min_group_share must be a fraction from 0 to 0.5, not {self.min_group_share!r}"
            )
        threshold = self.group_consensus_threshold
        if isinstance(threshold, bool) or not (isinstance(threshold, int | float) and 0 <= threshold <= 1):
            raise OpinionDataError(
                f"group_consensus_threshold must be a probability from 0 to 1, not {threshold!r}"
            )
        for name in ("base_k", "max_groups", "group_n_init"):
            value = getattr(self, name)
            if not (isinstance(value, int | np.integer) and value >= 1):
                raise OpinionDataError(f"{name} must be a positive whole number, not {value!r}")
        if not (isinstance(self.n_resamples, int | np.integer) and self.n_resamples >= 0):
            raise OpinionDataError(f"n_resamples must be a whole number ≥ 0, not {self.n_resamples!r}")

    def _merge(self, participant_ids, statement_ids, values) -> VoteTable:
        old = self._table
        p = as_id_array(participant_ids, "participant_ids")
        s = as_id_array(statement_ids, "statement_ids")
        if p.size != s.size:
            raise OpinionDataError(
                "participant_ids and statement_ids must be flat sequences of the same length"
            )
        v = as_values(values, p.size)
        p_index = self._index("_p_index", old.participants)
        s_index = self._index("_s_index", old.statements)
        participants = list(old.participants.tolist())
        statements = list(old.statements.tolist())
        rows = np.fromiter(
            (_code(p_index, participants, x) for x in p.tolist()), dtype=np.int64, count=p.size
        )
        cols = np.fromiter((_code(s_index, statements, x) for x in s.tolist()), dtype=np.int64, count=s.size)
        new_participants = _extend(old.participants, participants)
        new_statements = _extend(old.statements, statements)
        n_s = len(statements)
        rows, cols, v = latest_votes(rows, cols, v, n_s)
        # both sides are sorted by (row, column): overwrite repeated votes, insert the rest in place
        old_key = old.rows.astype(np.int64) * n_s + old.cols
        new_key = rows * n_s + cols
        pos = np.searchsorted(old_key, new_key)
        hit = pos < old_key.size
        hit[hit] = old_key[pos[hit]] == new_key[hit]
        vals = old.vals.copy()
        vals[pos[hit]] = v[hit]
        fresh = ~hit
        at = pos[fresh]
        return VoteTable(
            new_participants,
            new_statements,
            np.insert(old.rows, at, rows[fresh]),
            np.insert(old.cols, at, cols[fresh]),
            np.insert(vals, at, v[fresh]),
        )

    def _index(self, name: str, ids: np.ndarray) -> dict:
        index = getattr(self, name, None)
        if index is None or len(index) != ids.size:
            index = {x: i for i, x in enumerate(ids.tolist())}
            setattr(self, name, index)
        return index

    def _fit_table(self, table: VoteTable, warm: _Warm | None) -> None:
        n_p, n_s = table.shape
        rows, cols, vals = table.rows, table.cols, table.vals.astype(np.float64)
        excluded = np.fromiter(
            (x in self._excluded_ids for x in table.statements.tolist()), dtype=bool, count=n_s
        )
        votes_per_statement = np.bincount(cols, minlength=n_s)
        in_matrix = votes_per_statement > 0
        n_matrix_cols = int(in_matrix.sum())
        votes_cast = np.bincount(rows, minlength=n_p)

        previous = None
        if warm is not None:
            previous = np.zeros(n_p, dtype=bool)
            previous[: warm.in_conv.size] = warm.in_conv[:n_p]
        sticky = getattr(self, "_sticky_ids", None)
        if sticky:
            listed = np.fromiter((x in sticky for x in table.participants.tolist()), dtype=bool, count=n_p)
            previous = listed if previous is None else previous | listed
        in_conv = self._in_conversation(votes_cast, n_matrix_cols, previous)

        center = _pca.column_means(cols, vals, n_s)
        center[excluded] = 0.0
        c = _pca.centred_matrix(rows, cols, vals, (n_p, n_s), center, zeroed=excluded)
        start = None if warm is None else _pad_columns(warm.components, n_s)
        comps = _pca.principal_components(c, 2, start=start, iters=None if warm is None else 30)
        # zeroed columns count as a vote by everyone in Polis's projection
        zeroed_cols = int((excluded & in_matrix).sum())
        votes_excl = np.bincount(rows[~excluded[cols]], minlength=n_p) + zeroed_cols
        proj = _pca.sparse_projection(c, comps, votes_excl, n_matrix_cols)

        members = np.flatnonzero(in_conv)
        base_start = None
        if warm is not None:
            base_start = _warm_base_centres(proj, members, _pad_rows(warm.base_labels, n_p), self.base_k)
        base_of_member, base_centers = _cluster.base_clusters(proj[members], self.base_k, start=base_start)
        base_weights = np.bincount(base_of_member, minlength=base_centers.shape[0]).astype(np.float64)

        rng = np.random.default_rng(self.random_state)
        starts = None if warm is None else warm.group_starts
        labels_b, centres, best_k, scores, group_centres = _cluster.choose_groups(
            base_centers,
            base_weights,
            self._n_groups_param(),
            starts=starts,
            n_init=self.group_n_init,
            rng=rng,
            min_group_size=self._min_group_size(members.size),
        )
        smoother = {}
        if warm is not None and self.n_groups == "auto" and scores:
            smoother = _smooth_k(warm.k_smoother, best_k)
            if smoother["smoothed_k"] != best_k and smoother["smoothed_k"] in group_centres:
                best_k = smoother["smoothed_k"]
                centres = group_centres[best_k]
        elif scores:
            smoother = {"last_k": best_k, "last_k_count": 1, "smoothed_k": best_k}

        groups = np.full(n_p, -1, dtype=np.int64)
        if members.size:
            groups[members] = _nearest(proj[members], centres)
            groups[members] = _order_by_size(groups[members])
        n_groups = int(groups.max()) + 1 if members.size else 0
        base_labels = np.full(n_p, -1, dtype=np.int64)
        base_labels[members] = base_of_member

        ids = table.statements.tolist()
        agree, disagree, seen = group_counts(groups, n_groups, rows, cols, table.vals, n_s)
        candidates = ~excluded & in_matrix
        stats = repness_stats(agree, disagree, seen)
        self.repness_: list[list[RepresentativeStatement]] = (
            select_representative(stats, ids, candidates) if n_groups else []
        )
        all_agree, all_disagree, all_seen = group_counts(None, 1, rows, cols, table.vals, n_s)
        self.consensus_: list[ConsensusStatement] = select_consensus(
            all_agree[0], all_disagree[0], all_seen[0], ids, candidates
        )
        self.group_informed_consensus_ = (
            group_informed_consensus(agree, seen) if n_groups else np.full(n_s, np.nan)
        )
        self.agreed_in_every_group_: list[GroupAgreedStatement] = select_agreed_in_every_group(
            agree, seen, ids, candidates, threshold=self.group_consensus_threshold
        )
        extremity = _pca.statement_extremity(center, comps, max(n_matrix_cols, 1))
        prio = priority(agree.sum(axis=0), disagree.sum(axis=0), seen.sum(axis=0), extremity)
        self.priority_ = np.where(excluded, 0.0, prio)

        self.participants_ = table.participants
        self.statements_ = table.statements
        self.excluded_ = excluded
        self.in_conversation_ = in_conv
        self.votes_cast_ = votes_cast
        self.votes_per_statement_ = votes_per_statement
        self.groups_ = groups
        self.n_groups_ = n_groups
        self.group_sizes_ = np.bincount(groups[groups >= 0], minlength=n_groups)
        self.projection_ = proj
        self.components_ = comps
        self.center_ = center
        self.base_clusters_ = base_labels
        self.base_centers_ = base_centers
        self.silhouettes_ = scores
        self.statement_extremity_ = extremity
        self._table = table
        self._warm = _Warm(comps, base_centers, base_labels, group_centres, in_conv, smoother)

        self._stability = None
        self._in_matrix = in_matrix

    @property
    def stability_(self) -> float:
        """How solid the groups are, 0–1: mean adjusted Rand index between the groups and those found
        again on bootstrap resamples of the participants (see ``stability``). Worked out the first time
        it is read after a fit or update, because it costs several refits; NaN when ``n_resamples`` is 0."""
        if not hasattr(self, "_table"):
            raise AttributeError("stability_ is available after fit()")
        if self._stability is None:
            rng = np.random.default_rng(self.random_state)
            self._stability = self._bootstrap(
                self._table,
                self.excluded_,
                self._in_matrix,
                self.components_,
                self.base_centers_,
                self.groups_,
                rng,
            )
        return self._stability

    def _min_group_size(self, n_clustered: int) -> float:
        return max(MIN_GROUP_PEOPLE, self.min_group_share * n_clustered)

    def _n_groups_param(self):
        if self.n_groups == "auto":
            return "auto" if self.max_groups >= 2 else 1
        return int(self.n_groups)

    def _in_conversation(
        self, votes_cast: np.ndarray, n_cols: int, previous: np.ndarray | None
    ) -> np.ndarray:
        n_p = votes_cast.size
        in_conv = votes_cast >= min(IN_CONV_MIN_VOTES, n_cols)
        in_conv &= votes_cast > 0
        if previous is not None:
            in_conv[: previous.size] |= previous
        count = int(in_conv.sum())
        if count < IN_CONV_GREEDY_N and n_p > count:
            out = np.flatnonzero(~in_conv & (votes_cast > 0))
            order = out[np.argsort(-votes_cast[out], kind="stable")]
            in_conv[order[: IN_CONV_GREEDY_N - count]] = True
        return in_conv

    def _bootstrap(self, table, excluded, in_matrix, comps, base_centers, groups, rng) -> float:
        if self.n_resamples == 0:
            return float("nan")
        members = np.flatnonzero(groups >= 0)
        if members.size < 2:
            return 0.0
        n_p, n_s = table.shape
        rows, cols, vals = table.rows, table.cols, table.vals.astype(np.float64)
        n_matrix_cols = int(in_matrix.sum())
        zeroed_cols = int((excluded & in_matrix).sum())
        votes_excl = np.bincount(rows[~excluded[cols]], minlength=n_p) + zeroed_cols
        scores = []
        for _ in range(self.n_resamples):
            w = rng.poisson(1.0, n_p).astype(np.float64)
            drawn = members[w[members] > 0]
            if drawn.size < 2:
                continue
            c_w = _pca.column_means(cols, vals, n_s, weights=w[rows])
            c_w[excluded] = 0.0
            cm = _pca.centred_matrix(rows, cols, vals, (n_p, n_s), c_w, zeroed=excluded)
            comps_w = _pca.principal_components(cm, 2, start=comps, iters=8, row_weights=w)
            proj = _pca.sparse_projection(cm, comps_w, votes_excl, n_matrix_cols)
            pts = proj[drawn]
            base_of, centres = _cluster.kmeans(
                pts, _refit_centres(pts, base_centers), weights=w[drawn], max_iters=20
            )
            bw = np.bincount(base_of, weights=w[drawn], minlength=centres.shape[0])
            _, group_centres, *_ = _cluster.choose_groups(
                centres,
                bw,
                self._n_groups_param(),
                n_init=self.group_n_init,
                rng=rng,
                min_group_size=self._min_group_size(drawn.size),
            )
            scores.append(max(adjusted_rand_index(groups[drawn], _nearest(pts, group_centres)), 0.0))
        return float(np.mean(scores)) if scores else 0.0


# ---------------------------------------------------------------------- helpers


def build_opinion_map(
    participant_ids,
    statement_ids,
    values,
    *,
    excluded_statements=(),
    statements=None,
    in_conversation=(),
    vote_times=None,
    n_groups: int | str = "auto",
    with_stability: bool = True,
    group_consensus_threshold: float = GROUP_CONSENSUS_THRESHOLD,
) -> OpinionMap:
    """Coproduce's one recipe for an opinion map, fitted: ``random_state`` 0 and
    ``STABILITY_RESAMPLES`` bootstrap draws for ``stability_`` (none without ``with_stability``).

    The web platform and ``coproduce analyse`` both build their maps here, so the same votes (in the
    same order, with the same statements, and the same people in the conversation) give the same
    groups, the same statements agreed in every group and the same stability figure. With
    ``vote_times`` the map is fitted with :meth:`OpinionMap.fit_history` (who is in the conversation
    replayed from the times, as ``coproduce analyse`` does for an export that has them); otherwise
    with :meth:`OpinionMap.fit`, keeping ``in_conversation`` in (the live map's sticky list).
    """
    model = OpinionMap(
        n_groups=n_groups,
        random_state=0,
        n_resamples=STABILITY_RESAMPLES if with_stability else 0,
        group_consensus_threshold=group_consensus_threshold,
    )
    if vote_times is not None:
        return model.fit_history(
            participant_ids,
            statement_ids,
            values,
            vote_times,
            excluded_statements=excluded_statements,
            statements=statements,
        )
    return model.fit(
        participant_ids,
        statement_ids,
        values,
        excluded_statements=excluded_statements,
        statements=statements,
        in_conversation=in_conversation,
    )


def group_informed_consensus_for_groups(
    participant_ids, statement_ids, values, group_of: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Group-informed consensus for groups given from outside (e.g. Polis's own ``group-id``).

    ``group_of`` maps participant id → group id; participants missing from it are not counted.
    Returns (statement ids in first-vote order, consensus per statement).
    """
    table = build_vote_table(participant_ids, statement_ids, values)
    gids = sorted({g for g in group_of.values()})
    code = {g: i for i, g in enumerate(gids)}
    labels = np.array(
        [code.get(group_of.get(p), -1) if p in group_of else -1 for p in table.participants.tolist()]
    )
    agree, _, seen = group_counts(labels, len(gids), table.rows, table.cols, table.vals, table.shape[1])
    return table.statements, group_informed_consensus(agree, seen)


def _as_list(ids) -> list:
    if ids is None:
        return []
    if isinstance(ids, str | bytes):
        raise OpinionDataError(
            "excluded_statements must be a collection of statement ids, not a single string"
        )
    try:
        return list(np.asarray(ids).tolist()) if not isinstance(ids, set | frozenset) else list(ids)
    except TypeError:
        raise OpinionDataError("excluded_statements must be a collection of statement ids") from None


def _as_id_set(ids) -> set:
    if ids is None:
        return set()
    if isinstance(ids, str | bytes):
        raise OpinionDataError("in_conversation must be a collection of participant ids, not a single string")
    try:
        return set(np.asarray(list(ids)).tolist()) if not isinstance(ids, set | frozenset) else set(ids)
    except TypeError:
        raise OpinionDataError("in_conversation must be a collection of participant ids") from None


def _replay_cuts(ends: np.ndarray, n: int) -> list[tuple[int, int]]:
    """(update index, votes seen) for ``n`` evenly spaced updates before the last one."""
    if n <= 0 or ends.size < 2:
        return []
    picks = np.unique(np.linspace(0, ends.size - 1, n + 1, endpoint=False).astype(np.int64)[1:])
    return [(int(u), int(ends[u])) for u in picks if 0 < ends[u] < ends[-1]]


def _code(index: dict, ids: list, x) -> int:
    code = index.get(x)
    if code is None:
        code = index[x] = len(ids)
        ids.append(x)
    return code


def _extend(old: np.ndarray, ids: list) -> np.ndarray:
    if len(ids) == old.size:
        return old
    extra = ids[old.size :]
    try:
        return np.concatenate([old, np.asarray(extra, dtype=old.dtype if old.dtype != object else object)])
    except (ValueError, TypeError):
        out = np.empty(len(ids), dtype=object)
        out[:] = ids
        return out


def _pad_columns(comps: np.ndarray, n: int) -> np.ndarray:
    if comps.shape[1] >= n:
        return comps[:, :n]
    return np.hstack([comps, np.zeros((comps.shape[0], n - comps.shape[1]))])


def _pad_rows(labels: np.ndarray, n: int) -> np.ndarray:
    if labels.size >= n:
        return labels[:n]
    return np.concatenate([labels, np.full(n - labels.size, -1, dtype=labels.dtype)])


def _warm_base_centres(
    proj: np.ndarray, members: np.ndarray, prev_labels: np.ndarray, k: int
) -> np.ndarray | None:
    """``clean-start-clusters``: recentre the previous base clusters on their members' new positions,
    then add the most distant participant as a new cluster while there is room for more."""
    labels = prev_labels[members]
    had = labels >= 0
    if not had.any():
        return None
    pts = proj[members]
    n_prev = int(labels[had].max()) + 1
    mass = np.bincount(labels[had], minlength=n_prev)
    sx = np.bincount(labels[had], weights=pts[had, 0], minlength=n_prev)
    sy = np.bincount(labels[had], weights=pts[had, 1], minlength=n_prev)
    keep = mass > 0
    centres = np.unique(np.column_stack([sx[keep], sy[keep]]) / mass[keep, None], axis=0)
    possible = min(k, len(_cluster.first_distinct(pts, k)))
    while centres.shape[0] < possible:
        _, dist, _ = _cluster._two_nearest(pts, centres)
        far = int(np.argmax(dist))
        if dist[far] <= 0:
            break
        centres = np.vstack([centres, pts[far]])
    return centres


def _refit_centres(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return centres if centres.shape[0] else points[:1]


def _smooth_k(state: dict, this_k: int) -> dict:
    """``group-k-smoother``: switch k only after the new best k has won ``GROUP_K_BUFFER`` times running."""
    last_k = state.get("last_k")
    count = state.get("last_k_count", 0) + 1 if last_k == this_k else 1
    smoothed = this_k if count >= GROUP_K_BUFFER else state.get("smoothed_k", this_k)
    return {"last_k": this_k, "last_k_count": count, "smoothed_k": smoothed}


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return d2.argmin(axis=1)


def _order_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber groups 0, 1, … largest first (ties: the group of the earliest participant first)."""
    if labels.size == 0:
        return labels
    labels = np.unique(labels, return_inverse=True)[1].ravel()
    k = int(labels.max()) + 1
    size = np.bincount(labels, minlength=k)
    first = np.full(k, labels.size)
    np.minimum.at(first, labels, np.arange(labels.size))
    order = np.lexsort((first, -size))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[labels]
