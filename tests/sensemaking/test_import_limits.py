"""Files built to exhaust memory or time are stopped at a limit, with a message naming it; nothing is stored.

Each hostile file is made here, small, the way the issue reproduced it. Limits are lowered in settings
where the real default would make the test slow; none of these tests measures time.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.sensemaking.actions.exchange import do_import_codebook, do_import_qdpx
from coproduce.sensemaking.actions.sources import ConsentDetails
from coproduce.sensemaking.models import Code, CodeRevision, Coding, PendingImport, Segment, Source, Theme

from .conftest import upload_form

pytestmark = pytest.mark.django_db

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def post_upload(client, project, name: str, data: bytes):
    return client.post(reverse("sensemaking:upload", args=[project.pk]), upload_form(name, data))


def post_project(client, project, data: bytes):
    return client.post(
        reverse("sensemaking:import_project", args=[project.pk]),
        {
            "project-file": SimpleUploadedFile("project.qdpx", data),
            "project-consent_use": "anonymous",
            "project-consent_audiences": ["team"],
            "project-consent_until": "",
        },
    )


def post_codebook(client, project, data: bytes):
    return client.post(
        reverse("sensemaking:import_codebook", args=[project.pk]),
        {"codebook-file": SimpleUploadedFile("codebook.qdc", data)},
    )


def refused(response, message: str) -> None:
    """The page came back with ``message`` next to the file field, and nothing was stored."""
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page, page[page.find("There is a problem") :][:2000]
    assert not Source.objects.exists() and not Segment.objects.exists()
    assert not PendingImport.objects.exists() and not Code.objects.exists()


# --- builders ------------------------------------------------------------------------------------


def xlsx_with_stray_cell(rows: int) -> bytes:
    """A sheet of responses in column A, and one cell at XFD (the last column Excel has)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Comment"])
    for number in range(rows):
        sheet.append([f"Response number {number}"])
    sheet.cell(row=1, column=16384, value="Stray")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def docx_with_paragraphs(paragraphs: list[str], *, extra_body: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs) + extra_body
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
        )
    return buffer.getvalue()


