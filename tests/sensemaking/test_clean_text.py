"""Damaged files get a message, not an error page; characters that would break exports never get in.

Text is cleaned where it enters (``core.text.clean_text``): a form feed from a .txt file, a control
character typed into a code name, a NUL in a PDF's text. Exports stay readable for everyone, and text
stored before the cleaning still exports.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from coproduce.sensemaking.actions.coding import do_add_code
from coproduce.sensemaking.actions.exchange import do_export_qdpx, do_import_qdpx
from coproduce.sensemaking.actions.sources import ConsentDetails
from coproduce.sensemaking.models import Code, Coding, Segment, Source

from .conftest import add_text_source, code_words, pdf_bytes, upload_form

pytestmark = pytest.mark.django_db

TEXT = "Page one ends here.\x0cPage two starts.\n\nThe\x01 nurse was kind.\r\nShe stayed."


def exports_work(client, project) -> tuple[bytes, openpyxl.Workbook]:
    """The project's .qdpx (its XML parses) and its codings as Excel, downloaded as a coordinator would."""
    qdpx = client.post(reverse("sensemaking:export_project", args=[project.pk]))
    assert qdpx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(qdpx.content)) as archive:
        qde = archive.read("project.qde")
    etree.fromstring(qde)
    xlsx = client.post(
        reverse("sensemaking:export_codings", args=[project.pk]), {"codings-file_format": "xlsx"}
    )
    assert xlsx.status_code == 200
    return qde, openpyxl.load_workbook(io.BytesIO(xlsx.content))


# --- damaged .qdpx ------------------------------------------------------------------------------


def _project_archive() -> bytes:
    project = (
        '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="P"><Sources>'
        '<TextSource guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="Interview" '
        'plainTextPath="internal://d7aa29da-519b-4946-9b90-253b6db8fd0a.txt"/></Sources></Project>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", project)
        archive.writestr("sources/d7aa29da-519b-4946-9b90-253b6db8fd0a.txt", "The nurse was kind.")
    return buffer.getvalue()


def _bad_checksum() -> bytes:
    # The source's words changed after the archive was written: its CRC no longer matches.
    return _project_archive().replace(b"The nurse was kind.", b"The nurse was KIND.")


def _encrypted_flag() -> bytes:
    # Bit 0 of the flags says "encrypted", in each local header and in the central directory.
    data = bytearray(_project_archive())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + flags_at] |= 0x01
            start += 4
    return bytes(data)


