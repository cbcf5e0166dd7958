"""Assisted coding and theme discovery.

The real-data tests read ../shared/data/qual (beside the project root) and skip, saying why, when it is
absent. They never print the comments.
"""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import train_test_split

from coproduce.engine.coding import CodeSuggester, CodingDataError, Suggestion, Theme, discover_themes
from coproduce.engine.textfeatures import PositionalTfidf

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "qual"
NHS_FFT = DATA / "nhs-fft" / "phase_1__train.csv"
GAMBLING = DATA / "themefinder-gambling-xs-synthetic"

# A small hand-made coded sample: three codes, distinct vocabulary.
STAFF = [
    "the nurses were kind",
    "staff lovely and kind",
    "kind caring nurses",
    "the doctor was kind",
    "nurses caring",
]
FOOD = [
    "the food was cold",
    "cold dinner again",
    "food tasted awful",
    "dinner was cold and late",
    "awful food",
]
PARKING = [
    "no parking spaces",
    "parking costs too much",
    "could not find parking",
    "car park full",
    "parking fees",
]
TEXTS = STAFF + FOOD + PARKING
LABELS = ["staff"] * 5 + ["food"] * 5 + ["parking"] * 5


@pytest.fixture(scope="module")
def suggester():
    return CodeSuggester().fit(TEXTS, LABELS)


# ------------------------------------------------------------------------------ single-label basics


def test_suggestions_rank_the_matching_code_first_with_confidences(suggester):
    suggestions = suggester.suggest(["the kind nurses", "cold food", "parking was impossible"], top_k=2)
    assert [s[0].code for s in suggestions] == ["staff", "food", "parking"]
    for row in suggestions:
        assert len(row) == 2
        assert all(isinstance(s, Suggestion) and 0 < s.confidence < 1 for s in row)
        assert row[0].confidence >= row[1].confidence
    code, confidence = suggestions[0][0]  # unpacks as (code, confidence)
    assert code == "staff"


