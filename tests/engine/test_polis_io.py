"""Reading and writing Polis export folders, and the errors a person sees for bad files."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from coproduce.engine.polis_io import (
    OpinionDataError,
    find_polis_math,
    read_polis_export,
    read_polis_math,
    write_polis_export,
)

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def folder(tmp_path, votes=None, comments=None, pv=None):
    if votes is not None:
        (tmp_path / "votes.csv").write_text(VOTES + votes)
    if comments is not None:
        (tmp_path / "comments.csv").write_text(COMMENTS + comments)
    if pv is not None:
        (tmp_path / "participants-votes.csv").write_text(pv)
    return tmp_path


def test_votes_are_sorted_by_time_and_moderation_is_read(tmp_path):
    f = folder(
        tmp_path,
        "30,x,1,7,-1\n10,x,0,7,1\n20,x,0,8,0\n",
        '1,x,0,7,1,0,1,"First, with a comma"\n1,x,1,8,0,1,-1,Second\n',
    )
    e = read_polis_export(f)
    assert e.participant_ids.tolist() == [7, 8, 7]
    assert e.statement_ids.tolist() == [0, 0, 1]
    assert e.values.tolist() == [1, 0, -1]
    assert e.excluded == {1}
    assert e.texts[0] == "First, with a comma"


def test_participants_votes_used_when_votes_csv_is_absent(tmp_path):
    f = folder(
        tmp_path,
        comments="1,x,0,7,1,0,1,A\n1,x,1,8,0,1,1,B\n",
        pv="participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n5,0,0,2,1,1,1,-1\n6,,0,1,0,0,,0\n",
    )
    e = read_polis_export(f)
    assert e.votes_source == "participants-votes.csv"
    assert sorted(
        zip(e.participant_ids.tolist(), e.statement_ids.tolist(), e.values.tolist(), strict=True)
    ) == [(5, 0, 1), (5, 1, -1), (6, 1, 0)]
    assert e.polis_groups == {5: 0}


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        (
            "10,x,0,7,1\n11,x,0,8,yes\n",
            "votes.csv: line 3: vote must be 1 (agree), -1 (disagree) or 0 (pass), not 'yes'",
        ),
        ("10,x,0,7\n", "votes.csv: line 2: expected 5 fields, found 4"),
        ("10,x,zero,7,1\n", "votes.csv: line 2: comment-id must be a whole number, not 'zero'"),
    ],
)
def test_malformed_votes_name_file_line_and_problem(tmp_path, votes, message):
    with pytest.raises(OpinionDataError) as err:
        read_polis_export(folder(tmp_path, votes, "1,x,0,7,1,0,1,A\n"))
    assert str(err.value) == message


def test_missing_column_is_named(tmp_path):
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,voter-id\n1,0,7\n")
    with pytest.raises(
        OpinionDataError,
        match=r"votes.csv: line 1: missing column 'vote' \(found: timestamp, comment-id, voter-id\)",
    ):
        read_polis_export(tmp_path)


def test_not_an_export_folder(tmp_path):
    with pytest.raises(OpinionDataError, match="no votes.csv or participants-votes.csv"):
        read_polis_export(tmp_path)
    with pytest.raises(OpinionDataError, match="no such folder"):
        read_polis_export(tmp_path / "missing")


def test_votes_on_unknown_statements_are_dropped_with_a_warning(tmp_path):
    e = read_polis_export(folder(tmp_path, "1,x,0,7,1\n2,x,5,7,1\n3,x,6,8,-1\n", "1,x,0,7,1,0,1,A\n"))
    assert e.statement_ids.tolist() == [0]
    assert e.warnings == ["2 vote(s) on statement id(s) not in comments.csv were ignored: 5, 6"]


def test_duplicate_comment_ids_are_refused(tmp_path):
    with pytest.raises(OpinionDataError, match="comments.csv: line 3: comment-id 0 appears more than once"):
        read_polis_export(folder(tmp_path, "1,x,0,7,1\n", "1,x,0,7,1,0,1,A\n1,x,0,7,1,0,1,B\n"))


def test_write_then_read_round_trip(tmp_path):
    write_polis_export(
        tmp_path,
        [1, 2, 1],
        [10, 10, 11],
        [1, -1, 0],
        statements={10: "Yes, please", 11: "No"},
        moderated={11: -1},
    )
    e = read_polis_export(tmp_path)
    assert e.participant_ids.tolist() == [1, 2, 1]
    assert e.values.tolist() == [1, -1, 0]
    assert e.texts == {10: "Yes, please", 11: "No"}
    assert e.excluded == {11}
    assert np.array_equal(read_polis_export(tmp_path / "votes.csv").values, e.values)


def test_comment_bodies_are_written_as_given_unless_a_cell_function_is_passed(tmp_path):
    texts = {10: "=HYPERLINK(1)", 11: "fine"}
    write_polis_export(tmp_path / "raw", [1], [10], [1], statements=texts)
    assert read_polis_export(tmp_path / "raw").texts == texts
    write_polis_export(tmp_path / "safe", [1], [10], [1], statements=texts, text_cell=lambda t: f"<{t}>")
    assert read_polis_export(tmp_path / "safe").texts == {10: "<=HYPERLINK(1)>", 11: "<fine>"}


def test_writing_refuses_what_polis_files_cannot_hold(tmp_path):
    with pytest.raises(OpinionDataError, match="values must be 1, -1 or 0; found 3"):
        write_polis_export(tmp_path, [1], [10], [3])
    with pytest.raises(
        OpinionDataError, match="statement ids must be whole numbers in a Polis export; found 'a'"
    ):
        write_polis_export(tmp_path, [1], ["a"], [1])


def test_vote_times_are_read_in_seconds_when_the_export_has_them(tmp_path):
    e = read_polis_export(
        folder(tmp_path, "3000,x,1,7,-1\n1000,x,0,7,1\n", "1,x,0,7,1,0,1,A\n1,x,1,7,0,1,0,B\n")
    )
    assert e.has_history and e.vote_times.tolist() == [1.0, 3.0]
    (tmp_path / "pv").mkdir()
    pv = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0\n7,0,0,1,1,0,1\n"
    without = read_polis_export(folder(tmp_path / "pv", pv=pv))
    assert not without.has_history and without.vote_times is None


def _blob(**extra):
    blob = {
        "base-clusters": {"id": [0, 1, 2], "members": [[5, 6], [7], [8, 9]], "x": [0, 1, 2], "y": [0, 0, 0]},
        "group-clusters": [{"id": 0, "members": [0, 1], "center": [0, 0]}, {"id": 1, "members": [2]}],
        "repness": {"0": [{"tid": 3, "repful-for": "agree"}], "1": [{"tid": 4, "repful-for": "disagree"}]},
    }
    return json.dumps({**blob, **extra}).encode()


def test_polis_math_blob_gives_in_conv_groups_and_repness(tmp_path):
    (tmp_path / "math-pca2.json").write_bytes(_blob())
    math = read_polis_math(find_polis_math(tmp_path))
    assert math.in_conversation == {5, 6, 7, 8, 9}  # no in-conv key: everyone in a base cluster
    assert math.groups == {5: 0, 6: 0, 7: 0, 8: 1, 9: 1}
    assert math.repness == {(0, 3, "agree"), (1, 4, "disagree")}
    (tmp_path / "pca2.json.gz").write_bytes(gzip.compress(_blob(**{"in-conv": [5, 6, 7, 8, 9, 10]})))
    assert read_polis_math(tmp_path / "pca2.json.gz").in_conversation == {5, 6, 7, 8, 9, 10}
    assert find_polis_math(tmp_path / "nowhere") is None


def test_a_broken_math_blob_says_so(tmp_path):
    (tmp_path / "math-pca2.json").write_text("{not json")
    with pytest.raises(OpinionDataError, match="math-pca2.json: not a Polis math blob"):
        read_polis_math(tmp_path / "math-pca2.json")
    (tmp_path / "math-pca2.json").write_text('{"base-clusters": {"id": [1, 2], "members": [[1]]}}')
    with pytest.raises(OpinionDataError, match="not a Polis math blob"):
        read_polis_math(tmp_path / "math-pca2.json")
