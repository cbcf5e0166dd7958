"""Uploading sources in any format or encoding; bad files get a clear message, nothing is half-imported."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from django.urls import reverse

from coproduce.sensemaking.models import PendingImport, Segment, Source, Speaker

from .conftest import docx_bytes, pdf_bytes, upload_form, xlsx_bytes

pytestmark = pytest.mark.django_db

WORDS = "Café staff said “we’re full” — I waited 3 hours.\n\nThe second time was better."


def post_upload(client, project, name, data, **extra):
    return client.post(reverse("sensemaking:upload", args=[project.pk]), upload_form(name, data, **extra))


def only_source() -> Source:
    assert Source.objects.count() == 1
    return Source.objects.get()


@pytest.mark.parametrize(
    "encoding,data",
    [
        ("utf-8", WORDS.encode("utf-8")),
        ("utf-8 with BOM", codecs.BOM_UTF8 + WORDS.encode("utf-8")),
        ("utf-16 with BOM", WORDS.encode("utf-16")),
        ("utf-16-le without BOM", WORDS.encode("utf-16-le")),
        ("utf-16-be without BOM", WORDS.encode("utf-16-be")),
        ("windows-1252", WORDS.encode("cp1252")),
        ("windows line endings", WORDS.replace("\n", "\r\n").encode("cp1252")),
    ],
)
def test_text_file_in_each_encoding_is_read_exactly(client, coordinator, project, encoding, data):
    client.force_login(coordinator)
    response = post_upload(client, project, "feedback.txt", data, title="Feedback")
    assert response.status_code == 302, encoding
    source = only_source()
    assert source.text == WORDS
    assert [source.text[s.start : s.end] for s in source.segments.all()] == WORDS.split("\n\n")


def test_transcript_speaker_turns_are_found_and_mapped(client, coordinator, project, member):
    text = (
        "Interviewer: How was the first call?\nMaya: I waited six weeks.\nNobody rang back.\n"
        "Interviewer: What helped?\nMaya: Dee from the hub. She listened.\n"
    )
    client.force_login(coordinator)
    response = post_upload(client, project, "interview.txt", text.encode())
    source = only_source()
    assert response["Location"] == reverse("sensemaking:speakers", args=[project.pk, source.pk])
    assert source.kind == "transcript"
    turns = [
        (s.speaker.label if s.speaker else "", source.text[s.speech_start : s.end])
        for s in source.segments.all()
    ]
    assert turns == [
        ("Interviewer", "How was the first call?"),
        ("Maya", "I waited six weeks."),
        ("Maya", "Nobody rang back."),
        ("Interviewer", "What helped?"),
        ("Maya", "Dee from the hub. She listened."),
    ]
    maya = Speaker.objects.get(source=source, label="Maya")
    interviewer = Speaker.objects.get(source=source, label="Interviewer")
    response = client.post(
        reverse("sensemaking:speakers", args=[project.pk, source.pk]),
        {
            f"person_{maya.pk}": "",
            f"pseudonym_{maya.pk}": "Robin",
            f"person_{interviewer.pk}": str(member.pk),
            f"pseudonym_{interviewer.pk}": "",
        },
    )
    assert response.status_code == 302
    maya.refresh_from_db()
    interviewer.refresh_from_db()
    assert (maya.pseudonym, maya.person, interviewer.person) == ("Robin", None, member)
    assert source.events.filter(kind="speakers").exists()


def test_docx_paragraphs_and_two_column_transcript_table(client, coordinator, project):
    data = docx_bytes(
        ["Listening session, March."],
        table_rows=[
            ("Facilitator", "What matters most?"),
            ("Sam", "Being believed."),
            ("Facilitator", "Anything else?"),
            ("Sam", "Not having to repeat my story."),
        ],
    )
    client.force_login(coordinator)
    assert post_upload(client, project, "session.docx", data).status_code == 302
    source = only_source()
    assert source.kind == "transcript"
    assert "Sam: Being believed." in source.text
    assert sorted(source.speakers.values_list("label", flat=True)) == ["Facilitator", "Sam"]


def test_pdf_text_layer(client, coordinator, project):
    client.force_login(coordinator)
    data = pdf_bytes(["The ward was loud at night.", "Staff were kind but rushed."])
    assert post_upload(client, project, "notes.pdf", data).status_code == 302
    source = only_source()
    assert "The ward was loud at night." in source.text
    assert "Staff were kind but rushed." in source.text


VTT = """WEBVTT

