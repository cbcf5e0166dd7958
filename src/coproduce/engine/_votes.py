"""The participant × statement vote table that every engine model starts from.

Votes arrive as three equal-length sequences (participant id, statement id, value) in chronological
order. A later vote by the same participant on the same statement replaces the earlier one, as in Polis
(``nm/update-nmat`` in compdemocracy/polis ``math/src/polismath/math/named_matrix.clj``).

Rows and columns are numbered in order of first appearance, which is how Polis's named matrix grows;
renaming ids therefore never changes a result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .errors import EngineInputError


class OpinionDataError(EngineInputError):
    """The votes (or a file holding them) cannot be analysed; the message says what is wrong and where."""


AGREE, DISAGREE, PASS = 1, -1, 0


def as_id_array(ids, name: str) -> np.ndarray:
    try:
        arr = np.asarray(ids)
    except (TypeError, ValueError) as exc:  # ragged input
        raise OpinionDataError(f"{name} must be a flat sequence of ids ({exc})") from None
    if arr.dtype.kind == "U" and not isinstance(ids, np.ndarray):
        items = list(ids)
        if not all(isinstance(x, str) for x in items):  # numpy would turn 7 into "7": keep ids as given
            arr = np.empty(len(items), dtype=object)
            arr[:] = items
    if arr.ndim == 0:
        raise OpinionDataError(f"{name} must be a sequence of ids, not a single value")
    if arr.ndim != 1:
        raise OpinionDataError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if arr.dtype.kind == "f" and arr.size and not np.isfinite(arr).all():
        raise OpinionDataError(
            f"{name} contains a missing id (NaN) at position {int(np.flatnonzero(~np.isfinite(arr))[0])}"
        )
    return arr


def factorize(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (unique ids in order of first appearance, code of each element)."""
    n = ids.size
    if n == 0:
        return ids[:0], np.zeros(0, dtype=np.int64)
    if ids.dtype.kind in "iu" and ids.min() >= 0 and ids.max() < 16 * n + 1024:
        # dense non-negative integers (the usual case): no sorting at all
        codes_of = np.full(int(ids.max()) + 1, n, dtype=np.int64)
        np.minimum.at(codes_of, ids, np.arange(n))
        present = np.flatnonzero(codes_of < n)
        uniq = present[np.argsort(codes_of[present], kind="stable")]
        codes_of[uniq] = np.arange(uniq.size)
        return uniq.astype(ids.dtype), codes_of[ids]
    try:
        uniq = np.unique(ids)
    except TypeError:  # object ids of mixed, unorderable types: fall back to a dict
        index: dict = {}
        codes = np.fromiter((index.setdefault(x, len(index)) for x in ids.tolist()), dtype=np.int64, count=n)
        out = np.empty(len(index), dtype=object)
        out[:] = list(index)
        return out, codes
    codes = np.searchsorted(uniq, ids)
    first = np.full(uniq.size, n, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(n))
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return uniq[order], rank[codes]


def as_values(values, n: int) -> np.ndarray:
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise OpinionDataError(f"values must be a flat sequence of 1, -1 or 0 ({exc})") from None
    if arr.ndim != 1:
        raise OpinionDataError(f"values must be one-dimensional; got shape {arr.shape}")
    if arr.size != n:
        raise OpinionDataError(
            "participant_ids, statement_ids and values must have the same length; "
            f"got {n} ids and {arr.size} values"
        )
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            bad = next(i for i, v in enumerate(arr.tolist()) if not _is_number(v))
            raise OpinionDataError(
                "values must be 1 (agree), -1 (disagree) or 0 (pass); "
                f"found {arr.tolist()[bad]!r} at position {bad}"
            ) from None
    ok = (arr == 1) | (arr == -1) | (arr == 0)
    if not ok.all():
        bad = int(np.flatnonzero(~ok)[0])
        raise OpinionDataError(
            "values must be 1 (agree), -1 (disagree) or 0 (pass); "
            f"found {arr.tolist()[bad]!r} at position {bad}"
        )
    return arr.astype(np.int8)


def _is_number(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


@dataclass
class VoteTable:
    """Latest vote per (participant, statement): parallel arrays ``rows``, ``cols``, ``vals``."""

    participants: np.ndarray
    statements: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (self.participants.size, self.statements.size)

    def matrix(self, data: np.ndarray | None = None) -> sp.csr_matrix:
        """CSR matrix with ``data`` (default: the votes) at the voted cells; passes are stored zeros."""
        data = self.vals.astype(np.float64) if data is None else data
        return csr_from_sorted(self.rows, self.cols, data, self.shape)

    def votes_per_participant(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=self.shape[0])

    def votes_per_statement(self) -> np.ndarray:
        return np.bincount(self.cols, minlength=self.shape[1])


def csr_from_sorted(
    rows: np.ndarray, cols: np.ndarray, data: np.ndarray, shape: tuple[int, int]
) -> sp.csr_matrix:
    """CSR matrix from entries already sorted by row then column, with no duplicates (no re-sorting)."""
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((data, cols.astype(np.int64, copy=False), indptr), shape=shape)


def latest_votes(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_cols: int) -> tuple[np.ndarray, ...]:
    """Keep only the last vote for each (row, col) pair, returned sorted by row then column."""
    n = rows.size
    if n == 0:
        return rows, cols, vals
    n_cols = max(n_cols, 1)
    key = rows.astype(np.int64) * n_cols + cols
    span = (int(key.max()) + 1) * n
    if span < 2**62:
        # one plain sort of key·n + position: sorted by key, then by time
        order = np.sort(key * n + np.arange(n)) % n
    else:
        order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    last = np.ones(n, dtype=bool)
    last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    keep = order[last]
    return rows[keep], cols[keep], vals[keep]


def build_vote_table(participant_ids, statement_ids, values, *, statements=None) -> VoteTable:
    """Validate the three sequences and reduce them to the latest vote per participant and statement.

    ``statements`` optionally lists every statement id (including ones nobody has voted on yet); they
    come first in the column order, and a vote on any other statement is an error.
    """
    p = as_id_array(participant_ids, "participant_ids")
    s = as_id_array(statement_ids, "statement_ids")
    if p.size != s.size:
        raise OpinionDataError(
            f"participant_ids and statement_ids must have the same length; got {p.size} and {s.size}"
        )
    v = as_values(values, p.size)
    participants, rows = factorize(p)
    if statements is None:
        stmts, cols = factorize(s)
    else:
        declared = as_id_array(
            list(statements) if not isinstance(statements, np.ndarray) else statements, "statements"
        )
        stmts, cols = _codes_against(declared, s)
    rows, cols, vals = latest_votes(rows, cols, v, stmts.size)
    return VoteTable(participants, stmts, rows, cols, vals)


def _codes_against(declared: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq_declared, _ = factorize(declared)
    if uniq_declared.size != declared.size:
        raise OpinionDataError("statements lists the same statement id more than once")
    index = {x: i for i, x in enumerate(uniq_declared.tolist())}
    try:
        codes = np.fromiter((index[x] for x in s.tolist()), dtype=np.int64, count=s.size)
    except KeyError as exc:
        pos = next(i for i, x in enumerate(s.tolist()) if x not in index)
        raise OpinionDataError(
            f"vote at position {pos} is on statement {exc.args[0]!r}, which is not in statements"
        ) from None
    return uniq_declared, codes
