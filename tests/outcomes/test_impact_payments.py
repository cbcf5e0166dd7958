"""The impact report's payments: amounts appear only once enough people were paid (5 by default) that
no one person's payment can be seen. Claims are made and paid through recognition's own actions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coproduce.partnerships.models import Membership
from coproduce.recognition import actions
from tests.conftest import make_person
from tests.recognition.conftest import event, finance, hourly_rate, policy  # noqa: F401

pytestmark = pytest.mark.django_db


def paid_claim(
    project,
    event,  # noqa: F811
    person,
    coordinator,
    finance,  # noqa: F811
    *,
    choice="full",
    bus_fare_pence=0,
    **choice_fields,
):
    """Offer two hours (£55.00), the person chooses, attends, claims (with a bus fare if given); approved
    and paid in a run of its own."""
    offer = actions.do_make_offer(
        project, person, kind="event", event=event, units=2, acting_user=coordinator, notify=False
    )
    offer = actions.do_respond_to_offer(offer, choice=choice, acting_user=person, **choice_fields)
    claim = actions.do_record_attendance(offer, acting_user=coordinator)
    if bus_fare_pence:
        actions.do_add_expense(
            claim, kind="public_transport", amount_pence=bus_fare_pence, description="Bus", acting_user=person
        )
    claim = actions.do_submit_claim(claim, acting_user=person)
    actions.do_approve_claim(claim, acting_user=coordinator, notify=False)
    run = actions.do_create_payment_run(
        project.organisations.get(), acting_user=finance, claim_ids=[claim.pk]
    )
    actions.do_mark_run_paid(
        run, paid_on=timezone.localdate(), reference=f"BACS-{claim.pk}", acting_user=finance, notify=False
    )
    return claim


def test_amounts_are_shown_once_five_people_were_paid_and_not_before(
    client,
    project,
    coordinator,
    policy,  # noqa: F811
    event,  # noqa: F811
    finance,  # noqa: F811
):
    people = []
    for i in range(5):
        person = make_person(f"paid{i}@example.org", f"Paid {i}")
        Membership.objects.create(project=project, person=person, role=Membership.Role.MEMBER)
        people.append(person)
    for person in people[:4]:
        paid_claim(project, event, person, coordinator, finance, method="bank_transfer")
    client.force_login(coordinator)
    url = f"/outcomes/project/{project.pk}/impact/"
    page = client.get(url).content.decode()
    assert "People paid: fewer than 5." in page
    assert "Fees paid:" not in page

    # The fifth gives their fee to a cause and claims only their bus fare: they were paid too.
    paid_claim(
        project,
        event,
        people[4],
        coordinator,
        finance,
        choice="donate",
        donation_cause="Carers' café",
        method="bank_transfer",
        bus_fare_pence=450,
    )
    page = client.get(url).content.decode()
    assert "People paid: 5." in page
    # 4 × 2 hours at £27.50; the donated £55.00 is not a fee paid.
    assert "Fees paid: £220.00. Expenses repaid: £4.50. Donated by the people who chose to: £55.00." in page
    assert "Amounts are shown when" not in page
