"""Inter-coder agreement: NVivo's character-based kappa, Krippendorff's alpha, disagreement runs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.engine.agreement import (
    AgreementDataError,
    CoverageRun,
    Disagreement,
    SpanAgreement,
    compare_codings,
    coverage_runs,
    disagreements,
    krippendorff_alpha,
    normalise_spans,
    pooled_agreement,
    span_agreement,
    span_alpha,
)

TOLERANCE = 1e-12

# ------------------------------------------------------------------------------------ NVivo's method


def test_nvivo_worked_example_reproduces_kappa_0_314():
    # NVivo help, "How is the Kappa coefficient calculated?": a 1000-character source; 50 characters
    # coded by both users, 150 by only one of them (75 each), 800 by neither.
    result = span_agreement(1000, [(0, 125)], [(75, 200)])
    assert (result.both, result.a_only, result.b_only, result.neither) == (50, 75, 75, 800)
    assert result.percent_agreement == pytest.approx(85.0, abs=TOLERANCE)
    assert result.percent_disagreement == pytest.approx(15.0, abs=TOLERANCE)
    # EF1 = 125 * 125 / 1000 = 15.625; EF2 = 875 * 875 / 1000 = 765.625
    assert result.expected_agreement == pytest.approx(781.25, abs=TOLERANCE)
    assert result.kappa == pytest.approx((850 - 781.25) / (1000 - 781.25), abs=TOLERANCE)
    assert round(result.kappa, 3) == 0.314


def test_hand_computed_asymmetric_case():
    # 20 characters; A codes [0, 10), B codes [5, 20).
    # both 5, A only 5, B only 10, neither 0. EF1 = 10*15/20 = 7.5, EF2 = 10*5/20 = 2.5, EF = 10.
    # kappa = (5 - 10) / (20 - 10) = -0.5
    result = span_agreement(20, [(0, 10)], [(5, 20)])
    assert (result.both, result.a_only, result.b_only, result.neither) == (5, 5, 10, 0)
    assert result.percent_agreement == pytest.approx(25.0)
    assert result.percent_both == pytest.approx(25.0)
    assert result.percent_a_only == pytest.approx(25.0)
    assert result.percent_b_only == pytest.approx(50.0)
    assert result.percent_neither == pytest.approx(0.0)
    assert result.kappa == pytest.approx(-0.5, abs=TOLERANCE)


def test_kappa_equals_textbook_cohen_kappa_on_character_labels():
    from sklearn.metrics import cohen_kappa_score

    a_spans, b_spans = [(3, 40), (55, 60)], [(0, 30), (50, 70), (90, 95)]
    a = np.zeros(100, int)
    b = np.zeros(100, int)
    for start, end in a_spans:
        a[start:end] = 1
    for start, end in b_spans:
        b[start:end] = 1
    assert span_agreement(100, a_spans, b_spans).kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_nobody_coded_anything_is_complete_agreement():
    # NVivo: "All my Kappa coefficients are 0 or 1" -- no coding by either user gives kappa 1.
    result = span_agreement(500, [], [])
    assert result.percent_agreement == 100.0
    assert result.kappa == 1.0


def test_both_coded_everything_is_complete_agreement():
    assert span_agreement(40, [(0, 40)], [(0, 20), (20, 40)]).kappa == 1.0


def test_only_one_coder_coded_gives_kappa_zero():
    result = span_agreement(100, [(10, 30)], [])
    assert result.kappa == 0.0
    assert result.percent_agreement == pytest.approx(80.0)


def test_empty_source_is_agreement():
    result = span_agreement(0, [], [(0, 0)])
    assert result.percent_agreement == 100.0
    assert result.percent_disagreement == 0.0
    assert result.kappa == 1.0


def test_overlapping_spans_of_one_coder_count_once():
    assert normalise_spans([(5, 10), (0, 3), (8, 12), (3, 4), (20, 20)], 30) == [(0, 4), (5, 12)]
    once = span_agreement(30, [(0, 12)], [(5, 10)])
    twice = span_agreement(30, [(0, 8), (4, 12), (0, 12)], [(5, 10), (5, 10)])
    assert once == twice


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        ([(5, 3)], "does not fit a source of 10 characters"),
        ([(0, 11)], "does not fit a source of 10 characters"),
        ([(-1, 2)], "does not fit a source of 10 characters"),
        ([(0.5, 2)], "Span positions must be whole numbers"),
        ([(1, 2, 3)], "A span must be a (start, end) pair"),
        ([5], "A span must be a (start, end) pair"),
    ],
)
def test_bad_spans_are_refused_with_a_clear_message(spans, message):
    with pytest.raises(AgreementDataError) as error:
        span_agreement(10, spans, [])
    assert message in str(error.value)


def test_negative_source_length_is_refused():
    with pytest.raises(AgreementDataError, match="source length"):
        span_agreement(-1, [], [])


def test_agreement_data_error_is_a_value_error():
    assert issubclass(AgreementDataError, ValueError)


def test_compare_codings_gives_one_result_per_code_either_coder_used():
    results = compare_codings(
        100,
        {"access": [(0, 10)], "staff": [(20, 40)]},
        {"staff": [(20, 30)], "food": [(50, 60)]},
    )
    assert list(results) == ["access", "food", "staff"]
    assert results["access"] == span_agreement(100, [(0, 10)], [])
    assert results["food"].b_only == 10
    assert results["staff"].both == 10


def test_pooled_agreement_sums_characters_over_sources():
    first = span_agreement(1000, [(0, 125)], [(75, 200)])
    second = span_agreement(200, [], [])
    pooled = pooled_agreement([first, second])
    assert pooled == SpanAgreement(source_length=1200, both=50, a_only=75, b_only=75, neither=1000)
    assert pooled.percent_agreement == pytest.approx(100 * 1050 / 1200)


# ------------------------------------------------------------------------------ disagreement runs


def test_disagreements_lists_runs_coded_by_one_coder_only():
    assert disagreements(20, [(0, 5), (10, 15)], [(3, 12)]) == [
        Disagreement(0, 3, "a"),
        Disagreement(5, 10, "b"),
        Disagreement(12, 15, "a"),
    ]


def test_coverage_runs_cover_the_whole_source_in_order():
    runs = coverage_runs(20, {"ana": [(0, 5)], "ben": [(3, 8)], "cy": []})
    assert runs == [
        CoverageRun(0, 3, frozenset({"ana"})),
        CoverageRun(3, 5, frozenset({"ana", "ben"})),
        CoverageRun(5, 8, frozenset({"ben"})),
        CoverageRun(8, 20, frozenset()),
    ]


# --------------------------------------------------------------------------- Krippendorff's alpha

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: four observers,
# twelve units, nominal values 1-5, missing values (None).
KRIPPENDORFF_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_krippendorff_2011_nominal_example_with_missing_data():
    assert krippendorff_alpha(KRIPPENDORFF_C) == pytest.approx(0.743, abs=5e-4)
    # Exactly: 1 - (n - 1) * D_o / D_e with n = 40 pairable values = 1 - 39 * 4 / 608.
    assert krippendorff_alpha(KRIPPENDORFF_C, level="nominal") == pytest.approx(
        1 - 39 * 4 / 608, abs=TOLERANCE
    )


@pytest.mark.parametrize(("level", "expected"), [("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_other_levels_of_the_same_data(level, expected):
    assert krippendorff_alpha(KRIPPENDORFF_C, level=level) == pytest.approx(expected, abs=5e-4)


def test_krippendorff_2011_binary_two_coders_example():
    # Example A: two observers, ten units, binary values: alpha = 0.095.
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha(data) == pytest.approx(1 - 19 * 4 / (14 * 6), abs=TOLERANCE)
    assert round(krippendorff_alpha(data), 3) == 0.095


def test_numpy_table_with_nan_for_missing_values():
    table = np.array([[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_C], dtype=float)
    assert krippendorff_alpha(table) == pytest.approx(1 - 39 * 4 / 608, abs=TOLERANCE)
    assert krippendorff_alpha(table, level="interval") == pytest.approx(0.849, abs=5e-4)
    integers = np.array([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]], dtype=np.int64)
    assert krippendorff_alpha(integers, level="interval") == pytest.approx(
        1 - 19 * 4 / (14 * 6), abs=TOLERANCE
    )


def test_nan_counts_as_missing_and_string_codes_are_nominal():
    data = [["staff", "food", float("nan")], ["staff", "food", "access"]]
    assert krippendorff_alpha(data) == pytest.approx(1.0)


def test_alpha_is_undefined_without_variation():
    assert krippendorff_alpha([[1, 1, 1], [1, 1, None]]) is None


@pytest.mark.parametrize(
    ("data", "level", "message"),
    [
        ([[1, 2, 3]], "nominal", "at least two coders"),
        ([[1, 2], [1]], "nominal", "one value per unit"),
        ([[1, None], [None, 2]], "nominal", "No unit has values from two or more coders"),
        ([[1, 2], [1, 2]], "fuzzy", "Unknown level of measurement"),
        ([["a", "b"], ["a", "b"]], "interval", "Interval data must be numbers"),
        ([[-1, 2], [1, 2]], "ratio", "Ratio data cannot be negative"),
    ],
)
def test_bad_reliability_data_is_refused(data, level, message):
    with pytest.raises(AgreementDataError, match=message):
        krippendorff_alpha(data, level=level)


def test_span_alpha_equals_alpha_over_characters():
    spans = {"ana": [(0, 5), (10, 15)], "ben": [(3, 12)], "cy": [(0, 4), (14, 18)]}
    table = []
    for coder_spans in spans.values():
        row = [0] * 20
        for start, end in coder_spans:
            row[start:end] = [1] * (end - start)
        table.append(row)
    assert span_alpha(20, spans) == pytest.approx(krippendorff_alpha(table), abs=TOLERANCE)


def test_span_alpha_is_undefined_when_nobody_coded():
    assert span_alpha(30, {"ana": [], "ben": []}) is None


def test_span_alpha_needs_two_coders_and_characters():
    with pytest.raises(AgreementDataError, match="at least two coders"):
        span_alpha(10, {"ana": [(0, 3)]})
    with pytest.raises(AgreementDataError, match="empty source"):
        span_alpha(0, {"ana": [], "ben": []})


# ------------------------------------------------------------------------------- property tests

LENGTH = 60
spans_strategy = st.lists(
    st.tuples(st.integers(0, LENGTH), st.integers(0, LENGTH)).map(lambda pair: tuple(sorted(pair))),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(spans_strategy, spans_strategy)
def test_agreement_is_symmetric_and_counts_add_up(a, b):
    ab = span_agreement(LENGTH, a, b)
    ba = span_agreement(LENGTH, b, a)
    assert ab.both + ab.a_only + ab.b_only + ab.neither == LENGTH
    assert (ab.a_only, ab.b_only) == (ba.b_only, ba.a_only)
    assert ab.kappa == pytest.approx(ba.kappa, abs=1e-12)
    assert ab.percent_agreement == pytest.approx(ba.percent_agreement)
    assert -1.0 - 1e-12 <= ab.kappa <= 1.0 + 1e-12
    assert ab.percent_agreement + ab.percent_disagreement == pytest.approx(100.0)
    runs = disagreements(LENGTH, a, b)
    assert sum(run.end - run.start for run in runs) == ab.a_only + ab.b_only


@settings(max_examples=100, deadline=None)
@given(spans_strategy, spans_strategy, spans_strategy)
def test_coverage_runs_tile_the_source_and_match_each_coders_spans(a, b, c):
    spans = {"a": a, "b": b, "c": c}
    runs = coverage_runs(LENGTH, spans)
    assert runs[0].start == 0 and runs[-1].end == LENGTH
    assert all(
        left.end == right.start and left.coders != right.coders
        for left, right in zip(runs, runs[1:], strict=False)
    )
    for coder, coder_spans in spans.items():
        covered = [(run.start, run.end) for run in runs if coder in run.coders]
        assert normalise_spans(covered, LENGTH) == normalise_spans(coder_spans, LENGTH)


@settings(max_examples=100, deadline=None)
@given(spans_strategy)
def test_identical_coding_is_perfect_agreement(a):
    result = span_agreement(LENGTH, a, list(reversed(a)))
    assert result.kappa == 1.0
    assert result.percent_agreement == 100.0
    assert disagreements(LENGTH, a, a) == []
    alpha = span_alpha(LENGTH, {"x": a, "y": a, "z": a})
    assert alpha is None or alpha == pytest.approx(1.0)


value = st.one_of(st.none(), st.integers(1, 4))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda m: st.lists(st.lists(value, min_size=6, max_size=6), min_size=m, max_size=m)
    )
)
def test_alpha_does_not_depend_on_coder_order_and_is_at_most_one(data):
    try:
        alpha = krippendorff_alpha(data)
    except AgreementDataError:
        return
    reordered = krippendorff_alpha(list(reversed(data)))
    if alpha is None:
        assert reordered is None
        return
    assert reordered == pytest.approx(alpha, abs=1e-9)
    assert alpha <= 1.0 + 1e-12
    assert not math.isnan(alpha)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=30))
def test_two_coder_binary_alpha_matches_its_closed_form(pairs):
    # Two coders, binary values, no missing data: o_01 = number of disagreeing units, so
    # alpha = 1 - (n - 1) * o_01 / (n_0 * n_1) with n = 2 * units pairable values (Krippendorff 2011, A).
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    n = 2 * len(pairs)
    n1 = sum(a) + sum(b)
    n0 = n - n1
    alpha = krippendorff_alpha([a, b])
    if n0 == 0 or n1 == 0:
        assert alpha is None
        return
    disagreeing = sum(x != y for x, y in pairs)
    assert alpha == pytest.approx(1 - (n - 1) * disagreeing / (n0 * n1), abs=1e-9)
