"""Benchmark: our OpinionMap against red-dwarf 0.4.0 (a Python reproduction of Polis's maths).

    .venv/bin/python bench/opinion_vs_reddwarf.py [--quick] [--cases NAME ...]

Both engines get the same input in the same run — each participant's latest vote per statement, in
chronological order, with Polis's moderated-out statements — and run one at a time in a fresh
subprocess with OMP_NUM_THREADS=1, so that peak memory (ru_maxrss of the process: interpreter,
libraries, data and the fit) is measured honestly. For each case it prints our time, red-dwarf's, the
ratio, peak memory of each and, for the Polis open-data conversations, the adjusted Rand index of
each engine's groups against Polis's published ``group-id`` (over the participants Polis grouped;
a participant an engine leaves ungrouped counts as a group of its own). Times are the best of
``--repeat`` fits in the same process. Our time covers everything red-dwarf computes (PCA, groups,
representative statements, consensus, group-informed consensus, priority); ``stability_`` has no
red-dwarf counterpart and is printed separately. ``--quick`` skips red-dwarf on the 50k × 2k case
(it takes minutes and gigabytes).

Where the export has vote times (``votes.csv``), ours is ``OpinionMap.fit_history`` — Polis's sticky
``in-conv`` replayed update by update — and its time includes the replay; ``now ARI`` is the
present-only ``fit`` beside it. ``in-conv J`` is the Jaccard overlap of the participants we group with
those Polis grouped (Polis groups exactly its ``in-conv``), or with the ``in-conv`` of a Polis math
blob (``math-pca2.json``, see ``polis_io.find_polis_math``) saved in the folder; ``rep J`` is the
Jaccard overlap of representative statements, as (statement, agree/disagree) over all groups, with
the blob's ``repness`` — only where such a blob exists (the open-data exports carry no repness).

Needs the ``bench`` extra: ``pip install -e ".[bench]"`` (red-dwarf==0.4.0).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# COPRODUCE_POLIS_OPENDATA points elsewhere (e.g. from a git worktree, with no ../shared beside it)
OPENDATA = Path(
    os.environ.get("COPRODUCE_POLIS_OPENDATA") or HERE.parent.parent / "shared" / "data" / "polis-opendata"
)
SYNTHETIC = {"synthetic-10k-1k": (10_000, 1_000, 500_000), "synthetic-50k-2k": (50_000, 2_000, 2_000_000)}
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


# ---------------------------------------------------------------------------- worker side


def _load(case: str):
    """(participant_ids, statement_ids, values, times, excluded, polis_groups, polis_math) — the latest
    votes, in time order; times are None without a votes.csv."""
    import numpy as np

    if case in SYNTHETIC:
        sys.path.insert(0, str(HERE))
        from synthetic import synthetic_conversation

        n_p, n_s, n_v = SYNTHETIC[case]
        p, s, v, _ = synthetic_conversation(n_p, n_s, n_v, seed=0)
        return p, s, v, None, [], {}, None
    from coproduce.engine._votes import latest_votes
    from coproduce.engine.polis_io import find_polis_math, read_polis_export, read_polis_math

    export = read_polis_export(OPENDATA / case)
    p, s, v = export.participant_ids, export.statement_ids, export.values
    # red-dwarf cannot take repeated votes: give both engines the latest vote of each pair, in time order
    # (a repeated vote never changes Polis's in-conv: it counts statements voted on, not votes)
    order = np.arange(p.size)
    _, _, last = latest_votes(p, s, order, int(s.max()) + 1)
    last = np.sort(last)
    times = export.vote_times[last] if export.has_history else None
    blob = find_polis_math(OPENDATA / case)
    math = read_polis_math(blob) if blob else None
    return p[last], s[last], v[last], times, sorted(export.excluded), export.polis_groups, math


def _jaccard(a: set, b: set) -> float | None:
    return len(a & b) / len(a | b) if a | b else None


def _repness_pairs(model) -> set:
    return {(int(r.statement_id), r.direction) for group in model.repness_ for r in group}


def _ari_vs_polis(labels: dict, polis_groups: dict) -> float | None:
    if not polis_groups:
        return None
    from coproduce.engine.stability import adjusted_rand_index

    ids = list(polis_groups)
    return adjusted_rand_index([labels.get(q, -1) for q in ids], [polis_groups[q] for q in ids])


def _worker(engine: str, case: str, repeat: int) -> dict:
    import resource

    p, s, v, vote_times, excluded, polis_groups, polis_math = _load(case)
    result: dict = {"engine": engine, "case": case, "votes": int(len(v))}
    times = []
    if engine == "ours":
        from coproduce.engine.opinion import OpinionMap

        for _ in range(repeat):
            t = time.perf_counter()
            if vote_times is not None:
                m = OpinionMap().fit_history(p, s, v, vote_times, excluded_statements=excluded)
            else:
                m = OpinionMap().fit(p, s, v, excluded_statements=excluded)
            times.append(time.perf_counter() - t)
        labels = dict(zip(m.participants_.tolist(), m.groups_.tolist(), strict=True))
        result["history"] = vote_times is not None
        if polis_groups or polis_math:
            published = polis_math.in_conversation if polis_math else set(polis_groups)
            result["in_conv_j"] = _jaccard(set(m.participants_[m.in_conversation_].tolist()), published)
        if polis_math and polis_math.repness:
            result["rep_j"] = _jaccard(_repness_pairs(m), {(t, d) for _, t, d in polis_math.repness})
        if vote_times is not None and polis_groups:
            now = OpinionMap(n_resamples=0).fit(p, s, v, excluded_statements=excluded)
            result["now_ari"] = _ari_vs_polis(
                dict(zip(now.participants_.tolist(), now.groups_.tolist(), strict=True)), polis_groups
            )
        t = time.perf_counter()
        result["stability"] = m.stability_
        result["stability_seconds"] = time.perf_counter() - t
        result["groups"] = m.group_sizes_.tolist()
        if case == "synthetic-10k-1k":
            result["update_ms"] = _update_ms(p, s, v)
    else:
        import warnings

        from reddwarf.implementations.polis import run_pipeline

        warnings.filterwarnings("ignore")
        votes = [
            {"participant_id": int(a), "statement_id": int(b), "vote": int(c), "modified": i}
            for i, (a, b, c) in enumerate(zip(p.tolist(), s.tolist(), v.tolist(), strict=True))
        ]
        for _ in range(repeat):
            t = time.perf_counter()
            r = run_pipeline(votes=votes, mod_out_statement_ids=excluded, random_state=0)
            times.append(time.perf_counter() - t)
        labels = {}
        for pid, cid in r.participants_df["cluster_id"].items():
            labels[int(pid)] = -1 if cid is None or str(cid) == "<NA>" else int(cid)
        result["groups"] = sorted(
            (sum(1 for x in labels.values() if x == g) for g in set(labels.values()) if g >= 0), reverse=True
        )
    result["seconds"] = min(times)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["ari"] = _ari_vs_polis(labels, polis_groups)
    return result


def _update_ms(p, s, v) -> float:
    """Median time of an update with 10 new votes after a fit on a 10k-participant conversation."""
    import numpy as np

    from coproduce.engine.opinion import OpinionMap

    m = OpinionMap().fit(p, s, v)
    rng = np.random.default_rng(1)
    times = []
    for _ in range(7):
        new_p = rng.integers(0, 10_000, 10)
        new_s = rng.integers(0, 1_000, 10)
        new_v = rng.choice([-1, 0, 1], 10)
        t = time.perf_counter()
        m.update(new_p, new_s, new_v)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


# ---------------------------------------------------------------------------- driver side


def _run(engine: str, case: str, repeat: int) -> dict:
    env = {**os.environ, **{k: "1" for k in THREAD_VARS}}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, case, "--repeat", str(repeat)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"engine": engine, "case": case, "error": tail}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt(x, spec: str, missing: str = "—") -> str:
    return missing if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "CASE"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeat", type=int, default=3, help="fits per case and engine; the best time counts"
    )
    parser.add_argument("--quick", action="store_true", help="skip red-dwarf on the 50k × 2k case")
    parser.add_argument("--cases", nargs="*", help="only these cases")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker[0], args.worker[1], args.repeat)))
        return 0

    real = (
        sorted(
            d.name
            for d in OPENDATA.iterdir()
            if d.is_dir() and ((d / "votes.csv").exists() or (d / "participants-votes.csv").exists())
        )
        if OPENDATA.is_dir()
        else []
    )
    if not real:
        print(f"note: no Polis open data at {OPENDATA}; running the synthetic cases only")
    cases = [c for c in [*real, *SYNTHETIC] if not args.cases or c in args.cases]
    print(f"OMP_NUM_THREADS=1, {os.cpu_count()} cores, best of {args.repeat} fits (1 for 50k × 2k)\n")
    head = (
        f"{'case':34s} {'votes':>9s} {'ours s':>8s} {'red-dwarf s':>11s} {'ratio':>7s} "
        f"{'ours MB':>8s} {'rd MB':>7s} {'fit':>4s} {'ours ARI':>8s} {'now ARI':>7s} {'rd ARI':>7s} "
        f"{'in-conv J':>9s} {'rep J':>5s}  groups (ours | rd)"
    )
    print(head)
    print("-" * len(head))
    rows = []
    for case in cases:
        repeat = 1 if case == "synthetic-50k-2k" else args.repeat
        ours = _run("ours", case, repeat)
        skip_rd = args.quick and case == "synthetic-50k-2k"
        rd = (
            {"engine": "reddwarf", "case": case, "error": "skipped (--quick)"}
            if skip_rd
            else _run("reddwarf", case, repeat)
        )
        rows.append((case, ours, rd))
        ratio = rd["seconds"] / ours["seconds"] if "seconds" in rd and "seconds" in ours else None
        print(
            f"{case[:34]:34s} {ours.get('votes', 0):9,d} {_fmt(ours.get('seconds'), '8.3f')} "
            f"{_fmt(rd.get('seconds'), '11.3f')} {_fmt(ratio, '6.1f')}× {_fmt(ours.get('peak_mb'), '8.0f')} "
            f"{_fmt(rd.get('peak_mb'), '7.0f')} {'hist' if ours.get('history') else 'now':>4s} "
            f"{_fmt(ours.get('ari'), '8.3f')} {_fmt(ours.get('now_ari'), '7.3f')} "
            f"{_fmt(rd.get('ari'), '7.3f')} {_fmt(ours.get('in_conv_j'), '9.3f')} "
            f"{_fmt(ours.get('rep_j'), '5.2f')}  "
            f"{ours.get('groups', ours.get('error'))} | {rd.get('groups', rd.get('error'))}",
            flush=True,
        )

    print()
    for case, ours, _ in rows:
        if "stability" in ours:
            print(
                f"stability {case[:34]:34s} {ours['stability']:.2f}  "
                f"({ours['stability_seconds']:.3f} s, ours only)"
            )
        if "update_ms" in ours:
            print(f"\nincremental update, 10 new votes on {case}: {ours['update_ms']:.1f} ms (median of 7)")
    scored = [(c, o, r) for c, o, r in rows if o.get("ari") is not None]
    if scored:
        ours_med = statistics.median(o["ari"] for _, o, _ in scored)
        rd_scores = [r["ari"] for _, _, r in scored if r.get("ari") is not None]
        print(
            f"\nmedian ARI vs Polis over {len(scored)} conversations: ours {ours_med:.3f}, "
            f"red-dwarf {statistics.median(rd_scores) if rd_scores else float('nan'):.3f}"
        )
        worst = min(
            ((o["ari"] - r["ari"], c) for c, o, r in scored if r.get("ari") is not None), default=None
        )
        if worst:
            print(f"largest shortfall against red-dwarf: {worst[0]:+.3f} ({worst[1]})")
        timed = [r["seconds"] / o["seconds"] for _, o, r in rows if "seconds" in o and "seconds" in r]
        if timed:
            median_ratio = statistics.median(timed)
            print(
                f"time ratio red-dwarf / ours over {len(timed)} cases: median {median_ratio:.1f}×, "
                f"lowest {min(timed):.1f}×"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