def test_single_label_confidences_sum_to_one(suggester):
    proba = suggester.predict_proba(["kind staff", "cold food and no parking"])
    assert proba.shape == (2, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert suggester.codes_ == ["food", "parking", "staff"]
    assert suggester.multi_label_ is False


def test_top_k_larger_than_the_codebook_gives_every_code(suggester):
    assert len(suggester.suggest(["kind staff"], top_k=10)[0]) == 3


def test_min_confidence_leaves_out_unlikely_codes(suggester):
    row = suggester.suggest(["kind staff"], top_k=3, min_confidence=0.5)[0]
    assert all(s.confidence >= 0.5 for s in row)
    assert len(row) < 3


def test_a_text_without_words_gets_no_suggestion(suggester):
    assert suggester.suggest(["   ", ""]) == [[], []]
    assert suggester.predict(["", "kind staff"]) == [None, "staff"]
    assert suggester.suggest([]) == []


def test_codes_with_too_few_examples_are_skipped_not_suggested():
    suggester = CodeSuggester().fit(TEXTS + ["the chaplain visited"], LABELS + ["faith"])
    assert suggester.skipped_codes_ == ["faith"]
    assert "faith" not in suggester.codes_
    assert suggester.n_examples_ == 15


def test_same_data_gives_the_same_suggestions():
    first = CodeSuggester().fit(TEXTS, LABELS).predict_proba(["kind staff", "parking"])
    second = CodeSuggester().fit(list(TEXTS), list(LABELS)).predict_proba(["kind staff", "parking"])
    np.testing.assert_array_equal(first, second)


def test_two_codes_work():
    suggester = CodeSuggester().fit(STAFF + FOOD, ["staff"] * 5 + ["food"] * 5)
    proba = suggester.predict_proba(["kind nurses", "cold food"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert suggester.predict(["kind nurses", "cold food"]) == ["staff", "food"]


# ------------------------------------------------------------------------------------- multi-label


def test_multi_label_gives_an_independent_probability_per_code():
    texts = TEXTS + ["kind nurses but cold food", "lovely staff, awful food", "food cold, staff kind"]
    labels = [{code} for code in LABELS] + [{"staff", "food"}] * 3
    suggester = CodeSuggester().fit(texts, labels)
    assert suggester.multi_label_ is True
    proba = suggester.predict_proba(["kind staff and cold food"])
    assert proba.shape == (1, 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    top_two = {s.code for s in suggester.suggest(["kind staff and cold food"], top_k=2)[0]}
    assert top_two == {"staff", "food"}
    assert suggester.predict([""]) == [set()]


def test_multi_label_accepts_empty_sets_as_none_of_the_codes():
    labels = [{"staff"}] * 5 + [set()] * 10
    suggester = CodeSuggester().fit(TEXTS, labels)
    assert suggester.codes_ == ["staff"]
    assert suggester.predict_proba(["kind nurses"])[0, 0] > suggester.predict_proba(["car park"])[0, 0]


# ----------------------------------------------------------------------------------------- contexts


def test_context_tells_apart_answers_to_different_questions():
    # The same words mean different codes depending on the question answered.
    texts = ["nothing really"] * 6 + ["staff were kind", "kind nurses", "lovely staff"] * 2
    labels = ["praise-none"] * 3 + ["improve-none"] * 3 + ["staff"] * 6
    contexts = ["good?"] * 3 + ["improve?"] * 3 + ["good?"] * 6
    suggester = CodeSuggester().fit(texts, labels, contexts=contexts)
    assert suggester.contexts_ == ["good?", "improve?"]
    assert suggester.predict(["nothing really", "nothing really"], contexts=["good?", "improve?"]) == [
        "praise-none",
        "improve-none",
    ]
    # an unknown or missing context is allowed and counts as unknown
    assert len(suggester.suggest(["nothing really"], contexts=[None])[0]) == 3
    assert len(suggester.suggest(["nothing really"])[0]) == 3


def test_contexts_must_match_the_texts(suggester):
    with pytest.raises(CodingDataError, match="There are 15 texts but 2 contexts"):
        CodeSuggester().fit(TEXTS, LABELS, contexts=["a", "b"])
    with pytest.raises(CodingDataError, match="learned without contexts"):
        suggester.suggest(["kind staff"], contexts=["good?"])


# ------------------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (TEXTS, LABELS[:-1], "There are 15 texts but 14 labels"),
        (["", " "], ["a", "b"], "no coded texts with any words"),
        (STAFF, ["staff"] * 5, "each of at least 2 different codes"),
        (TEXTS[:4] + FOOD[:2], ["staff"] * 4 + ["food"] * 2, "Code at least 3 responses"),
        ("one long string", ["a"], "not a single string"),
        ([1, 2, 3], ["a", "b", "c"], "must be a string"),
        (TEXTS[:2], ["a", {"b"}], "not a mixture"),
        (TEXTS, [{"staff"}] * 15, "Code at least 3 responses with each of at least 1"),
    ],
)
def test_bad_training_data_is_refused_with_a_clear_message(texts, labels, message):
    with pytest.raises(CodingDataError) as error:
        CodeSuggester().fit(texts, labels)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"C": 0}, "C must be a positive number"),
        ({"balance": 2}, "balance must be a number from 0 to 1"),
        ({"calibration_folds": 1}, "calibration_folds must be"),
        ({"min_examples": 1}, "min_examples must be"),
        ({"min_df": 0}, "min_df must be"),
        ({"context_weight": -1}, "context_weight must be"),
    ],
)
def test_bad_parameters_are_refused_when_fit_starts(params, message):
    suggester = CodeSuggester(**params)  # stored as given, checked by fit
    with pytest.raises(CodingDataError, match=message):
        suggester.fit(TEXTS, LABELS)


