"""Assisted coding: suggestions with a confidence, accepted or rejected by people, never applied silently;
theme discovery whose candidates a team can adopt into its codebook."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.assist import (
    do_adopt_candidate,
    do_discover_themes,
    do_generate_suggestions,
)
from coproduce.sensemaking.actions.coding import do_add_code, do_apply_code
from coproduce.sensemaking.actions.sources import ConsentDetails, NarratorDetails, do_add_source
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.importers import ParsedTable, source_from_table
from coproduce.sensemaking.models import Code, Coding, Suggestion, ThemeCandidate

pytestmark = pytest.mark.django_db

WAITING = [
    "I waited three hours in the waiting room before anyone saw me",
    "The wait for an appointment was far too long",
    "Waiting weeks for a call back from the team",
    "Long waits on the phone line, nobody answered",
    "We waited all night in the corridor for a bed",
    "Too long a wait to see the doctor again",
]
KIND = [
    "The nurse was kind and listened to me properly",
    "Staff were kind, patient and took time to listen",
    "A kind receptionist made me feel welcome and listened",
    "The support worker listened and was so kind to my mum",
    "Everyone was friendly, kind and caring towards us",
    "Kind staff who listened without rushing me",
]
UNCODED = [
    "Nobody answered the phone and I waited for hours",
    "The nurse listened and was really kind",
    "Food was cold and the parking was expensive",
    "Parking costs too much and the car park is always full",
    "The ward food was cold again at dinner",
    "Hard to find parking, paid a fortune for the car park",
    "Cold food, small portions, nothing hot at night",
    "The car park barrier was broken and parking was chaos",
    "Dinner arrived cold and the food tasted of nothing",
    "Parking was impossible so I was late for the appointment",
    "The hospital food was cold and bland every day",
    "No spaces in the car park and parking fines everywhere",
]


@pytest.fixture
def responses(project, coordinator):
    rows = [[text] for text in WAITING + KIND + UNCODED]
    parsed = source_from_table(ParsedTable(file_format="csv", columns=["comment"], rows=rows), 0, [])
    return do_add_source(
        project,
        parsed,
        title="Feedback cards",
        narrator=NarratorDetails(),
        consent=ConsentDetails(),
        acting_user=coordinator,
    )


@pytest.fixture
def coded(project, responses, member):
    waiting = do_add_code(project, name="Waiting", acting_user=member)
    kindness = do_add_code(project, name="Kindness", acting_user=member)
    segments = list(responses.segments.all())
    for segment in segments[:6]:
        do_apply_code(responses, waiting, start=segment.speech_start, end=segment.end, acting_user=member)
    for segment in segments[6:12]:
        do_apply_code(responses, kindness, start=segment.speech_start, end=segment.end, acting_user=member)
    return {"waiting": waiting, "kindness": kindness, "segments": segments}


def test_suggestions_wait_for_a_person_and_nothing_is_applied_silently(
    client, project, member, facilitator, coded
):
    before = Coding.objects.count()
    client.force_login(member)
    response = client.post(reverse("sensemaking:generate_suggestions", args=[project.pk]), follow=True)
    assert "are waiting for you to accept or reject them" in response.content.decode()
    assert Coding.objects.count() == before  # suggesting applies nothing
    first_uncoded, second_uncoded = coded["segments"][12], coded["segments"][13]
    waiting_suggestion = Suggestion.objects.get(segment=first_uncoded, code=coded["waiting"])
    kind_suggestion = Suggestion.objects.get(segment=second_uncoded, code=coded["kindness"])
    assert 0.2 <= waiting_suggestion.confidence <= 1 and kind_suggestion.confidence > 0.2
    page = client.get(reverse("sensemaking:assisted", args=[project.pk])).content.decode()
    assert "Nobody answered the phone and I waited for hours" in page and "confidence" in page

    client.post(
        reverse("sensemaking:decide_suggestion", args=[project.pk, waiting_suggestion.pk]),
        {"decision": "accept"},
    )
    coding = Coding.objects.get(
        source=first_uncoded.source, start=first_uncoded.speech_start, end=first_uncoded.end
    )
    assert (coding.code, coding.coder) == (coded["waiting"], member)  # the accepting person's own coding

    client.force_login(facilitator)
    client.post(
        reverse("sensemaking:decide_suggestion", args=[project.pk, kind_suggestion.pk]),
        {"decision": "reject"},
    )
    kind_suggestion.refresh_from_db()
    assert (kind_suggestion.status, kind_suggestion.decided_by) == ("rejected", facilitator)
    assert not Coding.objects.filter(start=second_uncoded.speech_start).exists()

    # Asking again never re-suggests what someone rejected, nor passages now coded.
    do_generate_suggestions(project, acting_user=member)
    assert not Suggestion.objects.filter(
        segment=second_uncoded, code=coded["kindness"], status="pending"
    ).exists()
    assert not Suggestion.objects.filter(segment=first_uncoded, status="pending").exists()


def test_suggestions_need_a_coded_sample_first(project, responses, member):
    code = do_add_code(project, name="Waiting", acting_user=member)
    segment = responses.segments.first()
    do_apply_code(responses, code, start=segment.speech_start, end=segment.end, acting_user=member)
    with pytest.raises(SensemakingError, match="Code at least 6 passages, with at least two different codes"):
        do_generate_suggestions(project, acting_user=member)
    assert not Suggestion.objects.exists()


def test_theme_discovery_offers_candidates_a_team_adopts_into_its_codebook(client, project, member, coded):
    candidates = do_discover_themes(project, acting_user=member)
    assert candidates
    labels = " ".join(c.label for c in candidates)
    assert "parking" in labels or "car park" in labels
    assert "food" in labels or "cold" in labels
    parking = next(c for c in candidates if "park" in c.label)
    uncoded_texts = {s.pk: s.speech for s in coded["segments"][12:]}
    assert all(i in uncoded_texts for i in parking.segment_ids)  # only passages nobody has coded
    assert any("park" in uncoded_texts[i].lower() for i in parking.segment_ids)

    client.force_login(member)
    page = client.get(reverse("sensemaking:assisted", args=[project.pk])).content.decode()
    assert parking.label in page
    client.post(
        reverse("sensemaking:decide_candidate", args=[project.pk, parking.pk]),
        {"decision": "adopt", "name": "Parking and getting there"},
    )
    code = Code.objects.get(name="Parking and getting there")
    parking.refresh_from_db()
    assert parking.adopted_code == code
    # Its example passages become suggestions for people to accept, not codings.
    assert Suggestion.objects.filter(code=code, status="pending", origin="discovery").count() == len(
        parking.segment_ids
    )
    assert not Coding.objects.filter(code=code).exists()
    with pytest.raises(SensemakingError, match="already in the codebook"):
        do_adopt_candidate(parking, name="Again", acting_user=member)


def test_theme_discovery_needs_enough_uncoded_passages(project, coded, member):
    for segment in coded["segments"][12:20]:
        do_apply_code(
            segment.source, coded["waiting"], start=segment.speech_start, end=segment.end, acting_user=member
        )
    with pytest.raises(
        SensemakingError, match="needs at least 10 passages nobody has coded yet; there are 4"
    ):
        do_discover_themes(project, acting_user=member)
    assert not ThemeCandidate.objects.exists()


# --- Only what the person asking may read -------------------------------------------------------------

PRIVATE = [
    "Dr Okafor on Ward 9 told Daniel to wait outside",
    "Daniel waited on Ward 9 until Dr Okafor came",
    "Dr Okafor said Ward 9 had no beds for Daniel",
    "Ward 9 again, Dr Okafor again, Daniel sent home",
    "Daniel asked for Dr Okafor at the Ward 9 desk",
    "Dr Okafor moved Daniel off Ward 9 at midnight",
    "Ward 9 nurses paged Dr Okafor about Daniel",
    "Daniel said Dr Okafor on Ward 9 was kind",
    "Dr Okafor and Ward 9 let Daniel stay",
    "Ward 9 lost Daniel's notes and Dr Okafor apologised",
]


def _responses(project, by, texts, *, title, audiences):
    rows = [[text] for text in texts]
    parsed = source_from_table(ParsedTable(file_format="csv", columns=["comment"], rows=rows), 0, [])
    return do_add_source(
        project,
        parsed,
        title=title,
        narrator=NarratorDetails(),
        consent=ConsentDetails(audiences=tuple(audiences)),
        acting_user=by,
    )


def test_theme_discovery_learns_only_from_words_the_member_may_read(
    client, project, coordinator, member, responses
):
    private = _responses(project, coordinator, PRIVATE, title="Ward notes", audiences=())
    client.force_login(member)
    assert client.get(reverse("sensemaking:source", args=[project.pk, private.pk])).status_code == 404
    client.post(reverse("sensemaking:discover", args=[project.pk]))
    candidates = list(ThemeCandidate.objects.all())
    assert candidates
    found = " ".join(c.label + " " + " ".join(c.keywords) for c in candidates).lower()
    for word in ("okafor", "ward 9", "daniel"):
        assert word not in found, word
    assert all(c.source_ids == [responses.pk] for c in candidates)
    page = client.get(reverse("sensemaking:assisted", args=[project.pk])).content.decode()
    assert "Okafor" not in page and "Daniel" not in page


def test_suggestions_learn_only_from_coding_the_member_may_read(client, project, coordinator, member):
    private = _responses(project, coordinator, WAITING + KIND, title="Private cards", audiences=())
    _responses(project, coordinator, UNCODED, title="Team cards", audiences=("team",))
    waiting = do_add_code(project, name="Waiting", acting_user=coordinator)
    kindness = do_add_code(project, name="Kindness", acting_user=coordinator)
    for number, segment in enumerate(private.segments.order_by("index")):
        code = waiting if number < len(WAITING) else kindness
        do_apply_code(private, code, start=segment.speech_start, end=segment.end, acting_user=coordinator)
    client.force_login(member)
    response = client.post(reverse("sensemaking:generate_suggestions", args=[project.pk]), follow=True)
    assert "Code at least 6 passages, with at least two different codes" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_discovered_keywords_carry_pseudonyms_not_registered_names(project, coordinator, member):
    from coproduce.sensemaking.actions.themes import do_add_identifier

    texts = [t.replace("The nurse", "Nurse Bexley").replace("nurse", "Nurse Bexley") for t in UNCODED] + [
        f"Nurse Bexley helped at night {n} times" for n in range(6)
    ]
    _responses(project, coordinator, texts, title="Cards", audiences=("team",))
    do_add_identifier(project, term="Bexley", replacement="[a nurse]", acting_user=coordinator)
    candidates = do_discover_themes(project, acting_user=member)
    found = " ".join(c.label + " " + " ".join(c.keywords) for c in candidates).lower()
    assert "bexley" not in found
    assert "nurse" in found


def test_a_candidate_is_shown_only_to_those_who_may_read_every_source_it_came_from(
    client, project, coordinator, member, responses
):
    private = _responses(project, coordinator, PRIVATE, title="Ward notes", audiences=())
    ThemeCandidate.objects.create(
        project=project, label="waiting, beds", source_ids=[responses.pk, private.pk], size=3
    )
    client.force_login(member)
    assert (
        "waiting, beds" not in client.get(reverse("sensemaking:assisted", args=[project.pk])).content.decode()
    )
    client.force_login(coordinator)
    assert "waiting, beds" in client.get(reverse("sensemaking:assisted", args=[project.pk])).content.decode()
