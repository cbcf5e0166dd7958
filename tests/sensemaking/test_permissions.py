"""Who may see and do what, as a table: one row per person × page, through HTTP. Refusal is "not found"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.partnerships.models import Membership
from coproduce.sensemaking import permissions as perms
from coproduce.sensemaking.access import sources_visible_to
from coproduce.sensemaking.models import ConsentUse

from ..conftest import make_person
from .conftest import add_text_source

pytestmark = pytest.mark.django_db

Y, N = 200, 404

# person: coordinator, facilitator, steering, member, narrator (non-member), other project's member, outsider
PEOPLE = ["coordinator", "facilitator", "steering", "member", "narrator", "other_member", "outsider"]

TABLE = {
    # page:                        coord fac stee mem narr other out
    "overview": (Y, Y, Y, Y, N, N, N),
    "team_source": (Y, Y, Y, Y, N, N, N),
    "coordinators_only_source": (Y, N, N, N, N, N, N),
    "own_source": (Y, Y, Y, Y, Y, N, N),
    "code_team_source": (Y, Y, Y, Y, N, N, N),
    "code_coordinators_only": (Y, N, N, N, N, N, N),
    "own_source_consent": (Y, Y, N, N, Y, N, N),
    "own_source_withdraw": (Y, N, N, N, Y, N, N),
    "speakers": (Y, Y, N, N, N, N, N),
    "speakers_coordinators_only": (Y, N, N, N, N, N, N),
    "consent_coordinators_only": (Y, N, N, N, N, N, N),
    "narrator_identity": (Y, N, N, N, N, N, N),
    "upload": (Y, Y, N, N, N, N, N),
    "codebook": (Y, Y, Y, Y, N, N, N),
    "agreement": (Y, Y, Y, Y, N, N, N),
    "themes": (Y, Y, Y, Y, N, N, N),
    "assisted": (Y, Y, Y, Y, N, N, N),
    "exchange": (Y, Y, Y, Y, N, N, N),
    "register": (Y, N, N, N, N, N, N),
    "flags": (Y, N, N, N, N, N, N),
    "my_words": (Y, Y, Y, Y, Y, Y, Y),
}


@pytest.fixture
def cast(project, coordinator, facilitator, member, other_member, outsider, outside_narrator):
    steering = make_person("steering@example.org", "Lou")
    Membership.objects.create(project=project, person=steering, role=Membership.Role.STEERING)
    team = add_text_source(project, coordinator, title="Team may read")
    private = add_text_source(
        project, coordinator, title="Coordinators only", audiences=(), use=ConsentUse.ANALYSIS_ONLY
    )
    own = add_text_source(project, coordinator, title="Rowan's story", narrator_person=outside_narrator)
    people = {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "steering": steering,
        "member": member,
        "narrator": outside_narrator,
        "other_member": other_member,
        "outsider": outsider,
    }
    return people, {"team": team, "private": private, "own": own}


def _url(page: str, project, sources) -> str:
    pid = project.pk
    return {
        "overview": reverse("sensemaking:overview", args=[pid]),
        "team_source": reverse("sensemaking:source", args=[pid, sources["team"].pk]),
        "coordinators_only_source": reverse("sensemaking:source", args=[pid, sources["private"].pk]),
        "own_source": reverse("sensemaking:source", args=[pid, sources["own"].pk]),
        "code_team_source": reverse("sensemaking:code_source", args=[pid, sources["team"].pk]),
        "code_coordinators_only": reverse("sensemaking:code_source", args=[pid, sources["private"].pk]),
        "own_source_consent": reverse("sensemaking:consent", args=[pid, sources["own"].pk]),
        "own_source_withdraw": reverse("sensemaking:withdraw", args=[pid, sources["own"].pk]),
        "speakers": reverse("sensemaking:speakers", args=[pid, sources["team"].pk]),
        "speakers_coordinators_only": reverse("sensemaking:speakers", args=[pid, sources["private"].pk]),
        "consent_coordinators_only": reverse("sensemaking:consent", args=[pid, sources["private"].pk]),
        "narrator_identity": reverse("sensemaking:narrator", args=[pid, sources["team"].pk]),
        "upload": reverse("sensemaking:upload", args=[pid]),
        "codebook": reverse("sensemaking:codebook", args=[pid]),
        "agreement": reverse("sensemaking:agreement", args=[pid]),
        "themes": reverse("sensemaking:themes", args=[pid]),
        "assisted": reverse("sensemaking:assisted", args=[pid]),
        "exchange": reverse("sensemaking:exchange", args=[pid]),
        "register": reverse("sensemaking:register", args=[pid]),
        "flags": reverse("sensemaking:flags", args=[pid]),
        "my_words": reverse("sensemaking:my_words"),
    }[page]


@pytest.mark.parametrize("page,expected", TABLE.items(), ids=list(TABLE))
def test_permission_table(client, project, cast, page, expected):
    people, sources = cast
    url = _url(page, project, sources)
    for name, status in zip(PEOPLE, expected, strict=True):
        client.force_login(people[name])
        assert client.get(url).status_code == status, f"{name} on {page}"


def test_a_correction_to_words_only_coordinators_may_read_is_answered_by_coordinators_only(
    client, project, coordinator, facilitator, narrator
):
    from coproduce.sensemaking.actions.sources import do_request_correction

    private = add_text_source(
        project, coordinator, narrator_person=narrator, audiences=(), use=ConsentUse.ANALYSIS_ONLY
    )
    correction = do_request_correction(
        private, passage="Ward 7", requested_change="Say a ward.", acting_user=narrator
    )
    url = reverse("sensemaking:correction", args=[project.pk, correction.pk])
    client.force_login(facilitator)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, project, cast):
    _, sources = cast
    response = client.get(_url("team_source", project, sources))
    assert response.status_code == 302 and response["Location"].startswith(reverse("people:sign_in"))


def test_a_project_that_does_not_exist_looks_the_same_as_one_you_may_not_see(client, project, cast, outsider):
    client.force_login(outsider)
    assert client.get(reverse("sensemaking:overview", args=[project.pk])).status_code == 404
    assert client.get(reverse("sensemaking:overview", args=[project.pk + 999])).status_code == 404


def test_sources_listed_follow_the_consent_audience(project, cast):
    people, sources = cast
    titles = {
        name: set(sources_visible_to(people[name], project).values_list("title", flat=True))
        for name in PEOPLE
    }
    everything = {"Team may read", "Coordinators only", "Rowan's story"}
    assert titles == {
        "coordinator": everything,
        "facilitator": everything - {"Coordinators only"},
        "steering": everything - {"Coordinators only"},
        "member": everything - {"Coordinators only"},
        "narrator": {"Rowan's story"},
        "other_member": set(),
        "outsider": set(),
    }


def test_withdrawn_words_are_for_their_narrator_only(project, cast):
    from coproduce.sensemaking.actions.withdrawal import do_withdraw_source

    people, sources = cast
    own = do_withdraw_source(sources["own"], acting_user=people["narrator"])
    readers = [name for name in PEOPLE if perms.can_read_source_text(people[name], own)]
    assert readers == ["narrator"]
    coders = [name for name in PEOPLE if perms.can_code_source(people[name], own)]
    assert coders == []