def pdf_of_pages(contents: list[bytes]) -> bytes:
    """A PDF whose pages draw ``contents`` (compressed), written by hand."""
    pages = len(contents)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{3 + i} 0 R".encode() for i in range(pages))
        + b"] /Count "
        + str(pages).encode()
        + b" >>",
    ]
    font = 3 + 2 * pages
    for i in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {3 + pages + i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
    for content in contents:
        stream = zlib.compress(content)
        objects.append(
            b"<< /Length "
            + str(len(stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n"
            + stream
            + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def page_of(words: str) -> bytes:
    return f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode("latin-1")


# A page of 50,000 tiny drawing instructions: about 350 KB of them, compressed to about 1 KB.
HEAVY_PAGE = b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj " * 50_000 + b"ET"


def qdpx(project_xml: str, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def guid(number: int) -> str:
    return f"{number:08x}-0000-4000-8000-000000000000"


def codebook_xml(codes: int, *, children: int = 0) -> bytes:
    def code(number: int, inner: str = "") -> str:
        return f'<Code guid="{guid(number)}" name="Code {number}" isCodable="true">{inner}</Code>'

    parts = []
    for number in range(codes):
        inner = "".join(code(10_000 + number * 100 + c) for c in range(children))
        parts.append(code(number, inner))
    return (
        '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + "".join(parts)
        + "</Codes></CodeBook>"
    ).encode()


# --- spreadsheets: rows × columns in use -----------------------------------------------------------


def test_a_stray_cell_in_column_xfd_adds_one_column_not_sixteen_thousand(client, coordinator, project):
    client.force_login(coordinator)
    response = post_upload(client, project, "survey.xlsx", xlsx_with_stray_cell(200))
    pending = PendingImport.objects.get()
    assert response["Location"] == reverse("sensemaking:choose_columns", args=[project.pk, pending.pk])
    assert pending.columns == ["Comment", "Stray"]
    assert len(pending.rows) == 200 and pending.rows[0] == ["Response number 0", ""]


@pytest.mark.parametrize(
    "name,data",
    [
        ("survey.csv", "".join(f"Response {n},{n}\n" for n in range(30)).encode()),
        ("survey.xlsx", None),
    ],
)
def test_a_spreadsheet_over_the_cell_limit_is_refused_with_its_numbers(
    client, coordinator, project, settings, name, data
):
    if data is None:
        workbook = openpyxl.Workbook()
        for n in range(30):
            workbook.active.append([f"Response {n}", n])
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    settings.SENSEMAKING_IMPORT_MAX_CELLS = 50
    client.force_login(coordinator)
    refused(
        post_upload(client, project, name, data),
        "This spreadsheet has 26 rows and 2 columns in use (52 cells) and the limit is 50 cells.",
    )


def test_a_spreadsheet_with_more_responses_than_passages_allowed_is_refused_before_choosing_columns(
    client, coordinator, project, settings
):
    settings.SENSEMAKING_IMPORT_MAX_SEGMENTS = 10
    client.force_login(coordinator)
    data = ("Comment\n" + "".join(f"Response {n}\n" for n in range(11))).encode()
    refused(
        post_upload(client, project, "survey.csv", data),
        "This file has more than 10 passages, the most Coproduce imports at once.",
    )


# --- .qdpx: bytes actually decompressed, codings --------------------------------------------------


def test_a_project_naming_one_member_many_times_is_refused(client, coordinator, project, settings):
    # 2,000 sources all pointing at one 6 KB file: 12 million characters out of a 12 KB upload. Read
    # each time it is named, it unpacks to a thousand times the file's size; ten times is allowed here,
    # so the limit shown is the 1 MB floor.
    settings.SENSEMAKING_IMPORT_MAX_UNPACKED_RATIO = 10
    sources = "".join(
        f'<TextSource guid="{guid(n)}" name="Copy {n}" plainTextPath="internal://{guid(0)}.txt"/>'
        for n in range(2000)
    )
    data = qdpx(
        f'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="Echo"><Sources>{sources}'
        "</Sources></Project>",
        {f"sources/{guid(0)}.txt": b"word " * 1200},
    )
    client.force_login(coordinator)
    refused(
        post_project(client, project, data),
        "This file unpacks to more than 1.0 MB, the most Coproduce reads from a file of its size.",
    )


def test_a_project_over_the_codings_limit_is_refused(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_CODINGS = 20
    selections = "".join(
        f'<PlainTextSelection guid="{guid(100 + n)}" startPosition="0" endPosition="4">'
        f'<Coding guid="{guid(200 + n)}"><CodeRef targetGUID="{guid(1)}"/></Coding></PlainTextSelection>'
        for n in range(21)
    )
    data = qdpx(
        '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="Busy"><CodeBook><Codes>'
        f'<Code guid="{guid(1)}" name="Waiting" isCodable="true"/></Codes></CodeBook><Sources>'
        f'<TextSource guid="{guid(2)}" name="Interview" plainTextPath="internal://{guid(2)}.txt">'
        f"{selections}</TextSource></Sources></Project>",
        {f"sources/{guid(2)}.txt": b"Some words that were said."},
    )
    client.force_login(coordinator)
    refused(
        post_project(client, project, data),
        "This file has more than 20 codings and memos, the most Coproduce imports at once.",
    )


# --- .docx: passages counted as they are made -------------------------------------------------


def test_a_docx_with_more_passages_than_the_limit_is_refused(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_SEGMENTS = 100
    client.force_login(coordinator)
    refused(
        post_upload(client, project, "long.docx", docx_with_paragraphs([f"Line {n}." for n in range(300)])),
        "This file has more than 100 passages, the most Coproduce imports at once.",
    )


def test_docx_text_in_content_controls_insertions_and_merged_cells_is_read(client, coordinator, project):
    table = (
        "<w:tbl>"
        "<w:tr><w:tc><w:p><w:r><w:t>Sam</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Being believed.</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
        "<w:tc><w:p><w:r><w:t>Not repeating my story.</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    controls = (
        "<w:sdt><w:sdtPr><w:alias w:val='Note'/></w:sdtPr><w:sdtContent>"
        "<w:p><w:r><w:t xml:space='preserve'>Added </w:t></w:r><w:ins><w:r><w:t>later</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>removed</w:delText></w:r></w:del><w:r><w:t>.</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    data = docx_with_paragraphs(["Listening session."], extra_body=table + controls)
    client.force_login(coordinator)
    assert post_upload(client, project, "session.docx", data).status_code == 302
    source = Source.objects.get()
    assert source.text == (
        "Listening session.\n\nSam: Being believed.\n\nSam: Not repeating my story.\n\nAdded later."
    )


# --- .pdf: pages, and the drawing instructions they unpack to -------------------------------------


def test_a_small_pdf_with_heavy_pages_is_refused(client, coordinator, project):
    data = pdf_of_pages([HEAVY_PAGE] * 4)
    assert len(data) < 10_000
    client.force_login(coordinator)
    refused(
        post_upload(client, project, "notes.pdf", data),
        "This file unpacks to more than 1.0 MB, the most Coproduce reads from a file of its size.",
    )


def test_a_pdf_over_the_page_limit_is_refused(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_PAGES = 3
    client.force_login(coordinator)
    refused(
        post_upload(client, project, "book.pdf", pdf_of_pages([page_of(f"Page {n}") for n in range(5)])),
        "This PDF has 5 pages and the limit is 3.",
    )


def test_a_pdf_within_the_limits_still_imports_page_by_page(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_PAGES = 3
    client.force_login(coordinator)
    data = pdf_of_pages([page_of("The ward was loud."), page_of("Staff were kind.")])
    assert post_upload(client, project, "notes.pdf", data).status_code == 302
    assert Source.objects.get().text == "The ward was loud.\n\nStaff were kind."


# --- .qdc: codes, and how they are stored ------------------------------------------------------


def test_a_codebook_over_the_code_limit_is_refused(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_CODES = 100
    client.force_login(coordinator)
    refused(
        post_codebook(client, project, codebook_xml(101)),
        "This file has more than 100 codes and themes, the most Coproduce imports at once.",
    )


def test_a_large_codebook_is_stored_with_one_insert_per_level(
    project, coordinator, django_assert_max_num_queries
):
    # 60 codes with 5 sub-codes each: 360 codes. One code at a time took six queries each.
    with django_assert_max_num_queries(30):
        summary = do_import_codebook(project, codebook_xml(60, children=5), acting_user=coordinator)
    assert (summary.codes_added, summary.codes_matched) == (360, 0)
    assert Code.objects.filter(parent__isnull=True).count() == 60
    child = Code.objects.get(name="Code 10203")
    assert child.parent.name == "Code 2" and child.position == 3 and str(child.guid) == guid(10_203)
    assert CodeRevision.objects.filter(change="Created").count() == 360
    # Importing it again matches every code by name under the same parent.
    again = do_import_codebook(project, codebook_xml(60, children=5), acting_user=coordinator)
    assert (again.codes_added, again.codes_matched) == (0, 360)


def test_a_project_s_codes_memos_codings_and_sets_are_stored_in_a_few_queries(
    project, coordinator, django_assert_max_num_queries
):
    codes = "".join(
        f'<Code guid="{guid(n)}" name="Code {n}" isCodable="true">'
        f'<NoteRef targetGUID="{guid(500 + n)}"/></Code>'
        for n in range(50)
    )
    selections = "".join(
        f'<PlainTextSelection guid="{guid(100 + n)}" startPosition="{n}" endPosition="{n + 5}">'
        f'<Coding guid="{guid(200 + n)}"><CodeRef targetGUID="{guid(n)}"/></Coding>'
        f'<NoteRef targetGUID="{guid(600 + n)}"/></PlainTextSelection>'
        for n in range(50)
    )
    notes = "".join(
        f'<Note guid="{guid(500 + n)}"><PlainTextContent>About code {n}</PlainTextContent></Note>'
        f'<Note guid="{guid(600 + n)}"><PlainTextContent>About passage {n}</PlainTextContent></Note>'
        for n in range(50)
    )
    sets = "".join(
        f'<Set guid="{guid(700 + n)}" name="Theme {n}"><MemberCode targetGUID="{guid(n)}"/></Set>'
        for n in range(20)
    )
    data = qdpx(
        f'<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="Big"><CodeBook><Codes>{codes}'
        f'</Codes></CodeBook><Sources><TextSource guid="{guid(900)}" name="Interview" '
        f'plainTextPath="internal://{guid(900)}.txt">{selections}</TextSource></Sources><Notes>{notes}</Notes>'
        f"<Sets>{sets}</Sets></Project>",
        {f"sources/{guid(900)}.txt": ("A long line of words said in one breath. " * 5).encode()},
    )
    with django_assert_max_num_queries(40):
        summary = do_import_qdpx(project, data, consent=ConsentDetails(), acting_user=coordinator)
    assert (summary.codes_added, summary.codings_added, summary.memos_added, summary.themes_added) == (
        50,
        50,
        100,
        20,
    )
    assert Coding.objects.count() == 50 and Theme.objects.get(name="Theme 7").codes.get().name == "Code 7"


def test_a_project_of_many_sources_is_stored_in_a_few_queries(
    project, coordinator, django_assert_max_num_queries
):
    sources = "".join(
        f'<TextSource guid="{guid(1000 + n)}" name="Interview {n}" '
        f'plainTextPath="internal://{guid(1000 + n)}.txt">'
        f'<PlainTextSelection guid="{guid(2000 + n)}" startPosition="0" endPosition="3">'
        f'<Coding guid="{guid(3000 + n)}"><CodeRef targetGUID="{guid(1)}"/></Coding></PlainTextSelection>'
        "</TextSource>"
        for n in range(100)
    )
    data = qdpx(
        '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="Many"><CodeBook><Codes>'
        f'<Code guid="{guid(1)}" name="Bus" isCodable="true"/></Codes></CodeBook>'
        f"<Sources>{sources}</Sources></Project>",
        {f"sources/{guid(1000 + n)}.txt": f"Bus number {n} never came.".encode() for n in range(100)},
    )
    with django_assert_max_num_queries(40):
        summary = do_import_qdpx(project, data, consent=ConsentDetails(), acting_user=coordinator)
    assert (summary.sources_added, summary.codings_added) == (100, 100)
    source = Source.objects.get(title="Interview 42")
    assert source.text == "Bus number 42 never came." and source.codings.get().text == "Bus"
    assert list(source.events.values_list("kind", flat=True)) == ["consent", "added"]


# --- time and memory: the separate process ------------------------------------------------------


def test_reading_that_runs_out_of_time_is_stopped_with_a_message(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_UNPACKED_RATIO = 10_000  # let the heavy pages through to the reader
    settings.SENSEMAKING_IMPORT_MAX_SECONDS = 0.2
    client.force_login(coordinator)
    refused(
        post_upload(client, project, "notes.pdf", pdf_of_pages([HEAVY_PAGE] * 20)),
        "Reading this file took longer than 0.2 seconds, so Coproduce stopped.",
    )


def test_reading_that_runs_out_of_memory_is_stopped_with_a_message(client, coordinator, project, settings):
    settings.SENSEMAKING_IMPORT_MAX_MEMORY_BYTES = 2 * 1024 * 1024
    client.force_login(coordinator)
    refused(
        post_upload(client, project, "long.txt", b"All the words. " * 400_000),
        "Reading this file needed more than 2.0 MB of memory, so Coproduce stopped.",
    )
