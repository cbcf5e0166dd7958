"""Benchmark: assisted coding on the NHS Friends and Family Test comments.

Trains ``coproduce.engine.coding.CodeSuggester`` on part of ``phase_1__train.csv`` (fixed-seed stratified
split), evaluates on the rest -- never trained on -- and on any file given with ``--heldout`` (same
columns), and prints Cohen's kappa against the human codes, macro-F1, accuracy, training time and the
time to suggest codes for 10,000 responses, beside a plain TF-IDF + logistic regression baseline measured
in the same run. It prints figures only, never the comments.

    python bench/assisted_coding.py [--heldout PATH ...] [--data PATH] [--seed 0] [--test-size 0.2]

Also printed, for honesty about duplicates (short comments such as "nothing" recur): kappa on the
held-out comments whose text never occurs in the training part, and the expected calibration error of
the top suggestion's confidence (mean |confidence - accuracy| over ten confidence bins, weighted by size).
When the data has the ``--context-column`` (default ``question``: which question a comment answers), a
third column shows the suggester given that column as context too; the headline figures are text only.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from coproduce.engine.coding import CodeSuggester

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "qual" / "nhs-fft" / "phase_1__train.csv"
N_SUGGEST = 10_000


def load(path: Path, text_column: str, label_column: str, context_column: str | None = None):
    """Texts, labels and (when ``context_column`` is given and present) contexts of a CSV file."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or text_column not in rows[0] or label_column not in rows[0]:
        sys.exit(f"{path}: needs columns {text_column!r} and {label_column!r}.")
    rows = [r for r in rows if (r[text_column] or "").strip() and (r[label_column] or "").strip()]
    contexts = [r[context_column] for r in rows] if context_column and context_column in rows[0] else None
    return [r[text_column] for r in rows], [r[label_column].strip() for r in rows], contexts


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            error += members.mean() * abs(confidence[members].mean() - correct[members].mean())
    return float(error)


def scores(truth: list[str], predicted: list[str]) -> dict[str, float]:
    return {
        "kappa": cohen_kappa_score(truth, predicted),
        "macro_f1": f1_score(truth, predicted, average="macro", zero_division=0),
        "accuracy": accuracy_score(truth, predicted),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="training file (default: %(default)s)"
    )
    parser.add_argument("--heldout", type=Path, action="append", default=[], help="extra held-out file(s)")
    parser.add_argument("--text-column", default="feedback")
    parser.add_argument("--label-column", default="label")
    parser.add_argument(
        "--context-column",
        default="question",
        help="also measure the suggester given this column as context (default: %(default)s; '' for none)",
    )
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    if not args.data.exists():
        sys.exit(f"Training data not found: {args.data}")
    texts, labels, contexts = load(args.data, args.text_column, args.label_column, args.context_column)
    indices = list(range(len(texts)))
    train, test = train_test_split(indices, test_size=args.test_size, random_state=args.seed, stratify=labels)
    train_texts, test_texts = [texts[i] for i in train], [texts[i] for i in test]
    train_labels, test_labels = [labels[i] for i in train], [labels[i] for i in test]
    print(f"data: {args.data.name}: {len(texts)} labelled responses, {len(set(labels))} codes")
    print(
        f"split (seed {args.seed}): train on {len(train_texts)}, "
        f"hold out {len(test_texts)} (never trained on)"
    )

    # --- train, timed ----------------------------------------------------------------------------
    start = time.perf_counter()
    suggester = CodeSuggester().fit(train_texts, train_labels)
    train_time = time.perf_counter() - start
    start = time.perf_counter()
    baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)).fit(
        train_texts, train_labels
    )
    baseline_train_time = time.perf_counter() - start
    with_context = None
    if contexts is not None:
        with_context = CodeSuggester().fit(train_texts, train_labels, contexts=[contexts[i] for i in train])

    # --- suggestion time for 10,000 responses ------------------------------------------------------
    pool = test_texts + [
        t for path in args.heldout for t in load(path, args.text_column, args.label_column)[0]
    ]
    batch = [pool[i % len(pool)] for i in range(N_SUGGEST)]
    start = time.perf_counter()
    suggester.suggest(batch, top_k=3)
    suggest_time = time.perf_counter() - start
    start = time.perf_counter()
    proba = baseline.predict_proba(batch)
    np.argsort(-proba, axis=1)[:, :3]
    baseline_suggest_time = time.perf_counter() - start

    # --- quality ---------------------------------------------------------------------------------
    seen = {normalise(t) for t in train_texts}
    evaluations = [
        (
            "held-out part of " + args.data.name,
            test_texts,
            test_labels,
            None if contexts is None else [contexts[i] for i in test],
        )
    ]
    for path in args.heldout:
        evaluations.append((str(path), *load(path, args.text_column, args.label_column, args.context_column)))

    header = f"{'':36}{'Coproduce':>11}{'TF-IDF+LR':>11}{'ratio':>7}"
    if with_context is not None:
        header += f"{'Coproduce+' + args.context_column:>22}"
    for name, eval_texts, eval_labels, eval_contexts in evaluations:
        proba = suggester.predict_proba(eval_texts)
        ours = [suggester.codes_[i] for i in proba.argmax(axis=1)]
        theirs = list(baseline.predict(eval_texts))
        rows = {"ours": scores(eval_labels, ours), "theirs": scores(eval_labels, theirs)}
        if with_context is not None and eval_contexts is not None:
            context_predictions = with_context.predict(eval_texts, contexts=eval_contexts)
            rows["context"] = scores(eval_labels, context_predictions)
        unseen = [i for i, t in enumerate(eval_texts) if normalise(t) not in seen]
        print(f"\n== {name}: {len(eval_texts)} responses ({len(unseen)} with text not seen in training)")
        print(header)
        for key, label in (("kappa", "Cohen's kappa"), ("macro_f1", "macro-F1"), ("accuracy", "accuracy")):
            a, b = rows["ours"][key], rows["theirs"][key]
            line = f"{label:36}{a:11.4f}{b:11.4f}{a / b:7.2f}"
            if "context" in rows:
                line += f"{rows['context'][key]:22.4f}"
            print(line)
        if unseen and len(unseen) < len(eval_texts):
            a = cohen_kappa_score([eval_labels[i] for i in unseen], [ours[i] for i in unseen])
            b = cohen_kappa_score([eval_labels[i] for i in unseen], [theirs[i] for i in unseen])
            print(f"{'kappa, texts not seen in training':36}{a:11.4f}{b:11.4f}{a / b:7.2f}")
        correct = np.array([o == t for o, t in zip(ours, eval_labels, strict=True)])
        base_correct = np.array([o == t for o, t in zip(theirs, eval_labels, strict=True)])
        ece = expected_calibration_error(proba.max(axis=1), correct)
        base_ece = expected_calibration_error(baseline.predict_proba(eval_texts).max(axis=1), base_correct)
        print(f"{'calibration error, top confidence':36}{ece:11.4f}{base_ece:11.4f}")

    print("\n== time (this machine, this run; text only)")
    print(f"{'':36}{'Coproduce':>11}{'TF-IDF+LR':>11}{'ratio':>7}")
    print(
        f"{'training (s)':36}{train_time:11.2f}{baseline_train_time:11.2f}"
        f"{train_time / baseline_train_time:7.2f}"
    )
    print(
        f"{'suggest top 3 for 10,000 (s)':36}{suggest_time:11.2f}{baseline_suggest_time:11.2f}"
        f"{suggest_time / baseline_suggest_time:7.2f}"
    )


if __name__ == "__main__":
    main()
