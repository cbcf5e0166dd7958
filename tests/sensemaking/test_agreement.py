"""The agreement page: the engine's numbers per code and per source, and where coders differ, side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.engine.agreement import krippendorff_alpha
from coproduce.sensemaking.actions.coding import do_apply_code
from coproduce.sensemaking.actions.withdrawal import do_withdraw_source

from .conftest import add_text_source

pytestmark = pytest.mark.django_db

# 1000 characters with no spaces at the edges of the spans below.
NVIVO_TEXT = ("abcdefghij" * 100)[:1000]


@pytest.fixture
def nvivo_example(project, coordinator, member, codes, narrator):
    """NVivo's worked example: 1000 characters, 50 coded by both, 75 by each alone, 800 by neither."""
    source = add_text_source(
        project, coordinator, NVIVO_TEXT, title="Worked example", narrator_person=narrator
    )
    do_apply_code(source, codes["waiting"], start=0, end=125, acting_user=coordinator)
    do_apply_code(source, codes["waiting"], start=75, end=200, acting_user=member)
    return source


def _row(report_rows, code_name):
    return next(r for r in report_rows if r.code.name == code_name)


def test_agreement_reproduces_nvivos_worked_example(client, project, member, coordinator, nvivo_example):
    client.force_login(member)
    response = client.get(reverse("sensemaking:agreement", args=[project.pk]))
    assert response.status_code == 200
    report = response.context["report"]
    row = _row(report.by_source[nvivo_example.pk], "Waiting")
    assert row.percent_agreement == pytest.approx(85.0, abs=1e-9)
    assert row.kappa == pytest.approx(0.314, abs=5e-4)
    table = [[0] * 1000, [0] * 1000]
    for i in range(0, 125):
        table[0][i] = 1
    for i in range(75, 200):
        table[1][i] = 1
    assert row.alpha == pytest.approx(krippendorff_alpha(table), abs=1e-9)
    content = response.content.decode()
    assert "85.0%" in content and "0.314" in content
    assert f"{row.alpha:.3f}" in content
    assert "a starting point for talking together, not a score to win" in content


def test_per_code_figures_pool_the_sources_both_coded(
    client, project, member, coordinator, codes, nvivo_example, narrator
):
    second = add_text_source(project, coordinator, NVIVO_TEXT, title="Second", narrator_person=narrator)
    do_apply_code(second, codes["waiting"], start=0, end=125, acting_user=coordinator)
    do_apply_code(second, codes["waiting"], start=75, end=200, acting_user=member)
    client.force_login(member)
    report = client.get(reverse("sensemaking:agreement", args=[project.pk])).context["report"]
    pooled = _row(report.by_code, "Waiting")
    assert (pooled.characters, pooled.percent_agreement) == (2000, pytest.approx(85.0))
    assert pooled.kappa == pytest.approx(0.314, abs=5e-4)


def test_three_coders_get_alpha_and_all_agree_share_but_no_kappa(
    client, project, member, coordinator, facilitator, codes, nvivo_example
):
    do_apply_code(nvivo_example, codes["waiting"], start=0, end=200, acting_user=facilitator)
    client.force_login(member)
    response = client.get(reverse("sensemaking:agreement", args=[project.pk]))
    row = _row(response.context["report"].by_source[nvivo_example.pk], "Waiting")
    assert row.kappa is None
    # Everyone agrees on characters 75-125 (all coded) and 200-1000 (none coded): 850 of 1000.
    assert row.percent_agreement == pytest.approx(85.0)
    table = [[1 if a <= i < b else 0 for i in range(1000)] for a, b in ((0, 125), (75, 200), (0, 200))]
    assert row.alpha == pytest.approx(krippendorff_alpha(table), abs=1e-9)
    assert "two people only" in response.content.decode()


def test_choosing_fewer_than_two_people_is_refused_next_to_the_field(
    client, project, member, coordinator, nvivo_example
):
    client.force_login(member)
    response = client.get(reverse("sensemaking:agreement", args=[project.pk]), {"coders": [member.pk]})
    assert response.status_code == 400
    assert "Choose at least two people to compare." in response.content.decode()


def test_side_by_side_view_shows_where_coders_differ(
    client, project, member, coordinator, codes, nvivo_example
):
    client.force_login(member)
    url = reverse("sensemaking:differences", args=[project.pk, nvivo_example.pk, codes["waiting"].pk])
    response = client.get(url, {"coders": [coordinator.pk, member.pk]})
    differences = response.context["differences"]
    assert [
        (d.start, d.end, [c.badge_name for c in d.coded_by], [c.badge_name for c in d.not_coded_by])
        for d in differences
    ] == [(0, 75, ["Sam"], ["Jo"]), (125, 200, ["Jo"], ["Sam"])]
    content = response.content.decode()
    assert "where you read it differently" in content
    assert content.count("Coded it") == 2 and content.count("Did not") == 2


def test_withdrawn_words_leave_the_agreement_at_once(client, project, member, narrator, nvivo_example):
    do_withdraw_source(nvivo_example, acting_user=narrator)
    client.force_login(member)
    response = client.get(reverse("sensemaking:agreement", args=[project.pk]))
    assert response.context["report"] is None or nvivo_example.pk not in response.context["report"].by_source
    url = reverse("sensemaking:differences", args=[project.pk, nvivo_example.pk, 1])
    assert client.get(url).status_code == 404
