"""REFI-QDA .qdpx and .qdc export that validates against the standard's schemas and re-imports; CSV, Excel."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from coproduce.sensemaking.actions.coding import do_add_code, do_add_memo
from coproduce.sensemaking.actions.exchange import (
    codebook_qdc,
    do_export_qdpx,
    do_import_codebook,
    do_import_qdpx,
)
from coproduce.sensemaking.actions.sources import ConsentDetails
from coproduce.sensemaking.actions.themes import do_create_theme
from coproduce.sensemaking.errors import SensemakingError
from coproduce.sensemaking.models import Code, Coding, ExportRecord, Memo, Source, Theme

from ..conftest import make_person
from .conftest import REFI_DIR, add_text_source, code_words

pytestmark = pytest.mark.django_db

needs_schemas = pytest.mark.skipif(
    not (REFI_DIR / "Project.xsd").exists(),
    reason=(
        "the REFI-QDA schemas in ../shared/data/refi-qda/ are absent (they come with the shared data folder)"
    ),
)

EMOJI_TEXT = "Kit 🙂 said the café 👍 was warm.\n\nThen the bus 🚌 never came.\n"


def schema(name: str):
    import xmlschema

    return xmlschema.XMLSchema(str(REFI_DIR / name))


@pytest.fixture
def analysed(project, coordinator, member, narrator):
    """A project with nested codes, two coders, memos, attributes and a theme, with non-BMP characters."""
    access = do_add_code(
        project,
        name="Access",
        description="Getting to help",
        examples="Buses",
        color="#1f77b4",
        acting_user=coordinator,
    )
    waiting = do_add_code(project, name="Waiting", parent=access, acting_user=coordinator)
    warmth = do_add_code(project, name="Warmth", acting_user=coordinator)
    source = add_text_source(project, coordinator, EMOJI_TEXT, title="Kit's story", narrator_person=narrator)
    code_words(source, warmth, coordinator, "the café 👍 was warm")
    code_words(source, warmth, member, "café 👍 was warm.")
    code_words(source, waiting, member, "the bus 🚌 never came")
    do_add_memo(project, text="Warmth includes places", code=warmth, acting_user=member)
    do_add_memo(project, text="The bus again", segment=source.segments.get(index=1), acting_user=member)
    do_create_theme(project, name="Places that hold people", codes=[warmth], acting_user=member)
    return {"source": source, "codes": (access, waiting, warmth)}


def _qde(qdpx: bytes) -> tuple[bytes, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        names = archive.namelist()
        return archive.read("project.qde"), {n: archive.read(n) for n in names if n.startswith("sources/")}


@needs_schemas
def test_qdpx_export_validates_against_project_xsd(project, coordinator, analysed):
    qdpx = do_export_qdpx(project, acting_user=coordinator)
    qde, sources = _qde(qdpx)
    schema("Project.xsd").validate(qde)
    source = analysed["source"]
    assert list(sources) == [f"sources/{source.guid}.txt"]
    assert sources[f"sources/{source.guid}.txt"].decode("utf-8") == EMOJI_TEXT
    assert f'plainTextPath="internal://{source.guid}.txt"'.encode() in qde
    # Positions are code points: "the café 👍 was warm" starts at 11 whatever the encoding.
    assert b'startPosition="11" endPosition="30"' in qde
    assert ExportRecord.objects.get().sources.get() == source


@needs_schemas
def test_qdc_export_validates_against_codebook_xsd(project, coordinator, analysed):
    qdc = codebook_qdc(project)
    schema("Codebook.xsd").validate(qdc)
    assert b"<Description>Getting to help\n\nExamples: Buses</Description>" in qdc


def test_exported_project_reimports_into_a_fresh_project_with_the_same_codings(
    project, other_project, coordinator, member, other_member, analysed
):
    qdpx = do_export_qdpx(project, acting_user=coordinator)
    # "Jo" (member) exists in the other project under the same badge name; "Sam" does not.
    twin = make_person("jo.twin@example.org", member.badge_name)
    other_project.memberships.create(person=twin, role="member")
    summary = do_import_qdpx(other_project, qdpx, consent=ConsentDetails(), acting_user=other_member)
    assert (summary.sources_added, summary.codes_added, summary.codings_added, summary.themes_added) == (
        1,
        3,
        3,
        1,
    )
    assert summary.coders_attributed_to_importer == [coordinator.badge_name]
    assert summary.memos_added == 2

    imported = Source.objects.get(project=other_project)
    assert imported.text == EMOJI_TEXT and imported.consent_use == "analysis_only"
    original = sorted(
        (c.code.path, c.coder.badge_name, c.text) for c in Coding.objects.filter(source=analysed["source"])
    )
    again = sorted((c.code.path, c.coder.badge_name, c.text) for c in Coding.objects.filter(source=imported))
    renamed = [
        (path, "Alex" if coder == coordinator.badge_name else coder, text) for path, coder, text in original
    ]
    assert again == sorted(renamed)
    assert sorted(Code.objects.filter(project=other_project).values_list("name", "parent__name")) == [
        ("Access", None),
        ("Waiting", "Access"),
        ("Warmth", None),
    ]
    assert Theme.objects.get(project=other_project).codes.get().name == "Warmth"
    assert set(Memo.objects.filter(project=other_project).values_list("text", flat=True)) == {
        "Warmth includes places",
        "The bus again",
    }


def test_codebook_imports_into_a_fresh_project_keeping_the_hierarchy(
    client, project, other_project, coordinator, analysed
):
    qdc = codebook_qdc(project)
    manager = make_person("manager@example.org", "Pat")
    other_project.memberships.create(person=manager, role="facilitator")
    client.force_login(manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("sensemaking:import_codebook", args=[other_project.pk]),
        {"codebook-file": SimpleUploadedFile("codebook.qdc", qdc)},
    )
    assert response.status_code == 302
    codes = {c.name: c for c in Code.objects.filter(project=other_project)}
    assert codes["Waiting"].parent == codes["Access"] and codes["Access"].color == "#1f77b4"
    # Importing the same codebook again adds nothing.
    summary = do_import_codebook(other_project, qdc, acting_user=manager)
    assert (summary.codes_added, summary.codes_matched) == (0, 3)


@needs_schemas
def test_the_standards_own_examples_import(project, coordinator):
    summary = do_import_codebook(
        project, (REFI_DIR / "examples" / "codebook.qdc").read_bytes(), acting_user=coordinator
    )
    assert summary.codes_added == 2
    assert Code.objects.get(name="Waiting times").parent.name == "Access to services"
    summary = do_import_qdpx(
        project,
        (REFI_DIR / "examples" / "minimal.qdpx").read_bytes(),
        consent=ConsentDetails(),
        acting_user=coordinator,
    )
    assert (summary.sources_added, summary.codings_added) == (1, 1)
    coding = Coding.objects.get()
    assert (coding.start, coding.end, coding.code.name) == (0, 40, "Waiting times")


def test_crlf_sources_are_normalised_and_positions_moved_with_them(project, coordinator):
    from coproduce.sensemaking import refi

    text = "First line\r\nSecond line with words\r\n"
    data = refi.RefiProject(
        name="Windows",
        users=[refi.RefiUser(guid=refi.new_guid(), name="Someone")],
        codes=[refi.RefiCode(guid="d7aa29da-519b-4946-9b90-253b6db8fd0a", name="Words")],
        sources=[
            refi.RefiSource(
                guid=refi.new_guid(),
                name="s",
                text=text,
                selections=[
                    refi.RefiSelection(
                        guid=refi.new_guid(),
                        start=12,
                        end=34,
                        codings=[
                            refi.RefiCoding(
                                guid=refi.new_guid(), code_guid="d7aa29da-519b-4946-9b90-253b6db8fd0a"
                            )
                        ],
                    )
                ],
            )
        ],
    )
    do_import_qdpx(project, refi.write_qdpx(data), consent=ConsentDetails(), acting_user=coordinator)
    assert Coding.objects.get().text == "Second line with words"


@pytest.mark.parametrize(
    "data,message",
    [
        (b"not xml at all", "This file is not readable XML: it may be damaged."),
        (b"PK\x03\x04broken", "This .qdpx file could not be opened: it may be damaged."),
        (
            b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
            "This is not a REFI-QDA project: it has no Project in it.",
        ),
    ],
)
def test_broken_project_files_are_refused_and_nothing_imported(project, coordinator, data, message):
    with pytest.raises(SensemakingError) as refused:
        do_import_qdpx(project, data, consent=ConsentDetails(), acting_user=coordinator)
    assert str(refused.value) == message
    assert not Source.objects.exists() and not Code.objects.exists()


def test_external_entities_are_not_resolved(project, coordinator, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="&e;" isCodable="true"/></Codes></CodeBook>'
    )
    try:
        do_import_codebook(project, xml.encode(), acting_user=coordinator)
    except SensemakingError:
        assert not Code.objects.exists()
    else:
        assert "do not read me" not in Code.objects.get().name


def test_codings_export_as_csv_and_xlsx(client, project, coordinator, member, analysed):
    client.force_login(coordinator)
    response = client.post(
        reverse("sensemaking:export_codings", args=[project.pk]), {"codings-file_format": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="better-discharge-together-codings-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Source",
        "Passage",
        "Code",
        "Code path",
        "Coder",
        "Start",
        "End",
        "Coded text",
        "Coded at",
    ]
    assert sorted((r[3], r[4], r[7]) for r in rows[1:]) == sorted(
        [
            ("Warmth", "Sam", "the café 👍 was warm"),
            ("Warmth", "Jo", "café 👍 was warm."),
            ("Access › Waiting", "Jo", "the bus 🚌 never came"),
        ]
    )

    response = client.post(
        reverse("sensemaking:export_codings", args=[project.pk]), {"codings-file_format": "xlsx"}
    )
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Source" and len(values) == 4
    assert ExportRecord.objects.count() == 2


def test_spreadsheet_cells_cannot_become_formulas(project, coordinator, narrator):
    source = add_text_source(
        project, coordinator, '=HYPERLINK("http://x")\n\nfine words\n', narrator_person=narrator
    )
    code = do_add_code(project, name="Odd", acting_user=coordinator)
    code_words(source, code, coordinator, '=HYPERLINK("http://x")')
    from coproduce.sensemaking.actions.exchange import do_export_codings

    data = do_export_codings(project, "csv", acting_user=coordinator).decode("utf-8-sig")
    assert "'=HYPERLINK" in data


def test_only_coordinators_export_words_but_every_member_gets_the_codebook(client, project, member, analysed):
    client.force_login(member)
    assert client.post(reverse("sensemaking:export_project", args=[project.pk])).status_code == 404
    assert (
        client.post(
            reverse("sensemaking:export_codings", args=[project.pk]), {"codings-file_format": "csv"}
        ).status_code
        == 404
    )
    response = client.get(reverse("sensemaking:export_codebook", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert not ExportRecord.objects.exists()


def test_project_import_over_http_is_for_coordinators_and_respects_the_size_limit(
    client, project, other_project, coordinator, facilitator, analysed, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    qdpx = do_export_qdpx(project, acting_user=coordinator)
    other_project.memberships.create(person=coordinator, role="coordinator")
    other_project.memberships.create(person=facilitator, role="facilitator")
    form = {
        "project-consent_use": "anonymous",
        "project-consent_audiences": ["team"],
        "project-consent_until": "",
    }
    url = reverse("sensemaking:import_project", args=[other_project.pk])

    client.force_login(facilitator)
    assert client.post(url, {**form, "project-file": SimpleUploadedFile("p.qdpx", qdpx)}).status_code == 404

    client.force_login(coordinator)
    settings.SENSEMAKING_MAX_UPLOAD_BYTES = 100
    response = client.post(url, {**form, "project-file": SimpleUploadedFile("p.qdpx", qdpx)})
    assert response.status_code == 400
    assert "and the limit is 100 bytes." in response.content.decode()
    assert not Source.objects.filter(project=other_project).exists()

    settings.SENSEMAKING_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    response = client.post(url, {**form, "project-file": SimpleUploadedFile("p.qdpx", qdpx)}, follow=True)
    assert (
        "Imported 1 source(s), 3 new code(s), 3 coding(s), 2 memo(s) and 1 theme(s)."
        in response.content.decode()
    )
    imported = Source.objects.get(project=other_project)
    assert (imported.consent_use, imported.consent_audiences) == ("anonymous", ["team"])
