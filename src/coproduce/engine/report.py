"""``coproduce analyse PATH [--json FILE]``: a readable common-ground report for a Polis export folder.

It prints the opinion groups and their sizes, what each group believes, the common ground (consensus
and group-informed consensus), bridging statements and how stable the groups are; ``--json`` writes
all of it, per statement and per participant, for other tools. Bad input gets one clear line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from .bridging import MIN_BRIDGING_RATINGS, BridgingModel
from .opinion import GROUP_CONSENSUS_THRESHOLD, OpinionDataError, build_opinion_map
from .polis_io import PolisExport, read_polis_export
from .stability import stability_percent

SHOWN = 5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coproduce analyse",
        description="Find opinion groups, common ground and bridging statements in a Polis export folder.",
    )
    parser.add_argument("path", help="folder holding votes.csv (or participants-votes.csv) and comments.csv")
    parser.add_argument(
        "--json", metavar="FILE", help="also write the full analysis as JSON to FILE ('-' for stdout)"
    )
    parser.add_argument(
        "--groups",
        type=int,
        default=None,
        metavar="N",
        help="fix the number of opinion groups instead of choosing 2-5 automatically",
    )
    parser.add_argument(
        "--top", type=int, default=SHOWN, metavar="N", help=f"statements shown per list (default {SHOWN})"
    )
    parser.add_argument(
        "--group-consensus-threshold",
        type=float,
        default=GROUP_CONSENSUS_THRESHOLD,
        metavar="P",
        help="least group-informed consensus (0-1) for 'agreed in every group'; a majority of every group "
        f"must agree too (default {GROUP_CONSENSUS_THRESHOLD}, as the web platform's default)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (0 ok, 1 nothing to analyse, 2 bad input)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help or a usage error: argparse has already printed why
        return int(exc.code or 0)
    if args.groups is not None and not 1 <= args.groups <= 10:
        print("coproduce analyse: error: --groups must be between 1 and 10", file=sys.stderr)
        return 2
    if args.top < 1:
        print("coproduce analyse: error: --top must be at least 1", file=sys.stderr)
        return 2
    if not 0 <= args.group_consensus_threshold <= 1:
        print("coproduce analyse: error: --group-consensus-threshold must be from 0 to 1", file=sys.stderr)
        return 2
    try:
        export = read_polis_export(args.path)
    except OpinionDataError as exc:
        print(f"coproduce analyse: error: {exc}", file=sys.stderr)
        return 2
    if export.values.size == 0:
        print(f"coproduce analyse: {export.path}: there are no votes to analyse yet.", file=sys.stderr)
        return 1
    analysis = analyse(
        export, n_groups=args.groups or "auto", group_consensus_threshold=args.group_consensus_threshold
    )
    print(render(analysis, top=args.top))
    if args.json:
        text = json.dumps(analysis, indent=2, ensure_ascii=False, default=_json_default)
        if args.json == "-":
            print(text)
        else:
            try:
                Path(args.json).write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                print(
                    f"coproduce analyse: error: cannot write {args.json}: {exc.strerror or exc}",
                    file=sys.stderr,
                )
                return 2
    return 0


def analyse(
    export: PolisExport,
    *,
    n_groups: int | str = "auto",
    group_consensus_threshold: float = GROUP_CONSENSUS_THRESHOLD,
) -> dict[str, Any]:
    """Everything the report shows, as plain data (JSON-ready). The map is built by
    ``build_opinion_map``, as the web platform's is, so its figures match the platform's."""
    n_raw = int(export.values.size)
    # with the votes' times, who is in the conversation is replayed as Polis kept it, update by update
    opinion = build_opinion_map(
        export.participant_ids,
        export.statement_ids,
        export.values,
        excluded_statements=export.excluded,
        statements=export.statements,
        vote_times=export.vote_times if export.has_history else None,
        n_groups=n_groups,
        group_consensus_threshold=group_consensus_threshold,
    )
    n_votes = int(opinion.votes_cast_.sum())
    warnings = list(export.warnings)
    if n_raw > n_votes:
        warnings.append(
            f"{n_raw - n_votes} repeated vote(s) on the same statement by the same person: the latest counts"
        )
    texts = {t: export.texts.get(t, "") for t in opinion.statements_.tolist()}
    ids = opinion.statements_.tolist()
    everyone_passed = not np.any(export.values != 0)

    bridging = BridgingModel().fit(
        export.participant_ids, export.statement_ids, export.values, statements=export.statements
    )
    bridge_by_id = dict(zip(bridging.statements_.tolist(), bridging.bridging_scores_.tolist(), strict=True))
    ratings_by_id = dict(zip(bridging.statements_.tolist(), bridging.n_ratings_.tolist(), strict=True))

    group_names = [_group_name(g) for g in range(opinion.n_groups_)]
    groups = []
    for g in range(opinion.n_groups_):
        groups.append(
            {
                "group": group_names[g],
                "size": int(opinion.group_sizes_[g]),
                "representative": [
                    {**_plain(r.__dict__), "text": texts.get(r.statement_id, "")} for r in opinion.repness_[g]
                ],
            }
        )
    stability = opinion.stability_ if opinion.n_groups_ >= 2 else None
    statements = []
    for i, sid in enumerate(ids):
        statements.append(
            {
                "statement_id": _plain(sid),
                "text": texts.get(sid, ""),
                "excluded": bool(opinion.excluded_[i]),
                "votes": int(opinion.votes_per_statement_[i]),
                "group_informed_consensus": _num(opinion.group_informed_consensus_[i]),
                "bridging_score": _num(bridge_by_id.get(sid)),
                "agree_or_disagree_votes": int(ratings_by_id.get(sid, 0)),
                "priority": _num(opinion.priority_[i]),
            }
        )
    participants = [
        {
            "participant_id": _plain(p),
            "group": group_names[g] if g >= 0 else None,
            "votes": int(n),
            "x": _num(xy[0]),
            "y": _num(xy[1]),
        }
        for p, g, n, xy in zip(
            opinion.participants_.tolist(),
            opinion.groups_.tolist(),
            opinion.votes_cast_.tolist(),
            opinion.projection_,
            strict=True,
        )
    ]
    return {
        "source": str(export.path),
        "topic": _topic(export.path),
        "votes_file": export.votes_source,
        "counts": {
            "votes": n_votes,
            "participants": int(opinion.participants_.size),
            "statements": len(ids),
            "statements_excluded": int(opinion.excluded_.sum()),
            "participants_grouped": int((opinion.groups_ >= 0).sum()),
        },
        "everyone_passed": bool(everyone_passed),
        "history": {
            "replayed": bool(export.has_history),
            "updates": int(opinion.history_.n_updates) if export.has_history else None,
        },
        "warnings": warnings,
        "n_groups": int(opinion.n_groups_),
        "stability": _num(stability),
        "stability_percent": stability_percent(_num(stability)),
        "group_consensus_threshold": float(group_consensus_threshold),
        "groups": groups,
        "consensus": [
            {**_plain(c.__dict__), "text": texts.get(c.statement_id, "")} for c in opinion.consensus_
        ],
        "agreed_in_every_group": [
            {
                "statement_id": _plain(x.statement_id),
                "group_informed_consensus": x.probability,
                "agree_shares": list(x.agree_shares),
                "voted_per_group": list(x.n_voted),
                "text": texts.get(x.statement_id, ""),
            }
            for x in opinion.agreed_in_every_group_
        ],
        "statements": statements,
        "participants": participants,
    }


def render(a: dict[str, Any], *, top: int = SHOWN) -> str:
    """The readable report."""
    out: list[str] = []
    c = a["counts"]
    title = a["topic"] or Path(a["source"]).name
    out.append(f"Common ground report: {title}")
    out.append("=" * min(len(out[0]), 100))
    excluded = f" ({c['statements_excluded']} moderated out)" if c["statements_excluded"] else ""
    out.append(
        f"{c['votes']:,} votes by {c['participants']:,} participants "
        f"on {c['statements']:,} statements{excluded}."
    )
    for w in a["warnings"]:
        out.append(f"Note: {w}.")
    history = a.get("history") or {}
    if history.get("replayed"):
        out.append(
            f"Who is in the conversation was replayed from the votes' times over {history['updates']:,} "
            f"update{'' if history['updates'] == 1 else 's'}, as Polis would have kept it."
        )
    else:
        out.append("The export has no vote times, so who is in the conversation is judged on today's votes.")
    if a["everyone_passed"]:
        out.append("")
        out.append("Everyone passed on every statement, so there is no agreement or division to show yet.")
        return "\n".join(out)
    ungrouped = c["participants"] - c["participants_grouped"]
    out.append("")
    if a["n_groups"] >= 2:
        out.append(f"Opinion groups: {a['n_groups']}")
        for g in a["groups"]:
            out.append(f"  {g['group']}: {g['size']:,} people")
    else:
        out.append("Opinion groups: none — the votes do not divide people into groups.")
    if ungrouped:
        out.append(f"  ({ungrouped:,} people voted on too few statements to be placed in a group.)")
    if a["stability"] is not None:
        out.append(f"Stability: {a['stability_percent']}% — {_stability_words(a['stability'])}")

    if a["n_groups"] >= 2:
        out.append("")
        out.append("What each group believes")
        out.append("------------------------")
        for g in a["groups"]:
            out.append(f"{g['group']} ({g['size']:,} people)")
            for r in g["representative"][:top]:
                verb = "agree" if r["direction"] == "agree" else "disagree"
                out.append(
                    _item(
                        f"{r['probability']:.0%} {verb}, {r['repness']:.1f}× as likely as others:",
                        r["text"],
                        r["statement_id"],
                    )
                )
            if not g["representative"]:
                out.append("  (nothing sets this group apart yet)")

    out.append("")
    out.append("Common ground")
    out.append("-------------")
    agreed = [x for x in a["consensus"] if x["direction"] == "agree"][:top]
    disagreed = [x for x in a["consensus"] if x["direction"] == "disagree"][:top]
    if not agreed and not disagreed:
        out.append("  No statement is clearly agreed or disagreed with by most people yet.")
    for x in agreed:
        out.append(_item(f"{x['probability']:.0%} agree:", x["text"], x["statement_id"]))
    for x in disagreed:
        out.append(_item(f"{x['probability']:.0%} disagree:", x["text"], x["statement_id"]))

    live = [s for s in a["statements"] if not s["excluded"] and s["votes"]]
    if a["n_groups"] >= 2:
        threshold = a["group_consensus_threshold"]
        out.append("")
        out.append(
            "Agreed in every group (a majority of every group agrees, and group-informed consensus, "
            f"the chance that one person from each group would all agree, is at least {threshold:.2f})"
        )
        for x in a["agreed_in_every_group"][:top]:
            out.append(_item(f"{x['group_informed_consensus']:.2f}", x["text"], x["statement_id"]))
        if not a["agreed_in_every_group"]:
            out.append("  None yet.")

    out.append("")
    out.append("Bridging statements (support across viewpoints, Community Notes model)")
    bridges = sorted(
        (
            s
            for s in live
            if s["bridging_score"] is not None and s["agree_or_disagree_votes"] >= MIN_BRIDGING_RATINGS
        ),
        key=lambda s: -s["bridging_score"],
    )[:top]
    if not bridges:
        out.append(
            f"  Not enough votes yet (a statement needs {MIN_BRIDGING_RATINGS} agree or disagree votes)."
        )
    for s in bridges:
        out.append(_item(f"{s['bridging_score']:+.2f}", s["text"], s["statement_id"]))
    return "\n".join(out)


def _item(label: str, text: str, statement_id: Any) -> str:
    body = " ".join(str(text).split()) or "(no text)"
    lines = textwrap.wrap(
        f"{label} “{body}” [#{statement_id}]", width=96, initial_indent="  • ", subsequent_indent="    "
    )
    return "\n".join(lines)


def _stability_words(value: float) -> str:
    if value >= 0.8:
        return "solid: the same groups appear when the participants are resampled."
    if value >= 0.5:
        return "fairly stable: the main split holds, some people sit between groups."
    return "fragile: resampling the participants gives different groups, so treat this split with caution."


def _group_name(g: int) -> str:
    return f"Group {chr(ord('A') + g)}" if g < 26 else f"Group {g + 1}"


def _topic(folder: Path) -> str | None:
    summary = folder / "summary.csv"
    try:
        with summary.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.reader(handle):
                if len(row) >= 2 and row[0].strip() == "topic" and row[1].strip():
                    return row[1].strip()
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def _plain(x):
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, np.generic):
        return x.item()
    return x


def _json_default(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
