"""Sense-making fixtures: a narrator with an account, sources built through the same actions as the app."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.partnerships.models import Membership
from coproduce.sensemaking.actions.coding import do_add_code, do_apply_code
from coproduce.sensemaking.actions.sources import ConsentDetails, NarratorDetails, do_add_source
from coproduce.sensemaking.importers import segment_text
from coproduce.sensemaking.models import Audience, ConsentUse

from ..conftest import make_person

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
REFI_DIR = SHARED_DATA / "refi-qda"

TRANSCRIPT = (
    "Interviewer: What happened when you first asked for help?\n"
    "Maya: I rang the crisis line at two in the morning. Nobody picked up for forty minutes.\n"
    "Interviewer: And then?\n"
    "Maya: A nurse called Joe was kind. He stayed on the phone until the sun came up.\n"
    "Maya: At Ward 7 they never asked what helps me.\n"
)


@pytest.fixture
def narrator(project):
    """A member of the project whose interview the project holds."""
    person = make_person("narrator@example.org", "Maya")
    Membership.objects.create(project=project, person=person, role=Membership.Role.MEMBER)
    return person


@pytest.fixture
def outside_narrator(db):
    """Someone with an account who is not a member of the project but told their story to it."""
    return make_person("storyteller@example.org", "Rowan")


def add_text_source(
    project,
    by,
    text=TRANSCRIPT,
    *,
    title="Interview 1",
    narrator_person=None,
    use=ConsentUse.PSEUDONYM,
    audiences=(Audience.TEAM, Audience.PARTNERS),
    until=None,
    narrator_name="",
    pseudonym="M",
):
    return do_add_source(
        project,
        segment_text(text, "txt"),
        title=title,
        narrator=NarratorDetails(person=narrator_person, name=narrator_name, pseudonym=pseudonym),
        consent=ConsentDetails(use=use, audiences=tuple(audiences), until=until),
        acting_user=by,
    )


@pytest.fixture
def source(project, coordinator, narrator):
    return add_text_source(project, coordinator, narrator_person=narrator)


@pytest.fixture
def codes(project, coordinator):
    waiting = do_add_code(
        project, name="Waiting", description="Time before anyone helps", acting_user=coordinator
    )
    kindness = do_add_code(project, name="Kindness", acting_user=coordinator)
    return {"waiting": waiting, "kindness": kindness}


GROUP = (
    "Tom: I rang the crisis line and nobody answered for an hour.\n"
    "Sol: My son Daniel sat with me in the waiting room all night.\n"
    "Kemi: Dr Okafor on Ward 9 was the first person who listened.\n"
    "Tom: Sol is right, the nights are the worst.\n"
    "Sol: I still think about that night.\n"
    "Kemi: The café helped more than anything.\n"
)
REAL_NAMES = ("Tom", "Sol", "Kemi", "Daniel", "Okafor", "Ward 9")


@pytest.fixture
def group(client, project, coordinator):
    """A group listening session uploaded by the coordinator with Tom (a member) as its narrator,
    pseudonym "Carer T", as the upload form records it. Sol has an account but is not a member of the
    project; Kemi has no account. Each speaker has a pseudonym, and the register holds three details."""
    from coproduce.sensemaking.actions.sources import do_map_speaker
    from coproduce.sensemaking.actions.themes import do_add_identifier
    from coproduce.sensemaking.models import Source

    tom = make_person("tom@example.org", "Tom")
    Membership.objects.create(project=project, person=tom, role=Membership.Role.MEMBER)
    sol = make_person("sol@example.org", "Sol")
    client.force_login(coordinator)
    response = client.post(
        reverse("sensemaking:upload", args=[project.pk]),
        {
            "file": upload_file("group.txt", GROUP.encode("utf-8")),
            "title": "Group listening session",
            "narrator_kind": "member",
            "narrator_person": str(tom.pk),
            "narrator_pseudonym": "Carer T",
            "consent_use": "pseudonym",
            "consent_audiences": ["team", "partners"],
            "consent_until": "",
        },
    )
    assert response.status_code == 302
    client.logout()
    source = Source.objects.get(title="Group listening session")
    speakers = {s.label: s for s in source.speakers.all()}
    do_map_speaker(speakers["Tom"], person=tom, pseudonym="Carer T", acting_user=coordinator)
    do_map_speaker(speakers["Sol"], person=sol, pseudonym="Parent S", acting_user=coordinator)
    do_map_speaker(speakers["Kemi"], pseudonym="Friend K", acting_user=coordinator)
    for term, replacement in (("Daniel", "[her son]"), ("Okafor", "[a doctor]"), ("Ward 9", "[the ward]")):
        do_add_identifier(project, term=term, replacement=replacement, acting_user=coordinator)
    return {"source": source, "tom": tom, "sol": sol}


def words_on(page: str) -> str:
    """The words of a source page or coding page as a reader sees them: tags stripped, entities decoded."""
    import html
    import re

    passages = re.findall(r'<p class="segment__text">(.*?)</p>', page, re.DOTALL)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in passages)


def span_of(source, words: str) -> tuple[int, int]:
    start = source.text.index(words)
    return start, start + len(words)


def code_words(source, code, coder, words):
    start, end = span_of(source, words)
    return do_apply_code(source, code, start=start, end=end, acting_user=coder)[0]


def upload_file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def upload_form(name: str, data: bytes, **extra) -> dict:
    form = {
        "file": upload_file(name, data),
        "title": extra.pop("title", ""),
        "narrator_kind": "outside",
        "narrator_name": "Maya Example",
        "narrator_pseudonym": "M",
        "consent_use": "pseudonym",
        "consent_audiences": ["team", "partners"],
        "consent_until": "",
    }
    form.update(extra)
    return form


def docx_bytes(paragraphs: list[str], table_rows: list[tuple[str, str]] = ()) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table_rows:
        table = document.add_table(rows=0, cols=2)
        for left, right in table_rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = left, right
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pdf_bytes(lines: list[str], *, password: str | None = None) -> bytes:
    """A one-page PDF with a real text layer, written by hand (no PDF-writing dependency)."""
    from pypdf import PdfReader, PdfWriter

    text_ops = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text_ops} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
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
    data = out.getvalue()
    if password is None:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    return encrypted.getvalue()
