"""The hot pages of sense-making take a fixed number of queries, however long the transcript.

A source's page and its coding page are opened for every interview a team analyses; a transcript
may have hundreds of turns, each coded by several people with memos beside it. The counts are pinned
exactly (as Zulip does), for a short and a long transcript, so a query per passage or per coding shows
up as a failing test rather than a slow page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.coding import do_add_memo, do_apply_code
from coproduce.sensemaking.actions.sources import do_add_source_note, do_request_correction
from coproduce.sensemaking.actions.themes import do_attach_quote, do_create_theme

from .conftest import add_text_source

pytestmark = pytest.mark.django_db

SHORT, LONG = 6, 60  # speaker turns (each speaker at least twice, so it reads as a transcript)

# session, person, the source with its project and narrator, its speakers, the viewer's role, the
# passages, then what pseudonymising the words reads (the register and where each turn's label is),
# then per viewer: the coordinator also reads the narrator's consent, quotes, notes, corrections,
# edits and the history; a member reads notes; the narrator (a speaker here) reads the same as the
# coordinator but has no speakers to manage.
SOURCE_PAGE_QUERIES = {"coordinator": 13, "member": 9, "narrator": 15}
# session, person, the source with its project and narrator, its speakers, the viewer's role, the
# passages (only those the viewer may read are paged), the viewer's codings, memos, pending
# suggestions, how many others coded, the register and where each turn's label is (to pseudonymise
# the words), the codebook.
CODING_PAGE_QUERIES = 13


def transcript(turns: int) -> str:
    speakers = ["Interviewer", "Maya", "Joe"]
    return "".join(
        f"{speakers[i % 3]}: Turn {i}, about waiting for help and a kind nurse.\n" for i in range(turns)
    )


def coded_source(project, coordinator, member, narrator, codes, turns: int):
    """A transcript where every passage is coded by two people, carries a memo, and the narrator has
    written a note and asked for a correction; two passages are quoted in a theme."""
    source = add_text_source(project, coordinator, transcript(turns), narrator_person=narrator)
    for segment in source.segments.all():
        for coder, code in ((coordinator, codes["waiting"]), (member, codes["kindness"])):
            do_apply_code(source, code, start=segment.speech_start, end=segment.end, acting_user=coder)
        do_add_memo(project, text="Worth a second look.", segment=segment, acting_user=member)
    do_add_source_note(source, "I said this after a long night.", acting_user=narrator)
    do_request_correction(
        source, passage="Turn 1", requested_change="It was the first time.", acting_user=narrator
    )
    theme = do_create_theme(project, name="Waiting", codes=[codes["waiting"]], acting_user=coordinator)
    for segment in source.segments.all()[:2]:
        do_attach_quote(theme, source, start=segment.speech_start, end=segment.end, acting_user=coordinator)
    return source


@pytest.fixture
def people(coordinator, member, narrator):
    return {"coordinator": coordinator, "member": member, "narrator": narrator}


@pytest.mark.parametrize("turns", [SHORT, LONG])
@pytest.mark.parametrize("viewer", list(SOURCE_PAGE_QUERIES))
def test_a_source_page_takes_the_same_queries_however_long_the_transcript(
    client, django_assert_num_queries, project, people, codes, turns, viewer
):
    source = coded_source(project, people["coordinator"], people["member"], people["narrator"], codes, turns)
    assert source.segments.count() == turns
    client.force_login(people[viewer])
    with django_assert_num_queries(SOURCE_PAGE_QUERIES[viewer]):
        response = client.get(reverse("sensemaking:source", args=[project.pk, source.pk]))
    assert response.status_code == 200
    # The narrator is Maya, one of the speakers: she reads her own turns (every third, from the second).
    last = turns - 1 if viewer != "narrator" else max(i for i in range(turns) if i % 3 == 1)
    assert f"Turn {last}, about waiting" in response.content.decode()


@pytest.mark.parametrize("turns", [SHORT, LONG])
def test_the_coding_page_takes_the_same_queries_however_many_passages_and_codings(
    client, django_assert_num_queries, project, people, codes, turns
):
    source = coded_source(project, people["coordinator"], people["member"], people["narrator"], codes, turns)
    client.force_login(people["member"])
    with django_assert_num_queries(CODING_PAGE_QUERIES):
        response = client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"You have {turns} codings here." in page
    assert "1 other person has coded this source too" in page
    assert page.count("Worth a second look.") == turns
