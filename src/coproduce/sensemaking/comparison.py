"""Compare coders: gather codings from the database and hand spans to ``coproduce.engine.agreement``.

Only sources in the analysis (not withdrawn) and that at least two of the chosen coders have coded
are compared; a code is compared in a source when any chosen coder used it there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from coproduce.engine import agreement as engine

from .models import Code, Coding, Source


@dataclass
class Comparison:
    """Agreement on one code, in one source or pooled over sources."""

    code: Code
    source: Source | None
    characters: int
    percent_agreement: float
    kappa: float | None  # two coders only
    alpha: float | None  # None: undefined (nobody varied)
    coders_who_used: list


@dataclass
class AgreementReport:
    coders: list
    sources: list[Source]
    by_source: dict[int, list[Comparison]] = field(default_factory=dict)
    by_code: list[Comparison] = field(default_factory=list)

    @property
    def pairwise(self) -> bool:
        return len(self.coders) == 2


def _spans(codings) -> dict:
    """{source_id: {code_id: {coder_id: [(start, end), ...]}}}"""
    spans: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for source_id, code_id, coder_id, start, end in codings:
        spans[source_id][code_id][coder_id].append((start, end))
    return spans


def _all_agree(length: int, spans_by_coder: dict, n_coders: int) -> float:
    """Per cent of characters on which every coder agrees (all coded, or none did)."""
    if length == 0:
        return 100.0
    runs = engine.coverage_runs(length, spans_by_coder)
    agreed = sum(r.end - r.start for r in runs if len(r.coders) in (0, n_coders))
    return 100.0 * agreed / length


def _alpha(length: int, spans_by_coder: dict) -> float | None:
    try:
        return engine.span_alpha(length, spans_by_coder)
    except engine.AgreementDataError:
        return None


def compare(sources: list[Source], codes: dict[int, Code], coders: list, codings) -> AgreementReport:
    """Agreement per source and code, and per code pooled over the compared sources.

    ``codings`` is an iterable of (source_id, code_id, coder_id, start, end) for the chosen coders.
    """
    coder_ids = [c.pk for c in coders]
    spans = _spans(codings)
    report = AgreementReport(coders=coders, sources=[])
    # A source is compared when at least two chosen coders coded anything in it.
    for source in sources:
        coded_by = {coder for by_coder in spans.get(source.pk, {}).values() for coder in by_coder}
        if len(coded_by & set(coder_ids)) >= 2:
            report.sources.append(source)
    pooled: dict[int, dict] = defaultdict(
        lambda: {"length": 0, "spans": {c: [] for c in coder_ids}, "used": set()}
    )
    for source in report.sources:
        length = len(source.text)
        rows = []
        for code_id, by_coder in sorted(spans[source.pk].items(), key=lambda kv: codes[kv[0]].path.lower()):
            spans_by_coder = {c: by_coder.get(c, []) for c in coder_ids}
            used = [c for c in coders if by_coder.get(c.pk)]
            if report.pairwise:
                a, b = coder_ids
                result = engine.span_agreement(length, spans_by_coder[a], spans_by_coder[b])
                percent, kappa = result.percent_agreement, result.kappa
            else:
                percent, kappa = _all_agree(length, spans_by_coder, len(coder_ids)), None
            rows.append(
                Comparison(
                    code=codes[code_id],
                    source=source,
                    characters=length,
                    percent_agreement=percent,
                    kappa=kappa,
                    alpha=_alpha(length, spans_by_coder),
                    coders_who_used=used,
                )
            )
            entry = pooled[code_id]
            for coder, coder_spans in spans_by_coder.items():
                entry["spans"][coder].extend(
                    (s + entry["length"], e + entry["length"]) for s, e in coder_spans
                )
            entry["used"].update(c.pk for c in used)
        report.by_source[source.pk] = rows
        # Every compared source counts towards every code's pooled figures, coded or not (NVivo's
        # size-weighted view over sources): add this source's length to codes not used in it as well.
        for code_id in codes:
            pooled[code_id]["length"] += length
    total_by_code = {}
    for code_id, entry in pooled.items():
        if not entry["used"]:
            continue
        length = entry["length"]
        if report.pairwise:
            a, b = coder_ids
            result = engine.span_agreement(length, entry["spans"][a], entry["spans"][b])
            percent, kappa = result.percent_agreement, result.kappa
        else:
            percent, kappa = _all_agree(length, entry["spans"], len(coder_ids)), None
        total_by_code[code_id] = Comparison(
            code=codes[code_id],
            source=None,
            characters=length,
            percent_agreement=percent,
            kappa=kappa,
            alpha=_alpha(length, entry["spans"]),
            coders_who_used=[c for c in coders if c.pk in entry["used"]],
        )
    report.by_code = sorted(total_by_code.values(), key=lambda c: c.code.path.lower())
    return report


@dataclass
class Difference:
    """A run of text some chosen coders coded with the code and others did not."""

    start: int
    end: int
    text: str
    coded_by: list
    not_coded_by: list


def differences(source: Source, code: Code, coders: list, codings: list[Coding]) -> list[Difference]:
    """Where the chosen coders read this source differently for this code, in text order."""
    spans_by_coder = {c.pk: [] for c in coders}
    for coding in codings:
        if coding.coder_id in spans_by_coder:
            spans_by_coder[coding.coder_id].append((coding.start, coding.end))
    runs = engine.coverage_runs(len(source.text), spans_by_coder)
    result = []
    for run in runs:
        if 0 < len(run.coders) < len(coders):
            text = source.text[run.start : run.end]
            if not text.strip():
                continue
            result.append(
                Difference(
                    start=run.start,
                    end=run.end,
                    text=text.strip(),
                    coded_by=[c for c in coders if c.pk in run.coders],
                    not_coded_by=[c for c in coders if c.pk not in run.coders],
                )
            )
    return result
