"""Help with volume: suggest codes for uncoded responses, and find candidate themes in uncoded text.

Nothing here applies a code: ``CodeSuggester`` proposes codes with a confidence, and people accept or
reject them; ``discover_themes`` proposes candidate themes that a team may adopt into its codebook.
Both are plain scikit-learn models trained on the project's own data: no model is downloaded.

``CodeSuggester`` learns from responses a team has already coded.

* Features: ``textfeatures.PositionalTfidf`` -- TF-IDF of word 1-2-grams and character 2-5-grams of the
  whole response, plus the same for its first 2, 4, 8, 16 and 32 tokens (people coding a whole response
  mostly code what it opens with).
* Model: linear support vector machines, one per code against the rest (scikit-learn ``LinearSVC``,
  squared hinge loss), with class weights (mean count / count of the code) ** ``balance``, so rare codes
  are not drowned by common ones without being over-predicted either.
* Confidences: calibrated on decision values the model gives to texts it was not trained on
  (``calibration_folds``-fold cross-validation). Single-label data (one code per response): a
  multinomial logistic regression from the decision values of all codes to the code ("matrix scaling",
  Guo, Pleiss, Sun & Weinberger 2017, "On calibration of modern neural networks"; stacking, Wolpert
  1992); confidences sum to 1 over the codes. Multi-label data (a set of codes per response): Platt
  scaling per code, sigmoid(a * decision + b) (J. Platt 1999, "Probabilistic outputs for support vector
  machines"), each an independent probability that the code applies.
* Context (optional): one column per distinct context given with each response (for example the
  question it answers), so the same words can be coded differently in answer to "What was good?" and
  "What could be improved?".

On the NHS Friends and Family Test comments (9 major categories, ``bench/assisted_coding.py``) this
reaches Cohen's kappa of about 0.69 against the human codes on held-out comments from the text alone
(about 0.72 with the question answered as context), where TF-IDF with logistic regression reaches
about 0.59.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from .errors import EngineInputError
from .textfeatures import PositionalTfidf

__all__ = [
    "CodeSuggester",
    "CodingDataError",
    "Suggestion",
    "Theme",
    "discover_themes",
]


class CodingDataError(EngineInputError):
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


def _class_weights(y: np.ndarray, balance: float) -> dict:
    classes, counts = np.unique(y, return_counts=True)
    return {c: float((counts.mean() / n) ** balance) for c, n in zip(classes, counts, strict=True)}


class CodeSuggester:
    """Suggest codes for uncoded responses from responses a team has coded (see the module docstring).

    Parameters
    ----------
    C : regularisation of the linear model (smaller = simpler, smoother model).
    balance : 0 weighs every coded response the same; 1 weighs every code the same; in between
        (default 0.7) helps rare codes without over-suggesting them.
    min_examples : a code needs at least this many coded responses to be suggested (and, multi-label,
        this many without it); codes with fewer are listed in ``skipped_codes_`` and never suggested.
    min_df : a term must occur in at least this many training texts (1 when there are fewer than 50).
    calibration_folds : folds of the cross-validation that calibrates confidences.
    random_state : seed of the calibration folds, so the same data gives the same suggestions.
    context_weight : weight of the optional per-response context (see ``fit``) beside the text.

    After ``fit``: ``codes_`` (the codes it can suggest, in order), ``multi_label_``,
    ``skipped_codes_``, ``n_examples_``, ``contexts_`` (the contexts seen, or None).
    """

    def __init__(
        self,
        *,
        C: float = 0.04,
        balance: float = 0.7,
        min_examples: int = 3,
        min_df: int = 2,
        calibration_folds: int = 5,
        random_state: int = 0,
        context_weight: float = 1.0,
    ):
        self.C = C
        self.balance = balance
        self.min_examples = min_examples
        self.min_df = min_df
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.context_weight = context_weight

    # -------------------------------------------------------------------------------------- fitting
    def _validate_params(self) -> None:
        if isinstance(self.C, bool) or not (isinstance(self.C, int | float) and self.C > 0):
            raise CodingDataError(f"C must be a positive number; got {self.C!r}.")
        if isinstance(self.balance, bool) or not (
            isinstance(self.balance, int | float) and 0 <= self.balance <= 1
        ):
            raise CodingDataError(f"balance must be a number from 0 to 1; got {self.balance!r}.")
        if not (isinstance(self.calibration_folds, int) and self.calibration_folds >= 2):
            raise CodingDataError("calibration_folds must be a whole number, 2 or more.")
        if not (isinstance(self.min_examples, int) and self.min_examples >= 2):
            raise CodingDataError("min_examples must be a whole number, 2 or more.")
        if not (isinstance(self.min_df, int) and self.min_df >= 1):
            raise CodingDataError("min_df must be a whole number, 1 or more.")
        if isinstance(self.context_weight, bool) or not (
            isinstance(self.context_weight, int | float) and self.context_weight >= 0
        ):
            raise CodingDataError(f"context_weight must be a number, 0 or more; got {self.context_weight!r}.")

    def fit(self, texts: Iterable[str], labels: Iterable, contexts: Iterable | None = None) -> CodeSuggester:
        """Learn from coded texts. ``labels[i]`` is the code of ``texts[i]`` (single-label), or a
        list/set of its codes (multi-label; an empty set means "none of these codes"). Texts with no
        words are ignored.

        ``contexts`` (optional) gives each text a context that changes how it tends to be coded, such
        as the question it answers ("What was good?" / "What could be improved?") or the service; any
        hashable, ``None`` for unknown. Pass contexts of the same kind to ``suggest`` later."""
        self._validate_params()
        texts = _check_texts(texts)
        labels = list(labels)
        if len(texts) != len(labels):
            raise CodingDataError(
                f"There are {len(texts)} texts but {len(labels)} labels; give one label per text."
            )
        contexts = self._check_contexts(contexts, len(texts))
        keep = [i for i, text in enumerate(texts) if text.strip()]
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]
        contexts = None if contexts is None else [contexts[i] for i in keep]
        if not texts:
            raise CodingDataError("There are no coded texts with any words in them to learn from.")
        self.multi_label_ = _is_multi_label(labels)
        if self.multi_label_:
            labels = [frozenset(label) for label in labels]
            codes_seen = [code for label in labels for code in label]
        else:
            codes_seen = labels
        counts: dict = {}
        for code in codes_seen:
            counts[code] = counts.get(code, 0) + 1
        n = len(texts)
        usable = [
            c
            for c, k in counts.items()
            if k >= self.min_examples and (not self.multi_label_ or n - k >= self.min_examples)
        ]
        self.codes_ = sorted(usable, key=str)
        self.skipped_codes_ = sorted(set(counts) - set(usable), key=str)
        needed = 1 if self.multi_label_ else 2
        if len(self.codes_) < needed:
            raise CodingDataError(
                f"Code at least {self.min_examples} responses with each of at least {needed} different codes "
                f"before asking for suggestions (codes with enough examples so far: {len(self.codes_)})."
            )
        if not self.multi_label_:
            usable_set = set(self.codes_)
            rows = [i for i, code in enumerate(labels) if code in usable_set]
            texts = [texts[i] for i in rows]
            labels = [labels[i] for i in rows]
            contexts = None if contexts is None else [contexts[i] for i in rows]
        self.n_examples_ = len(texts)

        self.features_ = PositionalTfidf(min_df=self.min_df if len(texts) >= 50 else 1)
        self.contexts_ = None
        if contexts is not None:
            self.contexts_ = sorted({c for c in contexts if c is not None}, key=str)
            self._context_index = {c: i for i, c in enumerate(self.contexts_)}
        # liblinear works in float64: convert once here rather than in each of the fits below.
        X = self._with_contexts(self.features_.fit_transform(texts), contexts).astype(np.float64)
        if self.multi_label_:
            self.models_, self.platt_ = [], []
            for code in self.codes_:
                y = np.array([code in label for label in labels], dtype=np.int64)
                oof = self._out_of_fold_scores(X, y)
                self.platt_.append(LogisticRegression(C=1e4).fit(oof.reshape(-1, 1), y))
                self.models_.append(self._svm(y).fit(X, y))
        else:
            index = {code: i for i, code in enumerate(self.codes_)}
            y = np.array([index[code] for code in labels], dtype=np.int64)
            self.calibrator_ = LogisticRegression(C=1.0, max_iter=1000).fit(self._out_of_fold_scores(X, y), y)
            self.models_ = [self._svm(y).fit(X, y)]
        return self

    @staticmethod
    def _check_contexts(contexts: Iterable | None, n_texts: int) -> list | None:
        if contexts is None:
            return None
        if isinstance(contexts, str):
            raise CodingDataError("Give one context per text, not a single string.")
        contexts = list(contexts)
        if len(contexts) != n_texts:
            raise CodingDataError(
                f"There are {n_texts} texts but {len(contexts)} contexts; give one context per text."
            )
        return contexts

    def _with_contexts(self, X: sparse.csr_matrix, contexts: list | None) -> sparse.csr_matrix:
        """Append one column per known context (weight ``context_weight``); unknown contexts get none."""
        if self.contexts_ is None:
            return X
        rows, cols = [], []
        for i, context in enumerate(contexts or ()):
            j = self._context_index.get(context) if context is not None else None
            if j is not None:
                rows.append(i)
                cols.append(j)
        block = sparse.csr_matrix(
            (np.full(len(rows), float(self.context_weight)), (rows, cols)),
            shape=(X.shape[0], len(self.contexts_)),
        )
        return sparse.hstack([X, block], format="csr")

    def _svm(self, y: np.ndarray) -> LinearSVC:
        # tol 1e-3 rather than 1e-4: the same suggestions on the NHS data, a fifth less training time.
        return LinearSVC(
            C=self.C, class_weight=_class_weights(y, self.balance), tol=1e-3, random_state=self.random_state
        )

    def _out_of_fold_scores(self, X: sparse.csr_matrix, y: np.ndarray) -> np.ndarray:
        """Decision values for every training text from a model that did not see it."""
        # Fewer folds when a code has fewer examples than folds, so every training fold has each code.
        n_folds = min(self.calibration_folds, int(np.bincount(y).min()))
        folds = StratifiedKFold(n_folds, shuffle=True, random_state=self.random_state)
        scores = None
        for train, test in folds.split(np.zeros(len(y)), y):
            part = _scores(self._svm(y[train]).fit(X[train], y[train]), X[test])
            if scores is None:
                scores = np.zeros((len(y), part.shape[1]))
            scores[test] = part
        return scores[:, 1] if scores.shape[1] == 2 and self.multi_label_ else scores

    # ----------------------------------------------------------------------------------- predicting
    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise CodingDataError("The suggester has not learned from any coded texts yet: call fit first.")

    def predict_proba(self, texts: Iterable[str], contexts: Iterable | None = None) -> np.ndarray:
        """Confidence for every code (columns in ``codes_`` order) for each text (rows).

        Single-label: each row sums to 1. Multi-label: each entry is the probability that the code
        applies. A text with no words gets confidence 0 for every code. ``contexts``: as for ``fit``
        (only if the suggester learned with contexts; a context it never saw counts as unknown).
        """
        self._check_fitted()
        texts = _check_texts(texts)
        contexts = self._check_contexts(contexts, len(texts))
        if contexts is not None and self.contexts_ is None:
            raise CodingDataError("This suggester learned without contexts, so it cannot use them.")
        if not texts:
            return np.zeros((0, len(self.codes_)))
        X = self._with_contexts(self.features_.transform(texts), contexts)
        if self.multi_label_:
            proba = np.column_stack(
                [
                    expit(platt.coef_[0, 0] * _scores(model, X)[:, 1] + platt.intercept_[0])
                    for model, platt in zip(self.models_, self.platt_, strict=True)
                ]
            )
        else:
            proba = self.calibrator_.predict_proba(_scores(self.models_[0], X))
        proba[[not text.strip() for text in texts]] = 0.0
        return proba

    def suggest(
        self,
        texts: Iterable[str],
        top_k: int = 3,
        min_confidence: float = 0.0,
        contexts: Iterable | None = None,
    ) -> list[list[Suggestion]]:
        """For each text, up to ``top_k`` suggestions ``(code, confidence)``, most confident first,
        leaving out those below ``min_confidence``. A text with no words gets none."""
        if isinstance(top_k, bool) or not (isinstance(top_k, int) and top_k >= 1):
            raise CodingDataError(f"top_k must be a whole number, 1 or more; got {top_k!r}.")
        proba = self.predict_proba(texts, contexts)
        order = np.argsort(-proba, axis=1, kind="stable")[:, : min(top_k, len(self.codes_))]
        return [
            [
                Suggestion(self.codes_[c], float(row[c]))
                for c in columns
                if row[c] > 0 and row[c] >= min_confidence
            ]
            for row, columns in zip(proba, order, strict=True)
        ]

    def predict(self, texts: Iterable[str], threshold: float = 0.5, contexts: Iterable | None = None) -> list:
        """The most likely code per text (single-label), or the set of codes with confidence at least
        ``threshold`` (multi-label). A text with no words gets ``None`` (single-label) or an empty set."""
        proba = self.predict_proba(texts, contexts)
        if self.multi_label_:
            return [{self.codes_[c] for c in np.flatnonzero(row >= threshold)} for row in proba]
        return [self.codes_[int(row.argmax())] if row.max() > 0 else None for row in proba]


def _scores(model: LinearSVC, X) -> np.ndarray:
    """Decision values with one column per class, also for two classes (where scikit-learn gives one)."""
    scores = model.decision_function(X)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


# ------------------------------------------------------------------------------------ theme discovery

# Words that carry no theme in free-text answers, beyond scikit-learn's English stop words.
_THEME_STOP_WORDS = sorted(
    ENGLISH_STOP_WORDS
    | {
        "also", "don't", "doesn't", "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't", "isn't",
        "aren't", "wasn't", "weren't", "it's", "i'm", "i've", "i'd", "i'll", "you're", "we're", "they're",
        "that's", "there's", "let's", "just", "really", "like", "make", "makes", "think", "get", "gets",
        "got", "lot", "lots", "thing", "things", "way", "yes", "ok", "okay", "bit", "actually", "maybe",
    }
)  # fmt: skip
# Choosing the number of themes fits one model per candidate: do it on a sample of this many texts.
_SELECTION_SAMPLE = 3000


@dataclass(frozen=True)
class Theme:
    """A candidate theme found in uncoded text, for people to name, adopt, merge or discard.

    ``label``: a short readable label (its three heaviest terms); ``terms``: the heaviest terms, best
    first; ``quote_indices``: indices (into the texts given) of the most representative texts, best
    first; ``member_indices``: every text mostly about this theme; ``size``: how many those are;
    ``coherence``: mean NPMI of the top terms (-1..1; higher = terms that really occur together).
    """

    label: str
    terms: tuple[str, ...]
    quote_indices: tuple[int, ...]
    member_indices: tuple[int, ...]
    coherence: float

    @property
    def size(self) -> int:
        return len(self.member_indices)


def _fold_apostrophes(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


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


def _top_terms(component: np.ndarray, vocabulary: np.ndarray, n_terms: int) -> tuple[list[int], list[str]]:
    """The heaviest terms, skipping a word already shown inside a heavier phrase (or vice versa)."""
    ids: list[int] = []
    terms: list[str] = []
    for index in np.argsort(-component, kind="stable"):
        if component[index] <= 0 or len(terms) >= n_terms:
            break
        term = str(vocabulary[index])
        words = set(term.split())
        if any(words <= set(other.split()) or set(other.split()) <= words for other in terms):
            continue
        ids.append(int(index))
        terms.append(term)
    return ids, terms


def _factorise(X, k: int, random_state: int):
    model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=1000, tol=1e-4)
    with warnings.catch_warnings():
        # A not-quite-converged factorisation still gives usable candidate themes.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(X)
    return weights, model.components_


def _choose_n_themes(X, max_themes: int, random_state: int) -> int:
    """The largest number of themes (2..max_themes) for which every theme is the main theme of at least
    max(5, 2 %) of the texts: as fine a split as the texts support, without anecdotes posing as themes.
    Chosen on a sample of texts when there are many (one factorisation per candidate number)."""
    if X.shape[0] > _SELECTION_SAMPLE:
        sample = np.random.RandomState(random_state).choice(X.shape[0], _SELECTION_SAMPLE, replace=False)
        X = X[np.sort(sample)]
    n_docs = X.shape[0]
    min_size = max(5, math.ceil(0.02 * n_docs))
    best = 2
    for k in range(2, min(max_themes, n_docs // min_size, X.shape[1]) + 1):
        weights, _ = _factorise(X, k, random_state)
        dominant = weights.argmax(axis=1)[weights.max(axis=1) > 0]
        if np.bincount(dominant, minlength=k).min() >= min_size:
            best = k
    return best


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

    Method (see the module docstring): TF-IDF of words and two-word phrases (English stop words and
    common fillers removed; terms in at least 2 texts and at most half of them), factorised by NMF;
    each text belongs to the theme it loads on most. ``n_themes`` is a number of themes, or ``"auto"``
    for the largest number up to ``max_themes`` in which every theme is the main theme of at least
    max(5, 2 %) of the texts (judged on a sample of 3,000 texts when there are more). Themes no text
    belongs to are dropped, so fewer than ``n_themes`` may come back. Deterministic for a given
    ``random_state``.

    Raises ``CodingDataError`` for fewer than 10 texts with words, too little shared vocabulary, or a
    bad parameter.
    """
    texts = _check_texts(texts)
    for name, value, low in (
        ("n_terms", n_terms, 2),
        ("n_quotes", n_quotes, 1),
        ("max_themes", max_themes, 2),
    ):
        if isinstance(value, bool) or not (isinstance(value, int) and value >= low):
            raise CodingDataError(f"{name} must be a whole number, {low} or more; got {value!r}.")
    if n_themes != "auto" and (
        isinstance(n_themes, bool) or not (isinstance(n_themes, int) and n_themes >= 1)
    ):
        raise CodingDataError(f'n_themes must be a whole number, 1 or more, or "auto"; got {n_themes!r}.')
    rows = [i for i, text in enumerate(texts) if text.strip()]
    if len(rows) < 10:
        raise CodingDataError("Theme discovery needs at least 10 texts with words in them.")
    vectoriser = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words=_THEME_STOP_WORDS,
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        preprocessor=_fold_apostrophes,
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b",
    )
    try:
        X = vectoriser.fit_transform([texts[i] for i in rows])
    except ValueError:  # empty vocabulary after pruning
        X = None
    if X is None or X.shape[1] < 4:
        raise CodingDataError("The texts share too few words to find themes in.")
    vocabulary = vectoriser.get_feature_names_out()

    if n_themes == "auto":
        k = _choose_n_themes(X, max_themes, random_state)
    else:
        k = min(n_themes, X.shape[0], X.shape[1])

    weights, components = _factorise(X, k, random_state)
    binary = (X > 0).astype(np.float64).tocsc()
    dominant = weights.argmax(axis=1)
    has_weight = weights.max(axis=1) > 0
    share = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    themes = []
    for t, component in enumerate(components):
        members = np.flatnonzero((dominant == t) & has_weight)
        if len(members) == 0:
            continue
        ids, terms = _top_terms(component, vocabulary, n_terms)
        # Representative quotes: strongly about this theme, and about little else.
        ranked = sorted(members, key=lambda i: (-share[i, t] * weights[i, t], i))[:n_quotes]
        themes.append(
            Theme(
                label=", ".join(terms[:3]),
                terms=tuple(terms),
                quote_indices=tuple(rows[i] for i in ranked),
                member_indices=tuple(rows[i] for i in members),
                coherence=_npmi_coherence(binary, ids),
            )
        )
    themes.sort(key=lambda theme: (-theme.size, theme.label))
    return themes
