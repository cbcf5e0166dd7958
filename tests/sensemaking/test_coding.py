"""Coding: each coder's own codings, by passage, by exact words, or by selected characters; memos."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.coding import do_apply_code, do_remove_coding
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.models import Coding, Memo

from .conftest import add_text_source, code_words, span_of

pytestmark = pytest.mark.django_db


def test_two_coders_keep_their_own_codings_and_nobody_overwrites_another(
    client, project, source, codes, coordinator, member
):
    words = "Nobody picked up for forty minutes"
    mine = code_words(source, codes["waiting"], coordinator, words)
    theirs = code_words(source, codes["waiting"], member, words)
    assert mine.pk != theirs.pk
    assert Coding.objects.filter(source=source).count() == 2

    # The same person coding the same words again changes nothing.
    again, created = do_apply_code(
        source, codes["waiting"], start=mine.start, end=mine.end, acting_user=coordinator
    )
    assert (again.pk, created) == (mine.pk, False)

    # Nobody can remove another person's coding, by action or over HTTP.
    with pytest.raises(SensemakingError, match="You can only remove your own codings."):
        do_remove_coding(theirs, acting_user=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("sensemaking:remove_coding", args=[project.pk, theirs.pk]))
    assert response.status_code == 404
    assert Coding.objects.filter(pk=theirs.pk).exists()

    # Each coder sees only their own codings while coding.
    page = client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk]))
    assert [c.pk for v in page.context["views"] for c in v.codings] == [mine.pk]
    assert "1 other person has coded this source too" in page.content.decode()

    client.post(reverse("sensemaking:remove_coding", args=[project.pk, mine.pk]))
    assert list(Coding.objects.values_list("coder", flat=True)) == [member.pk]


def test_code_a_whole_passage_without_javascript(client, project, source, codes, member):
    segment = source.segments.get(index=1)  # "Maya: I rang the crisis line..."
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:apply_code", args=[project.pk, source.pk]),
        {"segment": segment.pk, "code": codes["waiting"].pk, "words": ""},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#segment-{segment.pk}")
    coding = Coding.objects.get()
    # The speaker's label is not part of what they said.
    assert coding.text == "I rang the crisis line at two in the morning. Nobody picked up for forty minutes."
    assert coding.coder == member


def test_code_exact_words_typed_or_pasted_without_javascript(client, project, source, codes, member):
    segment = source.segments.get(index=1)
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:apply_code", args=[project.pk, source.pk]),
        {"segment": segment.pk, "code": codes["waiting"].pk, "words": "  nobody picked\n up  "},
    )
    assert response.status_code == 302
    assert Coding.objects.get().text == "Nobody picked up"


def test_words_not_in_the_passage_get_a_message_next_to_the_field(client, project, source, codes, member):
    segment = source.segments.get(index=1)
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:apply_code", args=[project.pk, source.pk]),
        {"segment": segment.pk, "code": codes["waiting"].pk, "words": "a nurse called Joe"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert (
        "These words are not in this passage. Copy them exactly, "
        "or leave the box empty to code the whole passage." in content
    )
    assert f'id="s{segment.pk}_words"' in content and 'aria-invalid="true"' in content
    assert not Coding.objects.exists()


def test_code_any_selected_span_by_character_positions(client, project, source, codes, member):
    start, end = span_of(source, "two in the morning. Nobody")
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:apply_selection", args=[project.pk, source.pk]),
        {"selection-code": codes["waiting"].pk, "selection-start": start - 1, "selection-end": end},
    )
    assert response.status_code == 302
    coding = Coding.objects.get()
    assert (coding.start, coding.end) == (start, end)  # the leading space is trimmed


def test_selection_without_text_is_refused_with_a_message(client, project, source, codes, member):
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:apply_selection", args=[project.pk, source.pk]),
        {"selection-code": codes["waiting"].pk, "selection-start": "", "selection-end": ""},
    )
    assert response.status_code == 400
    assert "Select some text first." in response.content.decode()
    response = client.post(
        reverse("sensemaking:apply_selection", args=[project.pk, source.pk]),
        {
            "selection-code": codes["waiting"].pk,
            "selection-start": "5",
            "selection-end": str(len(source.text) + 5),
        },
    )
    assert "Select some text first." in response.content.decode()
    assert not Coding.objects.exists()


def test_positions_are_code_points_even_beyond_the_basic_plane(client, project, coordinator, codes, member):
    text = "Grace 🙂 said: the café 👍 was warm.\n\nSecond paragraph."
    source = add_text_source(project, coordinator, text)
    words = "the café 👍 was warm"
    start = text.index(words)
    assert start == 14  # code points: the emoji counts as one character, as REFI-QDA requires
    client.force_login(member)
    client.post(
        reverse("sensemaking:apply_selection", args=[project.pk, source.pk]),
        {
            "selection-code": codes["kindness"].pk,
            "selection-start": start,
            "selection-end": start + len(words),
        },
    )
    coding = Coding.objects.get()
    assert coding.text == words
    page = client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk])).content.decode()
    assert f'<mark class="coded" data-start="{start}">{words}</mark>' in page


def test_codes_from_another_project_cannot_be_applied(project, other_project, source, coordinator):
    from coproduce.sensemaking.actions.coding import do_add_code

    foreign = do_add_code(other_project, name="Elsewhere", acting_user=coordinator)
    with pytest.raises(SensemakingError, match="Choose a code from this project's codebook."):
        do_apply_code(source, foreign, start=0, end=5, acting_user=coordinator)


def test_memos_on_passages_and_on_codes(client, project, source, codes, member):
    segment = source.segments.get(index=3)
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:segment_memo", args=[project.pk, segment.pk]),
        {"text": "Kindness from one person changed the night."},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("sensemaking:code", args=[project.pk, codes["kindness"].pk]),
        {"memo": "1", "text": "Includes small gestures, not only big ones."},
    )
    assert response.status_code == 302
    assert list(Memo.objects.values_list("segment_id", "code_id")) == [
        (segment.pk, None),
        (None, codes["kindness"].pk),
    ]
    page = client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk])).content.decode()
    assert "Kindness from one person changed the night." in page
    assert "Memos (1)" in page


def test_long_sources_are_coded_a_page_of_passages_at_a_time(client, project, coordinator, codes, member):
    text = "\n\n".join(f"Response number {i} about the ward." for i in range(1, 201))
    source = add_text_source(project, coordinator, text)
    client.force_login(member)
    url = reverse("sensemaking:code_source", args=[project.pk, source.pk])
    first = client.get(url)
    assert len(first.context["views"]) == 150
    assert "Passages 1 to 150 of 200" in first.content.decode()
    second = client.get(url, {"page": 2})
    segment = second.context["views"][0].segment
    assert segment.index == 150
    response = client.post(
        reverse("sensemaking:apply_code", args=[project.pk, source.pk]),
        {"segment": segment.pk, "code": codes["waiting"].pk, "words": ""},
    )
    assert response["Location"] == f"{url}?page=2#segment-{segment.pk}"
    assert Coding.objects.get().text == "Response number 151 about the ward."
    # A mistake on page 2 is shown on page 2, next to the passage's own form.
    later = second.context["views"][3].segment
    response = client.post(
        reverse("sensemaking:apply_code", args=[project.pk, source.pk]),
        {"segment": later.pk, "code": codes["waiting"].pk, "words": "not there"},
    )
    assert response.status_code == 400
    assert response.context["views"][0].segment.index == 150
    assert f'id="s{later.pk}_words"' in response.content.decode()