def test_suggesting_before_fitting_or_with_bad_top_k_is_refused(suggester):
    with pytest.raises(CodingDataError, match="call fit first"):
        CodeSuggester().suggest(["anything"])
    with pytest.raises(CodingDataError, match="top_k"):
        suggester.suggest(["anything"], top_k=0)


def test_coding_data_error_is_a_value_error():
    assert issubclass(CodingDataError, ValueError)


# ------------------------------------------------------------------------------- feature properties

words = st.sampled_from(["staff", "kind", "food", "cold", "parking", "the", "was", "nurse's", "!!", "café"])
texts_strategy = st.lists(st.lists(words, max_size=40).map(" ".join), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def fitted_features():
    return PositionalTfidf().fit(TEXTS + ["the café was kind!!", "nurse's food was cold"])


@settings(max_examples=60, deadline=None)
@given(texts=texts_strategy)
def test_features_of_a_text_do_not_depend_on_the_rest_of_the_batch(fitted_features, texts):
    batch = fitted_features.transform(texts).toarray()
    for i, text in enumerate(texts):
        np.testing.assert_allclose(batch[i], fitted_features.transform([text]).toarray()[0], atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(texts=texts_strategy)
def test_each_feature_view_has_unit_length_or_is_empty(fitted_features, texts):
    matrix = fitted_features.transform(texts).toarray()
    n_words, n_chars = len(fitted_features.word_vocabulary_), len(fitted_features.char_vocabulary_)
    widths = [n_words, n_chars] * (1 + len(fitted_features.prefixes))
    assert matrix.shape[1] == sum(widths) == fitted_features.n_features_
    edges = np.cumsum([0, *widths])
    for start, end in zip(edges, edges[1:], strict=False):
        norms = np.linalg.norm(matrix[:, start:end], axis=1)
        assert np.all((np.abs(norms - 1) < 1e-5) | (norms == 0))


def test_opening_words_count_separately_from_later_ones(fitted_features):
    early, late = fitted_features.transform(["kind staff " + "the " * 40, "the " * 40 + "kind staff"])
    assert early.nnz > late.nnz  # "kind staff" also lands in the opening views of the first text only


# ------------------------------------------------------------------------------------ theme discovery


def test_discover_themes_finds_planted_themes():
    rng = np.random.RandomState(0)
    vocab = {
        "food": ["food", "cold", "dinner", "meal", "tasteless", "lunch"],
        "parking": ["parking", "car", "spaces", "fees", "park", "ticket"],
        "waiting": ["waiting", "wait", "hours", "queue", "delay", "appointment"],
    }
    texts, truth = [], []
    for theme, terms in vocab.items():
        for _ in range(20):
            texts.append(" ".join(rng.choice(terms, size=5)) + " and so on")
            truth.append(theme)
    order = rng.permutation(len(texts))
    texts = [texts[i] for i in order]
    truth = [truth[i] for i in order]
    themes = discover_themes(texts, n_themes=3)
    assert len(themes) == 3
    assert sorted(t.size for t in themes) == [20, 20, 20]
    for theme in themes:
        members = {truth[i] for i in theme.member_indices}
        assert len(members) == 1
        theme_words = {word for term in theme.terms for word in term.split()}
        assert theme_words <= set(vocab[members.pop()])
        assert set(theme.quote_indices) <= set(theme.member_indices)
        assert len(theme.quote_indices) == 3
    auto = discover_themes(texts)
    assert len(auto) >= 3


def test_discover_themes_keeps_indices_into_the_texts_given():
    texts = (
        ["", "  "]
        + [f"parking fees car park {i}" for i in range(6)]
        + [f"cold food dinner meal {i}" for i in range(6)]
    )
    themes = discover_themes(texts, n_themes=2)
    assert all(i >= 2 for t in themes for i in t.member_indices)
    assert sorted(i for t in themes for i in t.member_indices) == list(range(2, 14))
    assert all(isinstance(t, Theme) and t.label == ", ".join(t.terms[:3]) for t in themes)


@pytest.mark.parametrize(
    ("texts", "kwargs", "message"),
    [
        (["a few words"] * 9, {}, "at least 10 texts"),
        ([f"word{i}" for i in range(20)], {}, "too few words"),
        (["cold food"] * 20, {"n_themes": 0}, "n_themes must be"),
        (["cold food"] * 20, {"n_themes": "many"}, "n_themes must be"),
        (["cold food"] * 20, {"n_quotes": 0}, "n_quotes must be"),
        ("not a list", {}, "not a single string"),
    ],
)
def test_discover_themes_refuses_bad_input(texts, kwargs, message):
    with pytest.raises(CodingDataError, match=message):
        discover_themes(texts, **kwargs)


# ------------------------------------------------------------------------------------- real data


def _read_nhs_fft():
    if not NHS_FFT.exists():
        pytest.skip(f"NHS Friends and Family Test data not found at {NHS_FFT}")
    with open(NHS_FFT, encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["feedback"].strip()]
    return [r["feedback"] for r in rows], [r["label"] for r in rows]


def test_nhs_fft_kappa_on_held_out_comments_is_at_least_0_68():
    texts, labels = _read_nhs_fft()
    train_texts, test_texts, train_labels, test_labels = train_test_split(
        texts, labels, test_size=0.2, random_state=0, stratify=labels
    )
    suggester = CodeSuggester().fit(train_texts, train_labels)
    proba = suggester.predict_proba(test_texts)
    predicted = [suggester.codes_[i] for i in proba.argmax(axis=1)]
    assert len(suggester.codes_) == 9
    kappa = cohen_kappa_score(test_labels, predicted)
    assert kappa >= 0.68
    # Calibrated: among held-out comments, the mean top confidence is close to the share it got right
    # (within 0.03), and high-confidence suggestions are right more often than low-confidence ones.
    confidence = proba.max(axis=1)
    correct = np.array([p == t for p, t in zip(predicted, test_labels, strict=True)])
    assert abs(confidence.mean() - correct.mean()) < 0.03
    assert correct[confidence >= 0.8].mean() > correct[confidence < 0.5].mean() + 0.3


def test_gambling_themes_match_ground_truth_better_than_chance():
    responses = GAMBLING / "inputs" / "question_part_1" / "responses.jsonl"
    mapping = GAMBLING / "outputs" / "mapping" / "2025-07-22" / "question_part_1" / "mapping.jsonl"
    if not (responses.exists() and mapping.exists()):
        pytest.skip(f"ThemeFinder gambling data not found at {GAMBLING}")
    rows = [json.loads(line) for line in responses.read_text(encoding="utf-8").splitlines() if line.strip()]
    truth = {}
    for line in mapping.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            truth[item["response_id"]] = set(item["labels"])
    texts = [r["response"] for r in rows]
    labels = [truth.get(r["response_id"], set()) for r in rows]
    n_texts = len(texts)
    themes = discover_themes(texts)
    assert 4 <= len(themes) <= 15
    # every response belongs to at most one theme; only one sharing no word with the others to none
    assigned = sum(t.size for t in themes)
    assert 0.95 * n_texts <= assigned <= n_texts

    def mean_purity(groups):
        # share of a group's members carrying the group's most common ground-truth theme
        total = 0
        for members in groups:
            counts = {}
            for i in members:
                for label in labels[i]:
                    counts[label] = counts.get(label, 0) + 1
            total += max(counts.values(), default=0)
        return total / n_texts

    ours = mean_purity([t.member_indices for t in themes])
    rng = np.random.RandomState(0)
    chance = []
    for _ in range(50):
        shuffled = rng.permutation(n_texts)
        groups, start = [], 0
        for t in themes:
            groups.append(shuffled[start : start + t.size])
            start += t.size
        chance.append(mean_purity(groups))
    assert ours > np.mean(chance) + 0.15
