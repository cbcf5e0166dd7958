"""``coproduce analyse``: the report people read, and the messages they get for bad input."""

from __future__ import annotations

import json
import re

import pytest

from coproduce import cli
from coproduce.engine.report import main

from .conftest import OPENDATA, planted_votes

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def export_folder(tmp_path, rows, n_statements, moderated=()):
    (tmp_path / "votes.csv").write_text(
        VOTES + "".join(f"{i},x,{s},{p},{v}\n" for i, (p, s, v) in enumerate(rows))
    )
    (tmp_path / "comments.csv").write_text(
        COMMENTS
        + "".join(
            f"0,x,{s},0,0,0,{-1 if s in moderated else 1},Statement number {s}\n" for s in range(n_statements)
        )
    )
    return tmp_path


def planted_folder(tmp_path, **kwargs):
    p, s, v, _ = planted_votes((30, 20), 16, **kwargs)
    return export_folder(
        tmp_path, list(zip(p.tolist(), s.tolist(), v.tolist(), strict=True)), 16, moderated={3}
    )


def test_report_shows_groups_beliefs_common_ground_bridges_and_stability(tmp_path, capsys):
    assert main([str(planted_folder(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "800 votes by 50 participants on 16 statements (1 moderated out)." in out
    assert "Opinion groups: 2\n  Group A: 30 people\n  Group B: 20 people" in out
    assert "Stability: " in out
    for heading in (
        "What each group believes",
        "Common ground",
        "Agreed in every group",
        "Bridging statements",
    ):
        assert heading in out
    assert "“Statement number 3”" not in out  # moderated out


def test_agreed_in_every_group_lists_only_what_a_majority_of_every_group_agrees_with(tmp_path, capsys):
    # Statements 0 and 1 split the two groups (one group rejects each almost to a person); 2 and 3 are
    # agreed by both; everybody passes on 4. Ranking by group-informed consensus alone lists all five.
    p, s, v, _ = planted_votes((30, 20), 4)
    rows = list(zip(p.tolist(), s.tolist(), v.tolist(), strict=True))
    rows += [(person, 4, 0) for person in range(50)]
    assert main([str(export_folder(tmp_path, rows, 5))]) == 0
    out = capsys.readouterr().out
    section = out.split("Agreed in every group")[1].split("Bridging statements")[0]
    assert "at least 0.50)" in section
    listed = [n for n in range(5) if f"“Statement number {n}”" in section]
    assert listed == [2, 3] or listed == [3, 2]
    assert re.search(r"^Stability: \d{1,3}% — ", out, re.MULTILINE)


def test_json_holds_everything(tmp_path, capsys):
    target = tmp_path / "out.json"
    assert main([str(planted_folder(tmp_path)), "--json", str(target)]) == 0
    data = json.loads(target.read_text())
    assert data["n_groups"] == 2 and [g["size"] for g in data["groups"]] == [30, 20]
    assert len(data["statements"]) == 16 and len(data["participants"]) == 50
    assert {"group_informed_consensus", "bridging_score", "priority", "excluded"} <= set(
        data["statements"][0]
    )
    assert 0 <= data["stability"] <= 1


def test_cli_dispatches_analyse(tmp_path, capsys):
    assert cli.main(["analyse", str(planted_folder(tmp_path))]) == 0
    assert "Opinion groups: 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        (
            "1,x,0,7,maybe\n",
            "coproduce analyse: error: votes.csv: line 2: "
            "vote must be 1 (agree), -1 (disagree) or 0 (pass), not 'maybe'\n",
        ),
        ("1,x,0\n", "coproduce analyse: error: votes.csv: line 2: expected 5 fields, found 3\n"),
    ],
)
def test_malformed_file_names_file_line_and_problem(tmp_path, capsys, votes, message):
    (tmp_path / "votes.csv").write_text(VOTES + votes)
    assert main([str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == message and "Traceback" not in captured.err


def test_missing_folder(tmp_path, capsys):
    assert main([str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"coproduce analyse: error: {tmp_path / 'nope'}: no such folder\n"


def test_empty_conversation(tmp_path, capsys):
    assert main([str(export_folder(tmp_path, [], 3))]) == 1
    assert capsys.readouterr().err == f"coproduce analyse: {tmp_path}: there are no votes to analyse yet.\n"


def test_one_statement(tmp_path, capsys):
    rows = [(p, 0, 1 if p % 4 else -1) for p in range(20)]
    assert main([str(export_folder(tmp_path, rows, 1))]) == 0
    out = capsys.readouterr().out
    assert "20 votes by 20 participants on 1 statements." in out
    assert "75% agree" in out or "agree:" in out


def test_everyone_passing(tmp_path, capsys):
    rows = [(p, s, 0) for p in range(10) for s in range(5)]
    assert main([str(export_folder(tmp_path, rows, 5))]) == 0
    assert (
        "Everyone passed on every statement, so there is no agreement or division to show yet."
        in capsys.readouterr().out
    )


def test_duplicate_votes_and_unknown_statements_are_reported(tmp_path, capsys):
    rows = [(p, s, 1) for p in range(10) for s in range(8)] + [(0, 0, -1), (1, 1, -1), (2, 99, 1)]
    assert main([str(export_folder(tmp_path, rows, 8))]) == 0
    out = capsys.readouterr().out
    assert "Note: 1 vote(s) on statement id(s) not in comments.csv were ignored: 99." in out
    assert "Note: 2 repeated vote(s) on the same statement by the same person: the latest counts." in out


def test_bad_options(tmp_path, capsys):
    assert main([str(tmp_path), "--groups", "0"]) == 2
    assert "--groups must be between 1 and 10" in capsys.readouterr().err
    assert main([]) == 2
    assert "the following arguments are required: path" in capsys.readouterr().err


def test_real_conversation_report(capsys):
    folder = OPENDATA / "scoop-hivemind.taxes"
    if not folder.is_dir():
        pytest.skip(f"Polis open data not found at {folder}")
    assert main([str(folder), "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Common ground report: ")
    assert "Opinion groups: 2" in out


def test_report_says_when_it_replays_polis_history(tmp_path, capsys):
    # three one-vote participants on the first evening, then 20 who vote on everything a day later
    rows = [(p, 0, 1) for p in range(3)] + [
        (p, s, 1 if p % 2 else -1) for p in range(3, 23) for s in range(8)
    ]
    lines = [f"{0 if i < 3 else 86_400_000 + i},x,{s},{p},{v}\n" for i, (p, s, v) in enumerate(rows)]
    (tmp_path / "votes.csv").write_text(VOTES + "".join(lines))
    assert main([str(tmp_path), "--json", str(tmp_path / "a.json")]) == 0
    out = capsys.readouterr().out
    assert (
        "Who is in the conversation was replayed from the votes' times over 2 updates, "
        "as Polis would have kept it." in out
    )
    assert "people voted on too few statements" not in out  # Polis kept the first three in
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["history"] == {"replayed": True, "updates": 2}
    assert data["counts"]["participants_grouped"] == 23


def test_report_without_vote_times_says_so(tmp_path, capsys):
    header = "participant,group-id,n-comments,n-votes,n-agree,n-disagree," + ",".join(map(str, range(8)))
    body = "".join(
        f"{p},,0,8,0,0," + ",".join("1" if p % 2 else "-1" for _ in range(8)) + "\n" for p in range(20)
    )
    (tmp_path / "participants-votes.csv").write_text(header + "\n" + body)
    assert main([str(tmp_path)]) == 0
    assert "The export has no vote times, so who is in the conversation is judged on today's votes." in (
        capsys.readouterr().out
    )
