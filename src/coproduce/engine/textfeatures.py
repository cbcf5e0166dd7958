"""Text features for assisted coding: TF-IDF of words and characters, for the whole text and its opening.

Why the opening gets its own features: when people give one code to a whole free-text response, they
mostly code what it opens with. On the NHS Friends and Family Test comments a linear model's agreement
with the human codes falls steadily with length (kappa about 0.87 under 20 characters, 0.32 over 200).
Besides TF-IDF of the whole text, ``PositionalTfidf`` adds the same TF-IDF computed on the first 2, 4, 8,
16 and 32 tokens, so a linear model can learn that "staff" near the start matters more than "staff" in
passing at the end. Each view is scaled to unit length, as in scikit-learn's ``TfidfVectorizer``.

Tokens are runs of word characters or runs of punctuation, lower-cased. Word features are 1- and
2-grams of tokens; character features are 2- to 5-grams of each token padded with a space on each side
(scikit-learn's ``char_wb`` analyser), which copes with misspellings and run-together words. A term is
kept if it occurs in at least ``min_df`` training texts. Term frequency is sublinear (1 + log tf) and
idf is smoothed, ln((1 + n) / (1 + df)) + 1, both as in scikit-learn.

Character n-grams are computed once per distinct token and summed through a sparse documents x tokens
matrix, so the six views together cost little more than one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"\w+|[^\w\s]+")


def tokenise(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _char_ngrams(token: str, low: int, high: int) -> list[str]:
    padded = f" {token} "
    grams = []
    for n in range(low, high + 1):
        if len(padded) <= n:
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


class PositionalTfidf:
    """Word and character TF-IDF of whole texts and of their first ``prefixes`` tokens (see module doc).

    ``fit(texts)`` learns the vocabulary and idf; ``transform(texts)`` returns a sparse matrix with one
    row per text and ``(1 + len(prefixes)) * (n_words + n_chars)`` columns.
    """

    def __init__(
        self,
        prefixes: Sequence[int] = (2, 4, 8, 16, 32),
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
    ):
        self.prefixes = prefixes
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df

    # ------------------------------------------------------------------------------- occurrences
    def _word_occurrences(self, docs: list[list[str]]):
        """Yield (doc, term, position of the term's last token) for every word n-gram."""
        low, high = self.word_ngrams
        for d, tokens in enumerate(docs):
            for n in range(low, high + 1):
                for i in range(len(tokens) - n + 1):
                    yield d, tokens[i] if n == 1 else " ".join(tokens[i : i + n]), i + n - 1

    def _token_table(self, docs: list[list[str]]):
        """Distinct tokens of ``docs`` and (doc, token id, position) arrays for every token occurrence."""
        index: dict[str, int] = {}
        rows, cols, positions = [], [], []
        for d, tokens in enumerate(docs):
            for p, token in enumerate(tokens):
                rows.append(d)
                cols.append(index.setdefault(token, len(index)))
                positions.append(p)
        return index, np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(positions)

    def _token_chars(self, tokens: dict[str, int]) -> sparse.csr_matrix:
        """tokens x character-n-gram counts, over the fitted character vocabulary."""
        rows, cols = [], []
        cache = self.char_cache_
        vocabulary = self.char_vocabulary_
        low, high = self.char_ngrams
        for token, t in tokens.items():
            ids = cache.get(token)
            if ids is None:
                ids = [vocabulary[g] for g in _char_ngrams(token, low, high) if g in vocabulary]
            rows.extend([t] * len(ids))
            cols.extend(ids)
        data = np.ones(len(rows), dtype=np.float64)
        return sparse.csr_matrix((data, (rows, cols)), shape=(len(tokens), len(vocabulary)))

    # ------------------------------------------------------------------------------------ fitting
    def fit(self, texts: Sequence[str]) -> PositionalTfidf:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        docs = [tokenise(text) for text in texts]
        n_docs = len(docs)

        # Word n-grams: document frequency, then vocabulary.
        df: dict[str, int] = {}
        seen: set = set()
        last_doc = -1
        for d, term, _ in self._word_occurrences(docs):
            if d != last_doc:
                seen = set()
                last_doc = d
            if term not in seen:
                seen.add(term)
                df[term] = df.get(term, 0) + 1
        terms = sorted(t for t, k in df.items() if k >= self.min_df)
        self.word_vocabulary_ = {t: i for i, t in enumerate(terms)}
        word_df = np.array([df[t] for t in terms], dtype=np.float64)

        # Character n-grams: count over distinct tokens, document frequency through the doc x token matrix.
        tokens, rows, cols, _ = self._token_table(docs)
        low, high = self.char_ngrams
        gram_index: dict[str, int] = {}
        t_rows, t_cols = [], []
        for token, t in tokens.items():
            for gram in set(_char_ngrams(token, low, high)):
                t_rows.append(t)
                t_cols.append(gram_index.setdefault(gram, len(gram_index)))
        token_grams = sparse.csr_matrix(
            (np.ones(len(t_rows)), (t_rows, t_cols)), shape=(len(tokens), len(gram_index))
        )
        doc_tokens = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_docs, len(tokens)))
        presence = doc_tokens @ token_grams
        presence.data[:] = 1.0
        gram_df = np.asarray(presence.sum(axis=0)).ravel()
        keep = np.flatnonzero(gram_df >= self.min_df)
        grams = sorted(gram_index, key=gram_index.get)
        self.char_vocabulary_ = {grams[g]: i for i, g in enumerate(keep)}
        char_df = gram_df[keep]

        self.word_idf_ = np.log((1 + n_docs) / (1 + word_df)) + 1
        self.char_idf_ = np.log((1 + n_docs) / (1 + char_df)) + 1
        # Remember the in-vocabulary n-grams of training tokens, the common case at suggestion time.
        self.char_cache_ = {}
        vocabulary = self.char_vocabulary_
        for token in tokens:
            self.char_cache_[token] = [
                vocabulary[g] for g in _char_ngrams(token, low, high) if g in vocabulary
            ]
        return self._transform_docs(docs)

    # ------------------------------------------------------------------------------- transforming
    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if not hasattr(self, "word_vocabulary_"):
            raise RuntimeError("PositionalTfidf is not fitted yet.")
        return self._transform_docs([tokenise(text) for text in texts])

    @property
    def n_features_(self) -> int:
        return (1 + len(self.prefixes)) * (len(self.word_vocabulary_) + len(self.char_vocabulary_))

    def _transform_docs(self, docs: list[list[str]]) -> sparse.csr_matrix:
        n_docs = len(docs)
        vocabulary = self.word_vocabulary_
        w_rows, w_cols, w_pos = [], [], []
        for d, term, p in self._word_occurrences(docs):
            j = vocabulary.get(term)
            if j is not None:
                w_rows.append(d)
                w_cols.append(j)
                w_pos.append(p)
        w_rows, w_cols, w_pos = (
            np.array(w_rows, dtype=np.int64),
            np.array(w_cols, dtype=np.int64),
            np.array(w_pos),
        )
        tokens, t_rows, t_cols, t_pos = self._token_table(docs)
        token_chars = self._token_chars(tokens)

        blocks = []
        for limit in (None, *self.prefixes):
            w_mask = slice(None) if limit is None else w_pos < limit
            words = sparse.csr_matrix(
                (np.ones(len(w_rows[w_mask])), (w_rows[w_mask], w_cols[w_mask])),
                shape=(n_docs, len(vocabulary)),
            )
            t_mask = slice(None) if limit is None else t_pos < limit
            doc_tokens = sparse.csr_matrix(
                (np.ones(len(t_rows[t_mask])), (t_rows[t_mask], t_cols[t_mask])), shape=(n_docs, len(tokens))
            )
            chars = (doc_tokens @ token_chars).tocsr()
            blocks.append(_tfidf(words, self.word_idf_))
            blocks.append(_tfidf(chars, self.char_idf_))
        return sparse.hstack(blocks, format="csr", dtype=np.float32)


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    counts.sum_duplicates()
    counts.data = 1.0 + np.log(counts.data)
    weighted = counts @ sparse.diags(idf)
    weighted = sparse.csr_matrix(weighted)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ weighted
