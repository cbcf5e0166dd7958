"""Expenses and receipts: mileage at the organisation's rate, taxis with a reason, receipts checked by
what they are, photos re-encoded without their EXIF, size limits."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coproduce.recognition import actions
from coproduce.recognition.errors import RecognitionError
from coproduce.recognition.models import Expense

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825
MAKE_TAG = 0x010F


def phone_photo(orientation: int = 1) -> bytes:
    """A JPEG with EXIF as a phone writes it: make, GPS and an orientation tag."""
    image = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[MAKE_TAG] = "PhoneMaker"
    exif[0x0112] = orientation
    exif[GPS_TAG] = {1: "N", 2: (51.0, 30.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_mileage_is_paid_per_mile_at_the_organisations_rate_without_a_receipt(draft_claim, member):
    expense = actions.do_add_expense(draft_claim, kind="mileage", miles=12, acting_user=member)
    assert expense.amount_pence == 12 * 45
    draft_claim.refresh_from_db()
    assert draft_claim.expenses_pence == 540
    assert draft_claim.total_pence == draft_claim.fee_pence + 540


def test_a_taxi_needs_a_reason(draft_claim, member):
    with pytest.raises(RecognitionError) as caught:
        actions.do_add_expense(draft_claim, kind="taxi", amount_pence=800, acting_user=member)
    assert (caught.value.field, caught.value.message) == ("reason", "Say why a taxi was needed.")
    actions.do_add_expense(
        draft_claim, kind="taxi", amount_pence=800, reason="No step-free bus", acting_user=member
    )


def test_a_receipt_is_needed_above_the_organisations_threshold(draft_claim, member):
    actions.do_add_expense(draft_claim, kind="public_transport", amount_pence=1000, acting_user=member)
    with pytest.raises(RecognitionError) as caught:
        actions.do_add_expense(draft_claim, kind="childcare", amount_pence=1001, acting_user=member)
    assert caught.value.field == "receipt"
    assert caught.value.message == "Please add a receipt: it is needed for expenses above £10.00."


def test_only_expenses_the_offer_covers_can_be_claimed(draft_claim, member):
    draft_claim.offer.expenses_covered = ["mileage"]
    draft_claim.offer.save()
    with pytest.raises(RecognitionError, match="This offer does not cover that kind of expense."):
        actions.do_add_expense(draft_claim, kind="data_phone", amount_pence=300, acting_user=member)


def test_a_photo_receipt_is_re_encoded_without_its_exif_and_turned_upright(draft_claim, member):
    photo = phone_photo(orientation=6)  # "rotate 90°": stored sideways, as phones do
    assert b"PhoneMaker" in photo
    expense = actions.do_add_expense(
        draft_claim,
        kind="childcare",
        amount_pence=2400,
        receipt=upload("IMG_0001 Jo Bloggs.jpg", photo, "image/jpeg"),
        acting_user=member,
    )
    stored = expense.receipt.read()
    assert expense.receipt_content_type == "image/jpeg"
    assert "Jo" not in expense.receipt.name  # the uploaded name is never kept
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
        assert image.size == (20, 40)


def test_a_pdf_receipt_is_recognised_by_its_contents(draft_claim, member):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    expense = actions.do_add_expense(
        draft_claim, kind="carer", amount_pence=3000, receipt=upload("receipt.jpg", pdf), acting_user=member
    )
    assert expense.receipt_content_type == "application/pdf"
    assert expense.receipt.name.endswith(".pdf")


@pytest.mark.parametrize(
    "name,data",
    [
        ("receipt.pdf", b"<html><script>alert(1)</script></html>"),
        ("receipt.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
        ("receipt.png", b""),
    ],
)
def test_anything_else_is_refused_and_nothing_is_stored(draft_claim, member, name, data):
    with pytest.raises(RecognitionError) as caught:
        actions.do_add_expense(
            draft_claim, kind="carer", amount_pence=3000, receipt=upload(name, data), acting_user=member
        )
    assert caught.value.message == "The receipt must be a photo (JPEG, PNG, WebP) or a PDF."
    assert not Expense.objects.exists()


def test_a_receipt_over_the_size_limit_is_refused(draft_claim, member, settings):
    settings.RECOGNITION_MAX_RECEIPT_BYTES = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    with pytest.raises(RecognitionError) as caught:
        actions.do_add_expense(
            draft_claim, kind="carer", amount_pence=3000, receipt=upload("big.pdf", big), acting_user=member
        )
    assert caught.value.message.startswith("The receipt is too large: the limit is 1 MB.")


def test_removing_an_expense_recounts_the_claim(draft_claim, member):
    expense = actions.do_add_expense(
        draft_claim, kind="public_transport", amount_pence=650, acting_user=member
    )
    actions.do_remove_expense(expense, acting_user=member)
    draft_claim.refresh_from_db()
    assert (draft_claim.expenses_pence, draft_claim.total_pence) == (0, draft_claim.fee_pence)
