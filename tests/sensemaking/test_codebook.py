"""The codebook: hierarchical codes, edited together, with history; no silent overwrites."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.coding import do_add_code, do_edit_code
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.models import Code, CodeRevision

pytestmark = pytest.mark.django_db


def test_any_member_adds_hierarchical_codes_with_description_and_examples(client, project, member):
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:codebook", args=[project.pk]),
        {
            "name": "Access",
            "parent": "",
            "description": "Getting to help",
            "examples": "Buses, phone lines",
            "color": "#1f77b4",
        },
    )
    assert response.status_code == 302
    access = Code.objects.get(name="Access")
    client.post(
        reverse("sensemaking:codebook", args=[project.pk]), {"name": "Waiting", "parent": str(access.pk)}
    )
    waiting = Code.objects.get(name="Waiting")
    assert waiting.parent == access and waiting.path == "Access › Waiting"
    page = client.get(reverse("sensemaking:codebook", args=[project.pk])).content.decode()
    assert page.index(">Access<") < page.index(">Waiting<")
    assert (access.description, access.examples, access.created_by) == (
        "Getting to help",
        "Buses, phone lines",
        member,
    )


def test_every_edit_is_kept_in_the_history(client, project, member, facilitator):
    code = do_add_code(project, name="Waitng", acting_user=member)
    client.force_login(facilitator)
    response = client.post(
        reverse("sensemaking:code", args=[project.pk, code.pk]),
        {
            "save": "1",
            "name": "Waiting",
            "parent": "",
            "description": "Time before anyone helps",
            "examples": "",
            "color": "",
            "version": "1",
        },
    )
    assert response.status_code == 302
    code.refresh_from_db()
    assert (code.name, code.version) == ("Waiting", 2)
    history = list(
        CodeRevision.objects.filter(code=code)
        .order_by("version")
        .values_list("version", "name", "edited_by", "change")
    )
    assert history == [
        (1, "Waitng", member.pk, "Created"),
        (2, "Waiting", facilitator.pk, "Renamed from “Waitng”; description changed"),
    ]
    page = client.get(reverse("sensemaking:code", args=[project.pk, code.pk])).content.decode()
    assert "Renamed from “Waitng”; description changed" in page


def test_an_edit_based_on_an_old_version_is_refused_and_shows_the_newer_one(
    client, project, member, facilitator
):
    code = do_add_code(project, name="Waiting", acting_user=member)
    do_edit_code(
        code,
        based_on_version=1,
        name="Waiting times",
        description="",
        examples="",
        parent=None,
        acting_user=member,
    )
    client.force_login(facilitator)
    response = client.post(
        reverse("sensemaking:code", args=[project.pk, code.pk]),
        {
            "save": "1",
            "name": "Delays",
            "parent": "",
            "description": "",
            "examples": "",
            "color": "",
            "version": "1",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Someone else changed this code while you were editing it. Your changes were not saved" in content
    assert 'value="Waiting times"' in content and 'value="2"' in content
    code.refresh_from_db()
    assert (code.name, code.version) == ("Waiting times", 2)


def test_a_code_cannot_sit_inside_its_own_sub_code(project, member):
    parent = do_add_code(project, name="Access", acting_user=member)
    child = do_add_code(project, name="Waiting", parent=parent, acting_user=member)
    with pytest.raises(SensemakingError, match="cannot sit inside itself"):
        do_edit_code(
            parent,
            based_on_version=1,
            name="Access",
            description="",
            examples="",
            parent=child,
            acting_user=member,
        )


def test_duplicate_names_under_one_parent_are_refused_next_to_the_field(client, project, member):
    do_add_code(project, name="Waiting", acting_user=member)
    client.force_login(member)
    response = client.post(
        reverse("sensemaking:codebook", args=[project.pk]), {"name": "waiting", "parent": ""}
    )
    assert response.status_code == 400
    assert "There is already a code called “waiting” at the top level." in response.content.decode()
    assert Code.objects.count() == 1


def test_outsiders_and_other_projects_cannot_see_the_codebook(
    client, project, member, outsider, other_member
):
    code = do_add_code(project, name="Waiting", acting_user=member)
    for person in (outsider, other_member):
        client.force_login(person)
        assert client.get(reverse("sensemaking:codebook", args=[project.pk])).status_code == 404
        assert client.get(reverse("sensemaking:code", args=[project.pk, code.pk])).status_code == 404
