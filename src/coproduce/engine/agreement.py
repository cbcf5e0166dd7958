"""Inter-coder agreement: how far coders who coded the same text independently agree.

Three measures, each for a people-facing "compare our coding" page, not a score to win:

* **Percentage agreement and Cohen's kappa over characters, as NVivo computes them** in its Coding
  Comparison query (NVivo help, "Run a Coding Comparison query": "How is the percentage agreement
  calculated?" and "How is the Kappa coefficient calculated?"). The unit of measure is one character of
  the source; they are computed for one code (NVivo: node) in one source at a time, from two coders
  (or two groups of coders, whose codings are first united). For a source of ``TU`` characters::

      both      characters coded by A and by B
      neither   characters coded by neither
      TA        = both + neither                     (total units of agreement)
      agreement = 100 * TA / TU                      (per cent)
      EF1       = (coded by A) * (coded by B) / TU   (agreement on "coded" expected by chance)
      EF2       = (not coded by A) * (not coded by B) / TU
      kappa     = (TA - (EF1 + EF2)) / (TU - (EF1 + EF2))

  NVivo's worked example: a 1000-character source in which 50 characters are coded by both users, 150
  by only one of them (75 each) and 800 by neither gives agreement 85 % and
  kappa = (850 - 781.25) / (1000 - 781.25) = 0.314. When ``EF1 + EF2 == TU`` the two coders agree on
  every character and neither varies (both coded all of it, or neither coded any); NVivo reports
  kappa = 1 in that case ("All my Kappa coefficients are 0 or 1") and so do we.

* **Krippendorff's alpha** for two or more coders, any number of units, missing values allowed, for
  nominal, ordinal, interval and ratio data. Implemented from K. Krippendorff (2011), "Computing
  Krippendorff's Alpha-Reliability", University of Pennsylvania, https://repository.upenn.edu/asc_papers/43
  (the coincidence-matrix method)::

      o_ck  = sum over units u of (number of c-k pairs in u) / (m_u - 1)    m_u = values in u, m_u >= 2
      n_c   = sum_k o_ck ; n = sum_c n_c    (pairable values only)
      alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck d2(c, k) / sum_ck n_c n_k d2(c, k)

  with the difference functions d2 of that paper (nominal: 0 if c == k else 1; interval: (c - k)^2;
  ratio: ((c - k) / (c + k))^2; ordinal: (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2). The paper's examples
  (nominal, 4 coders, 12 units, missing values: 0.743; binary, 2 coders, 10 units: 0.095) are in our tests.
  ``span_alpha`` applies alpha to spans: every character is a unit, every coder gives it the value
  "coded" or "not coded" for the code in question (nominal, no missing values).

* **Disagreement runs**: the source cut into maximal runs of characters with the same set of coders,
  for showing where coders differ side by side (``coverage_runs``, ``disagreements``).

Spans are half-open ``(start, end)`` pairs of code-point offsets into the source text (Python ``str``
indices; REFI-QDA also counts code points), ``0 <= start <= end <= source_length``. Overlapping or
touching spans of one coder are united first, so coding the same words twice counts once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import EngineInputError

__all__ = [
    "AgreementDataError",
    "CoverageRun",
    "Disagreement",
    "SpanAgreement",
    "compare_codings",
    "coverage_runs",
    "disagreements",
    "krippendorff_alpha",
    "normalise_spans",
    "pooled_agreement",
    "span_agreement",
    "span_alpha",
]

Span = tuple[int, int]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


class AgreementDataError(EngineInputError):
    """The data given cannot be compared: bad spans, too few coders or values, an unknown level..."""


# --------------------------------------------------------------------------------------------- spans


def _check_length(source_length: int) -> int:
    if isinstance(source_length, bool) or not isinstance(source_length, int) or source_length < 0:
        raise AgreementDataError(
            f"The source length must be a whole number of characters, 0 or more; got {source_length!r}."
        )
    return source_length


def normalise_spans(spans: Iterable[Sequence[int]], source_length: int) -> list[Span]:
    """Return the spans sorted and united (overlapping or touching spans merged; empty spans dropped).

    Raises ``AgreementDataError`` for a span that is not two whole numbers with
    ``0 <= start <= end <= source_length``.
    """
    _check_length(source_length)
    cleaned: list[Span] = []
    for span in spans:
        try:
            start, end = span
        except (TypeError, ValueError):
            raise AgreementDataError(f"A span must be a (start, end) pair; got {span!r}.") from None
        for value in (start, end):
            if isinstance(value, bool) or not isinstance(value, int):
                raise AgreementDataError(f"Span positions must be whole numbers; got {span!r}.")
        if not 0 <= start <= end <= source_length:
            raise AgreementDataError(
                f"The span ({start}, {end}) does not fit a source of {source_length} characters "
                "(need 0 <= start <= end <= length)."
            )
        if start < end:
            cleaned.append((start, end))
    cleaned.sort()
    merged: list[Span] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _covered(spans: list[Span]) -> int:
    return sum(end - start for start, end in spans)


def _intersection_length(a: list[Span], b: list[Span]) -> int:
    """Characters covered by both of two normalised span lists (one linear sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            total += end - start
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total


@dataclass(frozen=True)
class SpanAgreement:
    """Agreement of two coders on one code in one source, counted in characters (NVivo's method).

    ``percent_*`` are per cent of the source (0-100) as NVivo shows them; ``kappa`` is Cohen's kappa.
    For an empty source (0 characters) nothing can disagree: agreement is 100 % and kappa 1.
    """

    source_length: int
    both: int
    a_only: int
    b_only: int
    neither: int

    @property
    def coded_by_a(self) -> int:
        return self.both + self.a_only

    @property
    def coded_by_b(self) -> int:
        return self.both + self.b_only

    @property
    def agreed(self) -> int:
        """Characters on which the coders agree (both coded them, or neither did)."""
        return self.both + self.neither

    def _percent(self, count: int) -> float:
        return 100.0 * count / self.source_length if self.source_length else 0.0

    @property
    def percent_agreement(self) -> float:
        return self._percent(self.agreed) if self.source_length else 100.0

    @property
    def percent_disagreement(self) -> float:
        return self._percent(self.a_only + self.b_only)

    @property
    def percent_both(self) -> float:
        return self._percent(self.both)

    @property
    def percent_neither(self) -> float:
        return self._percent(self.neither)

    @property
    def percent_a_only(self) -> float:
        return self._percent(self.a_only)

    @property
    def percent_b_only(self) -> float:
        return self._percent(self.b_only)

    @property
    def expected_agreement(self) -> float:
        """NVivo's sum of expected frequencies EF1 + EF2, in characters."""
        total = self.source_length
        if total == 0:
            return 0.0
        return (
            self.coded_by_a * self.coded_by_b + (total - self.coded_by_a) * (total - self.coded_by_b)
        ) / total

    @property
    def kappa(self) -> float:
        """Cohen's kappa over characters, as NVivo computes it (1.0 when chance explains everything
        because nobody varies, i.e. EF1 + EF2 equals the source length)."""
        total = self.source_length
        expected = self.expected_agreement
        # Integer test for "EF == TU" avoids a float comparison: EF*TU is an integer.
        ef_times_total = self.coded_by_a * self.coded_by_b + (total - self.coded_by_a) * (
            total - self.coded_by_b
        )
        if total == 0 or ef_times_total == total * total:
            return 1.0
        return (self.agreed - expected) / (total - expected)


def span_agreement(
    source_length: int, coder_a_spans: Iterable[Sequence[int]], coder_b_spans: Iterable[Sequence[int]]
) -> SpanAgreement:
    """Percentage agreement and Cohen's kappa of two coders on one code in one source (NVivo's method).

    ``coder_a_spans`` / ``coder_b_spans`` are the (start, end) code-point spans each coder coded at the
    code; for groups of coders pass the spans of all members of the group (they are united).
    """
    a = normalise_spans(coder_a_spans, source_length)
    b = normalise_spans(coder_b_spans, source_length)
    both = _intersection_length(a, b)
    a_only = _covered(a) - both
    b_only = _covered(b) - both
    neither = source_length - both - a_only - b_only
    return SpanAgreement(
        source_length=source_length, both=both, a_only=a_only, b_only=b_only, neither=neither
    )


def compare_codings(
    source_length: int,
    coder_a: Mapping[Hashable, Iterable[Sequence[int]]],
    coder_b: Mapping[Hashable, Iterable[Sequence[int]]],
) -> dict[Hashable, SpanAgreement]:
    """NVivo's coding comparison for one source: one ``SpanAgreement`` per code either coder used.

    ``coder_a`` and ``coder_b`` map a code (any hashable id) to that coder's spans for it. A code only one
    coder used is compared with no spans for the other. Codes come back in a stable order (sorted by
    their string form).
    """
    codes = sorted(set(coder_a) | set(coder_b), key=str)
    return {
        code: span_agreement(source_length, coder_a.get(code, ()), coder_b.get(code, ())) for code in codes
    }


def pooled_agreement(agreements: Iterable[SpanAgreement]) -> SpanAgreement:
    """One ``SpanAgreement`` for several sources (or codes) taken together: character counts are summed,
    as if the sources were one long text. Each character weighs the same, so longer sources count more
    (NVivo's help suggests this size-weighted view when averaging over sources)."""
    totals = [0, 0, 0, 0, 0]
    for item in agreements:
        for i, value in enumerate((item.source_length, item.both, item.a_only, item.b_only, item.neither)):
            totals[i] += value
    return SpanAgreement(*totals)


# --------------------------------------------------------------------------------- runs / disagreements


@dataclass(frozen=True)
class CoverageRun:
    """A maximal run of characters ``[start, end)`` coded by exactly the coders in ``coders``."""

    start: int
    end: int
    coders: frozenset


@dataclass(frozen=True)
class Disagreement:
    """A maximal run ``[start, end)`` that one coder coded and the other did not.

    ``coded_by`` is ``"a"`` or ``"b"``.
    """

    start: int
    end: int
    coded_by: str


def coverage_runs(
    source_length: int, spans_by_coder: Mapping[Hashable, Iterable[Sequence[int]]]
) -> list[CoverageRun]:
    """Cut the whole source into maximal runs with the same set of coders (possibly empty).

    The runs cover ``[0, source_length)`` without gaps, in order, so a page can show the text with each
    run marked by who coded it.
    """
    _check_length(source_length)
    events: dict[int, list[tuple[Hashable, int]]] = {}
    for coder, spans in spans_by_coder.items():
        for start, end in normalise_spans(spans, source_length):
            events.setdefault(start, []).append((coder, +1))
            events.setdefault(end, []).append((coder, -1))
    cuts = sorted({0, source_length, *events})
    active: set = set()
    runs: list[CoverageRun] = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        for coder, step in events.get(left, ()):
            if step > 0:
                active.add(coder)
            else:
                active.discard(coder)
        coders = frozenset(active)
        if runs and runs[-1].coders == coders and runs[-1].end == left:
            runs[-1] = CoverageRun(runs[-1].start, right, coders)
        else:
            runs.append(CoverageRun(left, right, coders))
    return runs


def disagreements(
    source_length: int, coder_a_spans: Iterable[Sequence[int]], coder_b_spans: Iterable[Sequence[int]]
) -> list[Disagreement]:
    """The runs where exactly one of two coders applied the code, in text order."""
    runs = coverage_runs(source_length, {"a": coder_a_spans, "b": coder_b_spans})
    return [Disagreement(run.start, run.end, next(iter(run.coders))) for run in runs if len(run.coders) == 1]


# ------------------------------------------------------------------------------ Krippendorff's alpha


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _difference_function(level: str, values: list, totals: dict):
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise AgreementDataError(f"{level.capitalize()} data must be numbers; got {value!r}.")
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        if any(v < 0 for v in values):
            raise AgreementDataError("Ratio data cannot be negative.")
        return lambda c, k: 0.0 if c == k else ((c - k) / (c + k)) ** 2
    # ordinal: ranks by the marginal totals of the values between c and k (inclusive).
    order = sorted(values)
    cumulative: dict = {}
    running = 0.0
    for value in order:
        running += totals[value]
        cumulative[value] = running

    def ordinal(c, k):
        low, high = (c, k) if c <= k else (k, c)
        between = cumulative[high] - cumulative[low] + totals[low]
        return (between - (totals[c] + totals[k]) / 2.0) ** 2

    return ordinal


def krippendorff_alpha(reliability_data: Sequence[Sequence[object]], level: str = "nominal") -> float | None:
    """Krippendorff's alpha for two or more coders; missing values allowed.

    ``reliability_data`` is a coders x units table (one row per coder, one column per unit), as in
    Krippendorff (2011). A missing value is ``None`` or ``float('nan')``. Nominal values may be any
    hashable (strings, numbers); other levels need numbers. Units with fewer than two values are not
    pairable and are left out, as the method requires.

    Returns alpha (1 = perfect agreement, 0 = agreement at chance level, below 0 = systematic
    disagreement), or ``None`` when alpha is undefined because all pairable values are the same
    (no variation: expected disagreement is 0). Raises ``AgreementDataError`` for fewer than two coders,
    rows of different lengths, an unknown level, or no unit with two or more values.
    """
    if level not in LEVELS:
        raise AgreementDataError(f"Unknown level of measurement {level!r}; use one of {', '.join(LEVELS)}.")
    rows = [list(row) for row in reliability_data]
    if len(rows) < 2:
        raise AgreementDataError("Krippendorff's alpha needs at least two coders.")
    n_units = len(rows[0])
    if any(len(row) != n_units for row in rows):
        raise AgreementDataError("Every coder's row must have one value per unit (use None for missing).")

    coincidences: dict[tuple, float] = {}
    for u in range(n_units):
        values = [row[u] for row in rows if not _is_missing(row[u])]
        m = len(values)
        if m < 2:
            continue
        counts: dict = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[(c, k)] = coincidences.get((c, k), 0.0) + pairs / (m - 1)
    return _alpha_from_coincidences(coincidences, level)


def _alpha_from_coincidences(coincidences: dict[tuple, float], level: str) -> float | None:
    if not coincidences:
        raise AgreementDataError("No unit has values from two or more coders, so nothing can be compared.")
    totals: dict = {}
    for (c, _k), weight in coincidences.items():
        totals[c] = totals.get(c, 0.0) + weight
    n = sum(totals.values())
    values = list(totals)
    delta = _difference_function(level, values, totals)
    observed = sum(weight * delta(c, k) for (c, k), weight in coincidences.items())
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in values for k in values)
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def span_alpha(
    source_length: int, spans_by_coder: Mapping[Hashable, Iterable[Sequence[int]]]
) -> float | None:
    """Krippendorff's alpha (nominal) for two or more coders on one code in one source.

    Each character is a unit that every coder rated "coded" or "not coded"; the result equals
    ``krippendorff_alpha`` on that characters x coders table, computed from run lengths so long
    sources cost nothing extra. Returns ``None`` when alpha is undefined (every coder coded every
    character, or none did).
    """
    if len(spans_by_coder) < 2:
        raise AgreementDataError("Krippendorff's alpha needs at least two coders.")
    if _check_length(source_length) == 0:
        raise AgreementDataError("An empty source has no characters to compare.")
    m = len(spans_by_coder)
    coincidences: dict[tuple, float] = {}
    for run in coverage_runs(source_length, spans_by_coder):
        length = run.end - run.start
        coded = len(run.coders)
        uncoded = m - coded
        for key, pairs in (
            ((True, True), coded * (coded - 1)),
            ((False, False), uncoded * (uncoded - 1)),
            ((True, False), coded * uncoded),
            ((False, True), coded * uncoded),
        ):
            if pairs:
                coincidences[key] = coincidences.get(key, 0.0) + length * pairs / (m - 1)
    return _alpha_from_coincidences(coincidences, "nominal")
