"""People are told by e-mail when they are offered payment and when their claim is returned, approved
or paid — unless they asked not to be e-mailed. Subjects never hold an amount."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from coproduce.people.actions import do_update_profile
from coproduce.recognition import actions
from coproduce.recognition.errors import RecognitionError

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run ``action`` with its after-commit e-mails, and return what was sent."""

    def run(action, *args, **kwargs):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = action(*args, **kwargs)
        return result, list(mailoutbox)

    return run


def assert_no_amount(subject: str) -> None:
    assert "£" not in subject and not re.search(r"\d", subject), subject


def prefers_phone(person) -> None:
    do_update_profile(person, contact_preference="phone", phone="07700 900123", acting_user=person)


def test_an_offer_is_e_mailed_to_the_person(sent, policy, event, member, coordinator):
    offer, mails = sent(
        actions.do_make_offer,
        event.project,
        member,
        kind="event",
        event=event,
        units=2,
        acting_user=coordinator,
    )
    [mail] = mails
    assert mail.to == ["member@example.org"]
    assert mail.subject == "An offer for your time: Listening to carers"
    assert_no_amount(mail.subject)
    assert "The offer is £55.00." in mail.body
    assert "you are paid within 4 weeks of your claim being approved" in mail.body
    assert f"/payments/offers/{offer.pk}/" in mail.body
    assert "Only the people who approve and pay claims see what you choose." in mail.body


def test_returning_a_claim_e_mails_the_reason(client, sent, submitted_claim, coordinator, mailoutbox):
    client.force_login(coordinator)
    _, mails = sent(
        client.post,
        f"/payments/claims/{submitted_claim.pk}/return/",
        {"reason": "Please add the bus ticket for the way back."},
    )
    [mail] = mails
    assert mail.to == ["member@example.org"]
    assert mail.subject == "Your claim was returned to you: Listening to carers"
    assert "Please add the bus ticket for the way back." in mail.body
    assert f"/payments/claims/{submitted_claim.pk}/" in mail.body


def test_an_approved_claim_is_e_mailed_once_fully_approved(
    sent, submitted_claim, coordinator, facilitator, project, policy
):
    _, mails = sent(actions.do_approve_claim, submitted_claim, acting_user=coordinator)
    [mail] = mails
    assert mail.subject == "Your claim is approved: Listening to carers"
    assert_no_amount(mail.subject)
    assert "You will be paid £55.00." in mail.body
    assert "It is paid within 4 weeks of approval." in mail.body


def test_a_first_of_two_approvals_sends_nothing(sent, submitted_claim, coordinator, finance, policy):
    policy.second_approval_above_pence = 1000
    policy.save()
    claim, mails = sent(actions.do_approve_claim, submitted_claim, acting_user=coordinator)
    assert claim.status == "submitted" and mails == []
    claim, mails = sent(actions.do_approve_claim, claim, acting_user=finance)
    assert claim.status == "approved"
    assert [m.subject for m in mails] == ["Your claim is approved: Listening to carers"]


def test_a_payment_run_e_mails_each_person_once_with_what_was_paid(
    sent, approved_claim, project, member, coordinator, finance, organisation
):
    task = actions.do_make_offer(
        project,
        member,
        kind="task",
        title="Reading the leaflet",
        activity_date=timezone.localdate(),
        units=1,
        acting_user=coordinator,
        notify=False,
    )
    actions.do_respond_to_offer(task, choice="full", method="voucher", acting_user=member)
    second = actions.do_record_attendance(task, acting_user=coordinator)
    actions.do_submit_claim(second, acting_user=member)
    actions.do_approve_claim(second, acting_user=coordinator, notify=False)
    run = actions.do_create_payment_run(organisation, acting_user=finance)
    _, mails = sent(
        actions.do_mark_run_paid,
        run,
        paid_on=timezone.localdate(),
        reference="BACS-0412",
        acting_user=finance,
    )
    [mail] = mails
    assert mail.to == ["member@example.org"]
    assert mail.subject == "You have been paid for your time"
    assert "Listening to carers" in mail.body and "Reading the leaflet" in mail.body
    assert "In all: £82.50." in mail.body
    assert "BACS" not in mail.body


def test_nobody_is_e_mailed_who_asked_not_to_be(
    sent, policy, event, submitted_claim, member, coordinator, finance, organisation
):
    prefers_phone(member)
    claim, mails = sent(
        actions.do_return_claim, submitted_claim, reason="Add the ticket.", acting_user=coordinator
    )
    assert mails == []
    actions.do_submit_claim(claim, acting_user=member)
    _, mails = sent(actions.do_approve_claim, claim, acting_user=coordinator)
    assert mails == []
    run = actions.do_create_payment_run(organisation, acting_user=finance)
    _, mails = sent(
        actions.do_mark_run_paid, run, paid_on=timezone.localdate(), reference="BACS-1", acting_user=finance
    )
    assert mails == []


def test_an_offer_to_someone_who_prefers_post_is_not_e_mailed_but_is_on_my_payments(
    client, sent, policy, event, member, coordinator
):
    do_update_profile(member, contact_preference="post", postal_address="1 High Street", acting_user=member)
    _, mails = sent(
        actions.do_make_offer,
        event.project,
        member,
        kind="event",
        event=event,
        units=2,
        acting_user=coordinator,
    )
    assert mails == []
    client.force_login(member)
    assert "Listening to carers" in client.get("/payments/").content.decode()


def test_nothing_is_e_mailed_when_the_action_fails(
    submitted_claim, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RecognitionError):
        actions.do_approve_claim(submitted_claim, acting_user=member)  # nobody approves their own claim
    assert mailoutbox == []
