"""Help with volume: suggest codes for uncoded responses, and find candidate themes in uncoded text.

Nothing here applies a code: ``CodeSuggester`` proposes codes with a confidence, and people accept or
reject them; ``discover_themes`` proposes candidate themes that a team may adopt into its codebook.
Both are plain scikit-learn models trained on the project's own data: no model is downloaded.

* ``CodeSuggester`` learns from responses a team has already coded. Features: TF-IDF of word 1-2-grams
  united with TF-IDF of character 2-5-grams inside word boundaries (robust to the misspellings and
  run-together words of free-text feedback), sublinear term frequency. Model: a linear classifier per
  code; confidences are probabilities calibrated by cross-validation (Platt scaling,
  J. Platt 1999, "Probabilistic outputs for support vector machines"; scikit-learn's
  ``CalibratedClassifierCV``), so that "0.8" means right about 8 times in 10 on held-out data.
  Single-label data (one code per response) gives confidences that sum to 1 across codes; multi-label
  data (a set of codes per response) gives one independent probability per code.

* ``discover_themes`` factorises the TF-IDF matrix with non-negative matrix factorisation (Lee & Seung
  1999; scikit-learn ``NMF``). Each factor is a candidate theme labelled by its heaviest terms, with the
  responses that load most on it as representative quotes. With ``n_themes="auto"`` the number of themes
  is the one whose themes are most coherent, by the normalised pointwise mutual information of their top
  terms over the responses (Bouma 2009; as used for topic coherence by Röder, Both & Hinneburg 2015).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

__all__ = [
    "CodeSuggester",
    "CodingDataError",
    "Suggestion",
    "Theme",
    "discover_themes",
]


class CodingDataError(ValueError):
    """The texts or codes given cannot be learned from: too few coded examples, a single code, empty
    texts, labels that do not match the texts..."""


class Suggestion(NamedTuple):
    """A suggested code and how likely it is to be right (0-1)."""

    code: Hashable
    confidence: float


def _check_texts(texts: Iterable[str], *, what: str = "texts") -> list[str]:
    if isinstance(texts, str):
        raise CodingDataError(f"Give a list of {what}, not a single string.")
    result = list(texts)
    for text in result:
        if not isinstance(text, str):
            raise CodingDataError(f"Every item of {what} must be a string; got {type(text).__name__}.")
    return result


def _is_multi_label(labels: list) -> bool:
    kinds = {isinstance(label, list | tuple | set | frozenset) for label in labels}
    if len(kinds) > 1:
        raise CodingDataError("Labels must be all single codes or all collections of codes, not a mixture.")
    return kinds == {True}


def _features(min_df: int) -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, dtype=np.float32),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df, dtype=np.float32
                ),
            ),
        ]
    )


class CodeSuggester:
    """Suggest codes for uncoded responses from responses a team has coded.

    Parameters
    ----------
    C : regularisation strength of the linear model (smaller = simpler model).
    min_examples : a code needs at least this many coded examples to be suggested; codes with fewer are
        listed in ``skipped_codes_`` and never suggested.
    min_df : a term must occur in at least this many training texts to be used (when the training set has
        fewer than 50 texts, 1 is used).
    calibration_folds : folds of the cross-validation that calibrates confidences.

    After ``fit``: ``codes_`` (the codes it can suggest, in order), ``multi_label_``,
    ``skipped_codes_``, ``n_examples_``.
    """

    def __init__(self, *, C: float = 0.3, min_examples: int = 3, min_df: int = 2, calibration_folds: int = 3):
        self.C = C
        self.min_examples = min_examples
        self.min_df = min_df
        self.calibration_folds = calibration_folds

    # -------------------------------------------------------------------------------------- fitting
    def _validate_params(self) -> None:
        if not (isinstance(self.C, int | float) and self.C > 0):
            raise CodingDataError(f"C must be a positive number; got {self.C!r}.")
        if not (isinstance(self.calibration_folds, int) and self.calibration_folds >= 2):
            raise CodingDataError("calibration_folds must be a whole number, 2 or more.")
        if not (isinstance(self.min_examples, int) and self.min_examples >= self.calibration_folds):
            raise CodingDataError(
                f"min_examples must be a whole number at least calibration_folds ({self.calibration_folds})."
            )

    def fit(self, texts: Iterable[str], labels: Iterable) -> CodeSuggester:
        """Learn from coded texts. ``labels[i]`` is the code of ``texts[i]`` (single-label) or a
        list/set of its codes (multi-label; an empty set means "none of the codes")."""
        self._validate_params()
        texts = _check_texts(texts)
        labels = list(labels)
        if len(texts) != len(labels):
            raise CodingDataError(
                f"There are {len(texts)} texts but {len(labels)} labels; give one label per text."
            )
        keep = [i for i, text in enumerate(texts) if text.strip()]
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]
        if not texts:
            raise CodingDataError("There are no coded texts with any words in them to learn from.")
        self.multi_label_ = _is_multi_label(labels)
        if self.multi_label_:
            label_sets = [set(label) for label in labels]
            counts: dict = {}
            for label_set in label_sets:
                for code in label_set:
                    counts[code] = counts.get(code, 0) + 1
            n = len(texts)
            usable = [c for c, k in counts.items() if k >= self.min_examples and n - k >= self.min_examples]
        else:
            counts = {}
            for code in labels:
                counts[code] = counts.get(code, 0) + 1
            usable = [c for c, k in counts.items() if k >= self.min_examples]
        self.codes_ = sorted(usable, key=str)
        self.skipped_codes_ = sorted(set(counts) - set(usable), key=str)
        needed = 1 if self.multi_label_ else 2
        if len(self.codes_) < needed:
            raise CodingDataError(
                f"Code at least {self.min_examples} responses with each of at least {needed} different codes "
                f"before asking for suggestions (codes with enough examples: {len(self.codes_)})."
            )
        if not self.multi_label_:
            rows = [i for i, code in enumerate(labels) if code in set(self.codes_)]
            texts = [texts[i] for i in rows]
            labels = [labels[i] for i in rows]
        self.n_examples_ = len(texts)

        min_df = self.min_df if len(texts) >= 50 else 1
        self.features_ = _features(min_df)
        X = self.features_.fit_transform(texts)
        if self.multi_label_:
            self.models_ = []
            for code in self.codes_:
                y = np.array([code in label_set for label_set in label_sets])
                self.models_.append(self._make_model().fit(X, y))
        else:
            y = np.array([self.codes_.index(code) for code in labels])
            self.models_ = [self._make_model().fit(X, y)]
        return self

    def _make_model(self):
        return CalibratedClassifierCV(
            LinearSVC(C=self.C, class_weight="balanced"), method="sigmoid", cv=self.calibration_folds
        )

    # ----------------------------------------------------------------------------------- predicting
    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise CodingDataError("The suggester has not learned from any coded texts yet: call fit first.")

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """Confidence for every code (columns in ``codes_`` order) for each text (rows).

        Single-label: each row sums to 1. Multi-label: each entry is the probability that the code applies.
        An empty text gets confidence 0 for every code.
        """
        self._check_fitted()
        texts = _check_texts(texts)
        if not texts:
            return np.zeros((0, len(self.codes_)))
        X = self.features_.transform(texts)
        if self.multi_label_:
            proba = np.column_stack([model.predict_proba(X)[:, 1] for model in self.models_])
        else:
            proba = self.models_[0].predict_proba(X)
        empty = np.array([not text.strip() for text in texts])
        proba[empty] = 0.0
        return proba

    def suggest(
        self, texts: Iterable[str], top_k: int = 3, min_confidence: float = 0.0
    ) -> list[list[Suggestion]]:
        """For each text, up to ``top_k`` suggestions ``(code, confidence)``, most confident first;
        suggestions below ``min_confidence`` are left out (an empty text gets none)."""
        if not (isinstance(top_k, int) and top_k >= 1):
            raise CodingDataError(f"top_k must be a whole number, 1 or more; got {top_k!r}.")
        proba = self.predict_proba(texts)
        k = min(top_k, len(self.codes_))
        if proba.shape[0] == 0:
            return []
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        result = []
        for row, columns in zip(proba, order, strict=True):
            result.append(
                [
                    Suggestion(self.codes_[c], float(row[c]))
                    for c in columns
                    if row[c] > 0 and row[c] >= min_confidence
                ]
            )
        return result

    def predict(self, texts: Iterable[str], threshold: float = 0.5) -> list:
        """The most likely code per text (single-label), or the set of codes with confidence at least
        ``threshold`` (multi-label). An empty text gets ``None`` (single-label) or an empty set."""
        proba = self.predict_proba(texts)
        texts = list(texts)
        if self.multi_label_:
            return [{self.codes_[c] for c in np.flatnonzero(row >= threshold)} for row in proba]
        best = proba.argmax(axis=1) if len(proba) else []
        return [None if row.max() == 0 else self.codes_[c] for row, c in zip(proba, best, strict=True)]


# ------------------------------------------------------------------------------------ theme discovery


@dataclass(frozen=True)
class Theme:
    """A candidate theme found in uncoded text.

    ``label``: a short readable label (its top terms); ``terms``: the heaviest terms, best first;
    ``quote_indices``: indices of the most representative texts, best first; ``size``: how many texts
    are mostly about this theme; ``coherence``: NPMI of the top terms (-1..1, higher = terms that
    really occur together).
    """

    label: str
    terms: tuple[str, ...]
    quote_indices: tuple[int, ...]
    size: int
    coherence: float


def _npmi_coherence(binary_docs: sparse.csc_matrix, term_ids: Sequence[int]) -> float:
    """Mean normalised PMI over pairs of terms, from document co-occurrence (Bouma 2009)."""
    n_docs = binary_docs.shape[0]
    columns = binary_docs[:, list(term_ids)]
    doc_freq = np.asarray(columns.sum(axis=0)).ravel() / n_docs
    joint = (columns.T @ columns).toarray() / n_docs
    scores = []
    for i in range(len(term_ids)):
        for j in range(i + 1, len(term_ids)):
            p_ij = joint[i, j]
            if p_ij <= 0:
                scores.append(-1.0)
            elif p_ij >= 1:
                scores.append(1.0)
            else:
                scores.append(math.log(p_ij / (doc_freq[i] * doc_freq[j])) / -math.log(p_ij))
    return float(np.mean(scores)) if scores else 0.0


def discover_themes(
    texts: Iterable[str],
    n_themes: int | str = "auto",
    *,
    n_terms: int = 6,
    n_quotes: int = 3,
    max_themes: int = 15,
    random_state: int = 0,
) -> list[Theme]:
    """Find candidate themes in a collection of uncoded texts (largest theme first).

    ``n_themes`` is a number of themes, or ``"auto"`` to choose between 2 and ``max_themes`` by
    coherence. Raises ``CodingDataError`` for fewer than 10 non-empty texts, too little vocabulary, or
    a bad ``n_themes``.
    """
    texts = _check_texts(texts)
    rows = [i for i, text in enumerate(texts) if text.strip()]
    if len(rows) < 10:
        raise CodingDataError("Theme discovery needs at least 10 texts with words in them.")
    if n_themes != "auto" and not (
        isinstance(n_themes, int) and not isinstance(n_themes, bool) and n_themes >= 1
    ):
        raise CodingDataError(f'n_themes must be a whole number, 1 or more, or "auto"; got {n_themes!r}.')
    docs = [texts[i] for i in rows]
    vectoriser = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words=sorted(ENGLISH_STOP_WORDS),
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b",
    )
    try:
        X = vectoriser.fit_transform(docs)
    except ValueError:
        raise CodingDataError("The texts share too few words to find themes in.") from None
    vocabulary = vectoriser.get_feature_names_out()
    if X.shape[1] < 4:
        raise CodingDataError("The texts share too few words to find themes in.")
    binary = (X > 0).astype(np.float64).tocsc()
    upper = max(2, min(max_themes, X.shape[0] // 5, X.shape[1] // 2))
    candidates = range(2, upper + 1) if n_themes == "auto" else [min(n_themes, X.shape[0], X.shape[1])]

    best = None
    for k in candidates:
        model = NMF(n_components=k, init="nndsvd", random_state=random_state, max_iter=400)
        weights = model.fit_transform(X)
        components = model.components_
        top_terms = [_top_terms(component, vocabulary, n_terms) for component in components]
        coherence = [_npmi_coherence(binary, ids) for ids, _ in top_terms]
        score = float(np.mean(coherence))
        if best is None or score > best[0]:
            best = (score, weights, top_terms, coherence)

    _, weights, top_terms, coherence = best
    dominant = weights.argmax(axis=1)
    has_weight = weights.max(axis=1) > 0
    themes = []
    for t, (_ids, terms) in enumerate(top_terms):
        members = np.flatnonzero((dominant == t) & has_weight)
        if len(members) == 0:
            continue
        # Representative quotes: the texts whose weight is most concentrated on this theme.
        share = weights[:, t] / np.maximum(weights.sum(axis=1), 1e-12)
        ranked = sorted(members, key=lambda i: (-share[i] * weights[i, t], i))[:n_quotes]
        themes.append(
            Theme(
                label=", ".join(terms[:3]),
                terms=tuple(terms),
                quote_indices=tuple(int(rows[i]) for i in ranked),
                size=int(len(members)),
                coherence=coherence[t],
            )
        )
    themes.sort(key=lambda theme: (-theme.size, theme.label))
    return themes


def _top_terms(component: np.ndarray, vocabulary: np.ndarray, n_terms: int) -> tuple[list[int], list[str]]:
    """The heaviest terms, skipping a word already shown inside a heavier phrase (or vice versa)."""
    ids: list[int] = []
    terms: list[str] = []
    for index in np.argsort(-component):
        if component[index] <= 0 or len(terms) >= n_terms:
            break
        term = str(vocabulary[index])
        words = set(term.split())
        if any(words <= set(other.split()) or set(other.split()) <= words for other in terms):
            continue
        ids.append(int(index))
        terms.append(term)
    return ids, terms
