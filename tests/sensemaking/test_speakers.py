"""Consent, "My words", corrections and withdrawal per speaker: in a group transcript each speaker decides
about their own turns, and nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.sensemaking.access import analysable_codings
from coproduce.sensemaking.actions.coding import do_add_code
from coproduce.sensemaking.actions.themes import do_create_theme
from coproduce.sensemaking.actions.withdrawal import erase_withdrawn_sources
from coproduce.sensemaking.models import Audience, Coding, CorrectionRequest, Quote, Source

from .conftest import GROUP, code_words, span_of, words_on

pytestmark = pytest.mark.django_db

TOM_WORDS = "I rang the crisis line and nobody answered for an hour."
SOL_WORDS = "My son Daniel sat with me in the waiting room all night."
KEMI_WORDS = "The café helped more than anything."


def test_each_speaker_finds_their_own_turns_under_my_words(client, project, group):
    source = group["source"]
    client.force_login(group["sol"])
    mine = client.get(reverse("sensemaking:my_words")).content.decode()
    assert "Group listening session" in mine and "No project holds words of yours." not in mine
    page = client.get(reverse("sensemaking:source", args=[project.pk, source.pk]))
    assert page.status_code == 200
    # Sol reads his own two turns (his own name is his to see), nobody else's words.
    assert words_on(page.content.decode()).split("\n") == [
        "Sol: My son [her son] sat with me in the waiting room all night.",
        "Sol: I still think about that night.",
    ]
    assert TOM_WORDS not in page.content.decode() and KEMI_WORDS not in page.content.decode()


def test_one_speakers_withdrawal_takes_their_turns_and_nobody_elses(
    client, project, coordinator, member, group, settings
):
    source = group["source"]
    settings.SENSEMAKING_WITHDRAWAL_GRACE_DAYS = 3
    code = do_add_code(project, name="Nights", acting_user=member)
    for words in (TOM_WORDS, SOL_WORDS, KEMI_WORDS):
        code_words(source, code, member, words)

    client.force_login(group["tom"])
    response = client.post(reverse("sensemaking:withdraw", args=[project.pk, source.pk]), {"confirm": "on"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.is_withdrawn
    # Tom's coded words left the analysis at once; Sol's and Kemi's are still in it.
    assert sorted(c.text for c in analysable_codings(project)) == sorted([SOL_WORDS, KEMI_WORDS])
    client.force_login(member)
    page = words_on(client.get(reverse("sensemaking:source", args=[project.pk, source.pk])).content.decode())
    assert "crisis line" not in page and "[her son] sat with me" in page and KEMI_WORDS in page

    # After the grace period Tom's turns are erased, and everyone else's words stay where they were.
    erase_withdrawn_sources(now=timezone.now() + dt.timedelta(days=3, minutes=1))
    source = Source.objects.get(pk=source.pk)
    assert not source.is_erased
    assert source.text == "".join(
        line for line in GROUP.splitlines(keepends=True) if not line.startswith("Tom:")
    )
    assert sorted(c.text for c in Coding.objects.filter(source=source)) == sorted([SOL_WORDS, KEMI_WORDS])
    assert [s.speaker.label for s in source.segments.order_by("index")] == ["Sol", "Kemi", "Sol", "Kemi"]


def test_consent_is_each_speakers_own(client, project, coordinator, group):
    source = group["source"]
    client.force_login(group["sol"])
    page = client.get(reverse("sensemaking:consent", args=[project.pk, source.pk]))
    assert page.status_code == 200
    assert "What you agreed to for your words" in page.content.decode()
    response = client.post(
        reverse("sensemaking:consent", args=[project.pk, source.pk]),
        {"consent_use": "analysis_only", "consent_audiences": ["team"], "consent_until": ""},
    )
    assert response.status_code == 302

    theme = do_create_theme(project, name="Nights", audience=Audience.PARTNERS, acting_user=coordinator)
    client.force_login(coordinator)
    for words, allowed in ((SOL_WORDS, False), (TOM_WORDS, True)):
        start, end = span_of(source, words)
        segment = source.segments.get(start__lte=start, end__gte=end)
        client.post(
            reverse("sensemaking:add_quote", args=[project.pk, theme.pk]),
            {"segment": segment.pk, "start": start, "end": end},
        )
        assert Quote.objects.filter(start=start).exists() is allowed, words
    # A later change recorded for the whole source leaves Sol's own choice alone.
    client.post(
        reverse("sensemaking:consent", args=[project.pk, source.pk]),
        {"consent_use": "named", "consent_audiences": ["team", "partners", "public"], "consent_until": ""},
    )
    speakers = {s.label: s for s in source.speakers.all()}
    assert speakers["Sol"].consent_use == "analysis_only"
    assert speakers["Kemi"].consent_use == "named"


def test_a_speaker_asks_for_corrections_to_their_own_words_only(client, project, coordinator, group):
    source = group["source"]
    client.force_login(group["sol"])
    response = client.post(
        reverse("sensemaking:request_correction", args=[project.pk, source.pk]),
        {"correction-passage": "all night", "correction-requested_change": "It was most of the night."},
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.requested_by == group["sol"]

    client.force_login(coordinator)
    url = reverse("sensemaking:correction", args=[project.pk, correction.pk])
    refused = client.post(url, {"apply": "1", "apply-words": "for an hour", "apply-replacement": "x"})
    assert refused.status_code == 400
    assert "These words are not in the turns of the person who asked." in refused.content.decode()
    client.post(url, {"apply": "1", "apply-words": "all night", "apply-replacement": "most of the night"})
    source.refresh_from_db()
    assert "in the waiting room most of the night." in source.text and TOM_WORDS in source.text


def test_a_coordinator_records_a_withdrawal_for_a_speaker_without_an_account(
    client, project, coordinator, member, group
):
    source = group["source"]
    kemi = source.speakers.get(label="Kemi")
    url = reverse("sensemaking:speaker_withdraw", args=[project.pk, source.pk, kemi.pk])
    client.force_login(member)
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.force_login(coordinator)
    assert "Record that Friend K withdrew their words" in client.get(url).content.decode()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    kemi.refresh_from_db()
    source.refresh_from_db()
    assert kemi.is_withdrawn and not source.is_withdrawn
    assert not source.speakers.get(label="Sol").is_withdrawn


def test_a_speaker_who_keeps_their_words_from_the_team_is_left_out_of_every_members_page(
    client, project, coordinator, member, group
):
    source = group["source"]
    client.force_login(group["sol"])
    client.post(
        reverse("sensemaking:consent", args=[project.pk, source.pk]),
        {"consent_use": "analysis_only", "consent_audiences": [], "consent_until": ""},
    )
    code = do_add_code(project, name="Nights", acting_user=coordinator)
    code_words(source, code, coordinator, SOL_WORDS)
    code_words(source, code, coordinator, TOM_WORDS)
    theme = do_create_theme(project, name="Nights", codes=[code], acting_user=coordinator)

    client.force_login(member)
    page = client.get(reverse("sensemaking:source", args=[project.pk, source.pk])).content.decode()
    assert "2 passages are not shown" in page
    coding = client.get(reverse("sensemaking:code_source", args=[project.pk, source.pk])).content.decode()
    themed = client.get(reverse("sensemaking:theme", args=[project.pk, theme.pk])).content.decode()
    for shown in (page, coding, themed):
        assert "waiting room" not in shown and "think about that night" not in shown
    assert "crisis line" in page and "crisis line" in coding and "crisis line" in themed
    # Nor can a member code or quote them by sending positions the page never offered.
    start, end = span_of(source, SOL_WORDS)
    refused = client.post(
        reverse("sensemaking:apply_selection", args=[project.pk, source.pk]),
        {"selection-code": code.pk, "selection-start": start, "selection-end": end},
    )
    assert refused.status_code == 400
    assert not Coding.objects.filter(coder=member).exists()
    client.force_login(coordinator)
    assert (
        "waiting room"
        in client.get(reverse("sensemaking:source", args=[project.pk, source.pk])).content.decode()
    )
