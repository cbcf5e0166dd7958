"""The upload form promises "Everyone else sees the pseudonym": the pages and exports keep that promise.

Speaker labels, narrators' names and every term in the de-identification register are replaced for
everyone who may not see real names, wherever words leave the database; coordinators may switch.
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.coding import do_add_code
from coproduce.sensemaking.actions.themes import do_create_theme
from coproduce.sensemaking.models import Coding
from tests.words import named

from .conftest import REAL_NAMES, code_words, words_on

pytestmark = pytest.mark.django_db

PSEUDONYMISED = (
    "Carer T: I rang the crisis line and nobody answered for an hour.\n"
    "Parent S: My son [her son] sat with me in the waiting room all night.\n"
    "Friend K: Dr [a doctor] on [the ward] was the first person who listened.\n"
    "Carer T: Parent S is right, the nights are the worst.\n"
    "Parent S: I still think about that night.\n"
    "Friend K: The café helped more than anything.\n"
)


def _lines(words: str) -> list[str]:
    return [" ".join(line.split()) for line in words.split("\n") if line.strip()]


def test_members_read_every_line_with_pseudonyms_not_names(client, project, member, group):
    source = group["source"]
    client.force_login(member)
    page = client.get(reverse("sensemaking:source", args=[project.pk, source.pk])).content.decode()
    assert _lines(words_on(page)) == _lines(PSEUDONYMISED)
    assert "Narrator</dt>\n  <dd>Carer T" in page
    for name in REAL_NAMES:
        assert not named(name, page), name
    coding = client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk])).content.decode()
    assert _lines(words_on(coding)) == _lines(PSEUDONYMISED)
    for name in REAL_NAMES:
        assert not named(name, coding), name
    # Nobody but a coordinator can switch: asking for real names changes nothing, and no switch is offered.
    asked = client.get(reverse("sensemaking:source", args=[project.pk, source.pk]) + "?names=real")
    assert _lines(words_on(asked.content.decode())) == _lines(PSEUDONYMISED)
    assert "Show real names" not in asked.content.decode()


def test_coordinators_see_pseudonyms_unless_they_switch_to_real_names(client, project, coordinator, group):
    source = group["source"]
    url = reverse("sensemaking:source", args=[project.pk, source.pk])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert _lines(words_on(page)) == _lines(PSEUDONYMISED)
    assert f'<a href="{url}?names=real">Show real names</a>' in page
    real = client.get(url + "?names=real").content.decode()
    assert _lines(words_on(real)) == _lines(group["source"].text)
    assert "You are seeing real names: only coordinators can." in real
    assert f'<a href="{url}">Show pseudonyms</a>' in real


def test_a_speaker_sees_their_own_name_and_everyone_else_pseudonymised(client, project, group):
    source = group["source"]
    client.force_login(group["tom"])
    page = client.get(reverse("sensemaking:source", args=[project.pk, source.pk])).content.decode()
    lines = _lines(words_on(page))
    assert "Tom: I rang the crisis line and nobody answered for an hour." in lines
    assert "Parent S: My son [her son] sat with me in the waiting room all night." in lines
    assert not named("Daniel", page) and not named("Okafor", page)


def test_coding_comparison_and_theme_pages_show_pseudonyms(client, project, coordinator, member, group):
    source = group["source"]
    code = do_add_code(project, name="Family", acting_user=coordinator)
    code_words(source, code, coordinator, "My son Daniel sat with me in the waiting room all night.")
    code_words(source, code, member, "My son Daniel sat with me")
    code_words(source, code, member, "Dr Okafor on Ward 9 was the first person who listened.")
    theme = do_create_theme(project, name="Who was there", codes=[code], acting_user=member)
    client.force_login(member)
    pages = {
        "coding": reverse("sensemaking:code_source", args=[project.pk, source.pk]),
        "differences": reverse("sensemaking:differences", args=[project.pk, source.pk, code.pk])
        + f"?coders={coordinator.pk}&coders={member.pk}",
        "theme": reverse("sensemaking:theme", args=[project.pk, theme.pk]),
    }
    shown = {name: client.get(url).content.decode() for name, url in pages.items()}
    assert "“My son [her son] sat with me”" in shown["coding"]
    assert "“in the waiting room all night.”" in shown["differences"]
    assert "“Dr [a doctor] on [the ward] was the first person who listened.”" in shown["theme"]
    assert "“My son [her son] sat with me in the waiting room all night.”" in shown["theme"]
    for name, page in shown.items():
        for real in ("Daniel", "Okafor", "Ward 9", "Kemi"):
            assert not named(real, page), (name, real)


def test_coding_words_typed_as_they_were_shown_codes_the_real_words(client, project, member, group):
    source = group["source"]
    code = do_add_code(project, name="Family", acting_user=member)
    segment = source.segments.get(index=1)
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:apply_code", args=[project.pk, source.pk]),
        {"segment": segment.pk, "code": code.pk, "words": "son [her son] sat"},
    )
    assert response.status_code == 302
    assert Coding.objects.get().text == "son Daniel sat"


@pytest.fixture
def coded_group(project, coordinator, group):
    source = group["source"]
    code = do_add_code(project, name="Family", acting_user=coordinator)
    code_words(source, code, coordinator, "My son Daniel sat with me")
    return source


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_codings_export_carries_pseudonyms_unless_the_coordinator_chooses_real_names(
    client, project, coordinator, coded_group
):
    client.force_login(coordinator)
    url = reverse("sensemaking:export_codings", args=[project.pk])
    rows = _csv_rows(client.post(url, {"codings-file_format": "csv"}).content)
    assert [r["Coded text"] for r in rows] == ["My son [her son] sat with me"]
    # Positions count characters of the source as exported (pseudonymised), so they find the same words.
    assert PSEUDONYMISED[int(rows[0]["Start"]) : int(rows[0]["End"])] == "My son [her son] sat with me"

    workbook = client.post(url, {"codings-file_format": "xlsx"}).content
    cells = list(openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True))
    assert cells[1][7] == "My son [her son] sat with me"

    real = _csv_rows(client.post(url, {"codings-file_format": "csv", "codings-names": "real"}).content)
    assert [r["Coded text"] for r in real] == ["My son Daniel sat with me"]


def test_qdpx_export_carries_pseudonyms_with_codings_on_the_same_words(
    client, project, coordinator, coded_group
):
    client.force_login(coordinator)
    response = client.post(reverse("sensemaking:export_project", args=[project.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = archive.read(f"sources/{coded_group.guid}.txt").decode("utf-8")
        qde = archive.read("project.qde").decode("utf-8")
    assert text == PSEUDONYMISED
    start = PSEUDONYMISED.index("My son [her son] sat with me")
    assert f'startPosition="{start}" endPosition="{start + len("My son [her son] sat with me")}"' in qde
    for name in REAL_NAMES:
        assert name not in text and name not in qde, name

    real = client.post(reverse("sensemaking:export_project", args=[project.pk]), {"qdpx-names": "real"})
    with zipfile.ZipFile(io.BytesIO(real.content)) as archive:
        assert archive.read(f"sources/{coded_group.guid}.txt").decode("utf-8") == coded_group.text


def test_a_withdrawn_speakers_turns_are_cut_out_of_exports_and_positions_follow(
    client, project, coordinator, coded_group, group
):
    from coproduce.sensemaking.actions.withdrawal import do_withdraw_speaker

    do_withdraw_speaker(coded_group.speakers.get(label="Tom"), acting_user=group["tom"])
    client.force_login(coordinator)
    response = client.post(reverse("sensemaking:export_project", args=[project.pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = archive.read(f"sources/{coded_group.guid}.txt").decode("utf-8")
        qde = archive.read("project.qde").decode("utf-8")
    assert "Carer T" not in text.split("\n")[0] and "crisis line" not in text
    start = text.index("My son [her son] sat with me")
    assert f'startPosition="{start}" endPosition="{start + len("My son [her son] sat with me")}"' in qde