@pytest.mark.parametrize(
    "data,message",
    [
        (_bad_checksum(), "This .qdpx file could not be opened: it may be damaged."),
        (_encrypted_flag(), "This .qdpx file is protected with a password."),
        (_project_archive()[:-30], "This .qdpx file could not be opened: it may be damaged."),
    ],
    ids=["bad checksum", "encrypted", "cut short"],
)
def test_a_damaged_project_file_gets_a_message_not_an_error_page(client, coordinator, project, data, message):
    client.force_login(coordinator)
    client.raise_request_exception = False
    response = client.post(
        reverse("sensemaking:import_project", args=[project.pk]),
        {
            "project-file": SimpleUploadedFile("project.qdpx", data),
            "project-consent_use": "anonymous",
            "project-consent_audiences": ["team"],
            "project-consent_until": "",
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_the_undamaged_project_file_imports(project, coordinator):
    summary = do_import_qdpx(project, _project_archive(), consent=ConsentDetails(), acting_user=coordinator)
    assert summary.sources_added == 1 and Source.objects.get().text == "The nurse was kind."


# --- control characters ----------------------------------------------------------------------------


def test_control_characters_in_a_text_file_are_cleaned_and_exports_still_work(client, coordinator, project):
    client.force_login(coordinator)
    response = client.post(
        reverse("sensemaking:upload", args=[project.pk]), upload_form("notes.txt", TEXT.encode("cp1252"))
    )
    assert response.status_code == 302
    source = Source.objects.get()
    # A form feed is a page break: it becomes a line break. Other control characters go.
    assert source.text == "Page one ends here.\nPage two starts.\n\nThe nurse was kind.\nShe stayed."
    code = do_add_code(project, name="Kindness", acting_user=coordinator)
    code_words(source, code, coordinator, "The nurse was kind.")
    qde, workbook = exports_work(client, project)
    start = source.text.index("The nurse")
    assert f'startPosition="{start}" endPosition="{start + 19}"'.encode() in qde
    assert workbook.active["H2"].value == "The nurse was kind."


def test_a_control_character_typed_into_a_code_name_is_removed(client, coordinator, project, narrator):
    source = add_text_source(project, coordinator, narrator_person=narrator)
    client.force_login(coordinator)
    response = client.post(
        reverse("sensemaking:codebook", args=[project.pk]),
        {"name": "Wait\x01ing\x0b times", "parent": "", "description": "Long\x02 waits\x1f."},
    )
    assert response.status_code == 302
    code = Code.objects.get()
    assert (code.name, code.description) == ("Waiting times", "Long waits.")
    code_words(source, code, coordinator, "Nobody picked up for forty minutes.")
    qde, workbook = exports_work(client, project)
    assert b'name="Waiting times"' in qde
    assert workbook.active["C2"].value == "Waiting times"


def test_a_nul_in_a_pdf_s_text_is_removed_before_it_is_stored(client, coordinator, project):
    # PostgreSQL refuses NUL in text, so storing it was an error page there.
    client.force_login(coordinator)
    response = client.post(
        reverse("sensemaking:upload", args=[project.pk]),
        upload_form("notes.pdf", pdf_bytes(["Ward A\x00B was loud at night."])),
    )
    assert response.status_code == 302
    assert Source.objects.get().text == "Ward AB was loud at night."


def test_words_stored_before_they_were_cleaned_still_export(client, coordinator, project, narrator):
    source = add_text_source(project, coordinator, "Before.\n\nA nurse was kind.", narrator_person=narrator)
    code = do_add_code(project, name="Kindness", acting_user=coordinator)
    code_words(source, code, coordinator, "A nurse was kind.")
    # Written straight to the database, as text stored by an earlier version could be.
    Source.objects.filter(pk=source.pk).update(text="Before\x0c\n\nA nurse\x01was kind.")
    Code.objects.filter(pk=code.pk).update(name="Kind\x01ness", description="x\x02")
    client.force_login(coordinator)
    qde, workbook = exports_work(client, project)
    # Each character XML cannot hold is replaced one for one, so positions still hold.
    assert 'name="Kind\ufffdness"'.encode() in qde
    assert workbook.active["H2"].value == "A nurse\ufffdwas kind."


def test_selections_in_an_imported_project_follow_the_text_when_characters_are_removed(project, coordinator):
    raw = "Stray\x01 word.\r\n\r\nThe bus never came."
    guid = "d7aa29da-519b-4946-9b90-253b6db8fd0a"
    qde = (
        '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="P"><CodeBook><Codes>'
        f'<Code guid="{guid}" name="Bus" isCodable="true"/></Codes></CodeBook><Sources>'
        '<TextSource guid="a7aa29da-519b-4946-9b90-253b6db8fd0a" name="Interview" '
        'plainTextPath="internal://a7aa29da-519b-4946-9b90-253b6db8fd0a.txt">'
        f'<PlainTextSelection guid="b7aa29da-519b-4946-9b90-253b6db8fd0a" startPosition="{raw.index("The")}" '
        f'endPosition="{len(raw)}"><Coding guid="c7aa29da-519b-4946-9b90-253b6db8fd0a"><CodeRef '
        f'targetGUID="{guid}"/></Coding></PlainTextSelection></TextSource></Sources></Project>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/a7aa29da-519b-4946-9b90-253b6db8fd0a.txt", raw)
    do_import_qdpx(project, buffer.getvalue(), consent=ConsentDetails(), acting_user=coordinator)
    source = Source.objects.get()
    assert source.text == "Stray word.\n\nThe bus never came."
    assert Coding.objects.get().text == "The bus never came."
    assert Segment.objects.filter(source=source).count() == 2
    qdpx = do_export_qdpx(project, acting_user=coordinator)
    assert zipfile.ZipFile(io.BytesIO(qdpx)).read("project.qde")
