"""Receipts people upload with an expense: a photo or a PDF, checked by what the file is, not its name.

Photos are opened with Pillow and saved again as a new JPEG or PNG: that drops the EXIF block (a phone
photo's EXIF can hold where and when it was taken, and the phone's make) and anything else hidden in
the file. PDFs are recognised by their magic bytes and kept as they are. Both are size-limited.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import RecognitionError

DEFAULT_MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_RECEIPT_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)
LONGEST_SIDE = 2400  # enough to read any receipt; keeps stored photos small
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}


@dataclass(frozen=True)
class CleanReceipt:
    content: ContentFile
    content_type: str


def max_receipt_bytes() -> int:
    return int(getattr(settings, "RECOGNITION_MAX_RECEIPT_BYTES", DEFAULT_MAX_RECEIPT_BYTES))


def clean_receipt(upload) -> CleanReceipt:
    """A safe copy of an uploaded receipt, or RecognitionError (field "receipt") saying what is wrong."""
    limit = max_receipt_bytes()
    if upload.size is not None and upload.size > limit:
        raise RecognitionError(
            _("The receipt is too large: the limit is %(megabytes)s MB. A photo or a smaller PDF will do.")
            % {"megabytes": limit // (1024 * 1024)},
            field="receipt",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise RecognitionError(
            _("The receipt is too large: the limit is %(megabytes)s MB. A photo or a smaller PDF will do.")
            % {"megabytes": limit // (1024 * 1024)},
            field="receipt",
        )
    if data.startswith(b"%PDF-"):
        return CleanReceipt(ContentFile(data, name="receipt.pdf"), "application/pdf")
    return _clean_image(data)


def _clean_image(data: bytes) -> CleanReceipt:
    not_a_receipt = RecognitionError(
        _("The receipt must be a photo (JPEG, PNG, WebP) or a PDF."), field="receipt"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise not_a_receipt
            width, height = probe.size
            if width * height > MAX_RECEIPT_PIXELS:
                raise RecognitionError(
                    _("The photo is too large to read. Please take it again at a lower resolution."),
                    field="receipt",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turn the photo the way the phone meant, before the orientation tag goes with the EXIF.
            image = ImageOps.exif_transpose(image)
            image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
            output = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P", "PA"):
                image.convert("RGBA").save(output, format="PNG", optimize=True)
                return CleanReceipt(ContentFile(output.getvalue(), name="receipt.png"), "image/png")
            image.convert("RGB").save(output, format="JPEG", quality=85)
            return CleanReceipt(ContentFile(output.getvalue(), name="receipt.jpg"), "image/jpeg")
    except RecognitionError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise not_a_receipt from None