NOTE recorded at the hub

1
00:00:01.000 --> 00:00:04.500
<v Facilitator>What was the first thing you noticed?</v>

2
00:00:05.000 --> 00:00:08.000
<v Ade>The waiting room had no windows.

3
00:01:08.250 --> 00:01:10.000
<v Ade>It felt like a cell.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Facilitator: Tell us about the night.

2
00:00:04,500 --> 00:00:09,000
Ade: I sat in <i>A&amp;E</i> for nine hours.
"""


def test_vtt_keeps_speaker_turns_and_timestamps(client, coordinator, project):
    client.force_login(coordinator)
    assert post_upload(client, project, "session.vtt", VTT.encode("utf-8")).status_code == 302
    source = only_source()
    assert source.text == (
        "Facilitator: What was the first thing you noticed?\n"
        "Ade: The waiting room had no windows. It felt like a cell."
    )
    first, second = source.segments.all()
    assert (first.speaker.label, first.started_ms, first.ended_ms) == ("Facilitator", 1000, 4500)
    assert (second.speaker.label, second.started_ms, second.ended_ms) == ("Ade", 5000, 70000)
    assert second.started == "00:00:05"
    page = client.get(reverse("sensemaking:source", args=[project.pk, source.pk]))
    assert b"00:00:05" in page.content


def test_srt_in_utf16_keeps_turns_and_timestamps(client, coordinator, project):
    client.force_login(coordinator)
    assert post_upload(client, project, "session.srt", SRT.encode("utf-16")).status_code == 302
    source = only_source()
    assert source.text == "Facilitator: Tell us about the night.\nAde: I sat in A&amp;E for nine hours."
    assert [s.started_ms for s in source.segments.all()] == [1000, 4500]


CSV_TEXT = (
    "id,site,rating,comment\n1,North,4,The staff listened to me.\n"
    '2,South,2,"Waited ages, nobody explained why."\n3,North,5,\n4,South,3,Café was shut again\n'
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_csv_responses_choose_text_column_other_columns_become_attributes(
    client, coordinator, project, encoding
):
    client.force_login(coordinator)
    response = post_upload(
        client,
        project,
        "feedback.csv",
        CSV_TEXT.encode(encoding),
        narrator_kind="several",
        title="Feedback cards",
    )
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("sensemaking:choose_columns", args=[project.pk, pending.pk])
    assert Source.objects.count() == 0  # nothing imported until the column is chosen
    page = client.get(response["Location"])
    assert page.context["form"]["text_column"].initial == 3  # the longest answers
    response = client.post(response["Location"], {"text_column": "3", "attribute_columns": ["1", "2"]})
    assert response.status_code == 302
    source = only_source()
    assert source.kind == "responses" and source.title == "Feedback cards"
    assert source.narrator_person is None and source.narrator_name == ""
    responses = [(source.text[s.start : s.end], s.attributes) for s in source.segments.all()]
    assert responses == [
        ("The staff listened to me.", {"site": "North", "rating": "4"}),
        ("Waited ages, nobody explained why.", {"site": "South", "rating": "2"}),
        ("Café was shut again", {"site": "South", "rating": "3"}),
    ]
    assert not PendingImport.objects.exists()


def test_xlsx_responses(client, coordinator, project):
    import datetime as dt

    data = xlsx_bytes(
        [
            ["Date", "Ward", "What could be better?"],
            [dt.date(2026, 3, 2), "Willow", "More time to talk before discharge"],
            [dt.date(2026, 3, 3), "Birch", "Explain the medication changes"],
        ]
    )
    client.force_login(coordinator)
    response = post_upload(client, project, "survey.xlsx", data, narrator_kind="several")
    response = client.post(response["Location"], {"text_column": "2", "attribute_columns": ["0", "1"]})
    source = only_source()
    assert [s.attributes for s in source.segments.all()] == [
        {"Date": "2026-03-02", "Ward": "Willow"},
        {"Date": "2026-03-03", "Ward": "Birch"},
    ]
    assert source.text == "More time to talk before discharge\n\nExplain the medication changes"


def test_cancelling_a_spreadsheet_import_imports_nothing(client, coordinator, project):
    client.force_login(coordinator)
    response = post_upload(client, project, "feedback.csv", CSV_TEXT.encode(), narrator_kind="several")
    client.post(response["Location"], {"cancel": "1"})
    assert not Source.objects.exists() and not PendingImport.objects.exists()


def _corrupt_zip() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 40 + b"this is not really a zip"


def _encrypted_office() -> bytes:
    # Password-protected .docx/.xlsx files are OLE compound files holding an EncryptedPackage.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


@pytest.mark.parametrize(
    "name,data,message",
    [
        (
            "broken.docx",
            _corrupt_zip(),
            "This file could not be read: it may be damaged or not really a Word (.docx) file.",
        ),
        (
            "broken.xlsx",
            b"not a spreadsheet at all",
            "This file could not be read: it may be damaged or not really a Excel (.xlsx) file.",
        ),
        (
            "broken.pdf",
            b"%PDF-1.4\n garbage garbage",
            "This file could not be read: it may be damaged or not really a PDF file.",
        ),
        (
            "locked.docx",
            _encrypted_office(),
            "This file is protected with a password, or saved in an old format",
        ),
        (
            "locked.pdf",
            pdf_bytes(["secret words"], password="letmein"),
            "This file is protected with a password.",
        ),
        ("scan.pdf", pdf_bytes([]), "This PDF has no text in it that can be copied"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "does not look like a text file"),
        (
            "notes.rtf",
            b"{\\rtf1 hello}",
            "Coproduce reads .txt, .docx, .pdf, .vtt, .srt, .csv and .xlsx files.",
        ),
        ("empty.txt", b"   \n  ", "This file has no text in it."),
        ("captions.vtt", b"WEBVTT\n\njust words, no timings\n", "No captions were found in this .vtt file."),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_imported(
    client, coordinator, project, name, data, message
):
    client.force_login(coordinator)
    response = post_upload(client, project, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Source.objects.exists() and not Segment.objects.exists() and not PendingImport.objects.exists()


def test_oversized_file_is_refused_with_the_limit(client, coordinator, project, settings):
    settings.SENSEMAKING_MAX_UPLOAD_BYTES = 1000
    client.force_login(coordinator)
    response = post_upload(client, project, "long.txt", b"word " * 400)
    assert response.status_code == 400
    assert "This file is 2 KB and the limit is 1000 bytes." in response.content.decode()
    assert not Source.objects.exists()


def test_zip_bomb_docx_is_refused_by_what_it_really_unpacks_to(client, coordinator, project, settings):
    # 5 MB of XML that compresses to about 15 KB: far over ten times its size, and the 1 MB floor.
    settings.SENSEMAKING_IMPORT_MAX_UNPACKED_RATIO = 10
    paragraph = b"<w:p><w:r><w:t> </w:t></w:r></w:p>"
    document = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + paragraph * (5_000_000 // len(paragraph))
        + b"</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", document)
    client.force_login(coordinator)
    response = post_upload(client, project, "bomb.docx", buffer.getvalue())
    assert response.status_code == 400
    assert (
        "This file unpacks to more than 1.0 MB, the most Coproduce reads from a file of its size."
        in response.content.decode()
    )
    assert not Source.objects.exists()


def test_failure_half_way_through_storing_leaves_nothing(client, coordinator, project, monkeypatch):
    from coproduce.sensemaking.actions import sources as source_actions

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(source_actions.Segment.objects, "bulk_create", explode)
    client.force_login(coordinator)
    client.raise_request_exception = False
    response = client.post(
        reverse("sensemaking:upload", args=[project.pk]),
        upload_form("interview.txt", b"One paragraph.\n\nAnother paragraph."),
    )
    assert response.status_code == 500
    assert not Source.objects.exists() and not Speaker.objects.exists()


def test_narrator_choice_is_validated_next_to_the_field(client, coordinator, project):
    client.force_login(coordinator)
    response = post_upload(
        client, project, "a.txt", b"Some words.", narrator_kind="outside", narrator_name=""
    )
    assert response.status_code == 400
    assert "Write the name of the person whose words these are." in response.content.decode()
    response = post_upload(client, project, "a.txt", b"Some words.", narrator_kind="member")
    assert "Choose which member these words belong to." in response.content.decode()
    assert not Source.objects.exists()


def test_members_who_do_not_manage_sources_cannot_upload(client, member, project):
    client.force_login(member)
    assert post_upload(client, project, "a.txt", b"Some words.").status_code == 404
    assert not Source.objects.exists()
