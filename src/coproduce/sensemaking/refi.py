"""REFI-QDA exchange: write and read ``.qdpx`` projects and ``.qdc`` codebooks. No Django here.

Follows REFI-QDA 1.5 (www.qdasoftware.org, MIT licence): ``Project.xsd`` (namespace
``urn:QDA-XML:project:1.0``) and ``Codebook.xsd`` (``urn:QDA-XML:codebook:1.0``). A ``.qdpx`` is a zip
holding ``project.qde`` and a ``sources`` folder; plain-text sources are UTF-8 ``.txt`` files named by
their GUID and referred to as ``internal://<guid>.txt``. Text selections count Unicode code points from
0; like QualCoder, NVivo and ATLAS.ti exports, ``endPosition`` is exclusive (the character after the
selection), which is what Python slicing and our codings use.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from coproduce.core.text import clean_line, clean_text, clean_text_with_positions, xml_safe

from .budget import DamagedArchive, ImportBudget, ImportProblem, gettext_noop, open_zip, read_member
from .importers import ParsedSource, segment_text

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Coproduce"

MESSAGES = {
    "not_xml": gettext_noop("This file is not readable XML: it may be damaged."),
    "damaged": gettext_noop("This .qdpx file could not be opened: it may be damaged."),
    "encrypted": gettext_noop(
        "This .qdpx file is protected with a password. Export the project again without a password and "
        "import the new file."
    ),
    "no_qde": gettext_noop("This .qdpx file has no project.qde in it."),
    "not_project": gettext_noop("This is not a REFI-QDA project: it has no Project in it."),
    "not_codebook": gettext_noop("This is not a REFI-QDA codebook (.qdc): it has no CodeBook in it."),
    "no_codebook": gettext_noop("This project has no codebook in it."),
    "no_codes": gettext_noop("This codebook has no codes in it."),
    "nothing_to_export": gettext_noop("The codebook has no codes to export yet."),
}


class RefiError(ImportProblem):
    """A file that is not a readable REFI-QDA project or codebook; the message is for people."""


@dataclass
class RefiNote:
    guid: str
    text: str
    name: str = "Memo"
    creating_user: str | None = None
    created: dt.datetime | None = None


@dataclass
class RefiCode:
    guid: str
    name: str
    description: str = ""
    color: str = ""
    children: list[RefiCode] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)

    def walk(self, parent: RefiCode | None = None):
        yield self, parent
        for child in self.children:
            yield from child.walk(self)


@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCoding:
    guid: str
    code_guid: str
    creating_user: str | None = None
    created: dt.datetime | None = None


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    creating_user: str | None = None
    created: dt.datetime | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    note_guids: list[str] = field(default_factory=list)


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    creating_user: str | None = None
    created: dt.datetime | None = None
    selections: list[RefiSelection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)  # whole-source codings
    parsed: ParsedSource | None = None  # ``text`` in passages, when read from a file


@dataclass
class RefiVariable:
    guid: str
    name: str


@dataclass
class RefiCase:
    guid: str
    name: str
    values: list[tuple[str, str]] = field(default_factory=list)  # (variable guid, text value)
    selection_guids: list[str] = field(default_factory=list)


@dataclass
class RefiSet:
    guid: str
    name: str
    description: str = ""
    code_guids: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    creating_user: str | None = None
    created: dt.datetime | None = None
    origin: str = ORIGIN
    description: str = ""
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    skipped_sources: int = 0


def new_guid() -> str:
    return str(uuid.uuid4())


def stable_guid(kind: str, key) -> str:
    """A GUID that is the same every export for the same thing (e.g. a person), so tools can match them."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"coproduce:{kind}:{key}"))


def _when(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _attrs(element, **attrs) -> None:
    for name, value in attrs.items():
        if value not in (None, ""):
            element.set(name, xml_safe(str(value)))


def _text(parent, tag: str, value: str) -> None:
    """A child element holding ``value``. Text is cleaned when it comes in; ``xml_safe`` is for text
    stored before that, so one old stray control character cannot stop every export."""
    etree.SubElement(parent, tag).text = xml_safe(value)


# --- writing -------------------------------------------------------------------------------------


def _code_element(parent, ns: str, code: RefiCode, *, with_notes: bool) -> None:
    element = etree.SubElement(parent, f"{{{ns}}}Code")
    _attrs(element, guid=code.guid, name=code.name, isCodable="true", color=code.color or None)
    if code.description:
        _text(element, f"{{{ns}}}Description", code.description)
    if with_notes:
        for note_guid in code.note_guids:
            etree.SubElement(element, f"{{{ns}}}NoteRef", targetGUID=note_guid)
    for child in code.children:
        _code_element(element, ns, child, with_notes=with_notes)


def write_qdc(codes: list[RefiCode], *, origin: str = ORIGIN) -> bytes:
    """A ``.qdc`` codebook (``Codebook.xsd``). An empty codebook cannot be valid: at least one code."""
    if not codes:
        raise RefiError(MESSAGES["nothing_to_export"])
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", origin)
    codes_element = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    for code in codes:
        _code_element(codes_element, CODEBOOK_NS, code, with_notes=False)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _coding_element(parent, coding: RefiCoding) -> None:
    element = etree.SubElement(parent, f"{{{PROJECT_NS}}}Coding")
    _attrs(
        element, guid=coding.guid, creatingUser=coding.creating_user, creationDateTime=_when(coding.created)
    )
    etree.SubElement(element, f"{{{PROJECT_NS}}}CodeRef", targetGUID=coding.code_guid)


def project_xml(project: RefiProject) -> bytes:
    """The ``project.qde`` document (``Project.xsd``). Child order follows the schema's sequences."""
    p = PROJECT_NS
    root = etree.Element(f"{{{p}}}Project", nsmap={None: p})
    _attrs(
        root,
        name=project.name,
        origin=project.origin,
        creatingUserGUID=project.creating_user,
        creationDateTime=_when(project.created),
    )
    if project.users:
        users = etree.SubElement(root, f"{{{p}}}Users")
        for user in project.users:
            _attrs(etree.SubElement(users, f"{{{p}}}User"), guid=user.guid, name=user.name)
    if project.codes:
        codes = etree.SubElement(etree.SubElement(root, f"{{{p}}}CodeBook"), f"{{{p}}}Codes")
        for code in project.codes:
            _code_element(codes, p, code, with_notes=True)
    if project.variables:
        variables = etree.SubElement(root, f"{{{p}}}Variables")
        for variable in project.variables:
            _attrs(
                etree.SubElement(variables, f"{{{p}}}Variable"),
                guid=variable.guid,
                name=variable.name,
                typeOfVariable="Text",
            )
    if project.cases:
        cases = etree.SubElement(root, f"{{{p}}}Cases")
        for case in project.cases:
            element = etree.SubElement(cases, f"{{{p}}}Case")
            _attrs(element, guid=case.guid, name=case.name)
            for variable_guid, value in case.values:
                value_element = etree.SubElement(element, f"{{{p}}}VariableValue")
                etree.SubElement(value_element, f"{{{p}}}VariableRef", targetGUID=variable_guid)
                _text(value_element, f"{{{p}}}TextValue", value)
            for selection_guid in case.selection_guids:
                etree.SubElement(element, f"{{{p}}}SelectionRef", targetGUID=selection_guid)
    if project.sources:
        sources = etree.SubElement(root, f"{{{p}}}Sources")
        for source in project.sources:
            element = etree.SubElement(sources, f"{{{p}}}TextSource")
            _attrs(
                element,
                guid=source.guid,
                name=source.name,
                plainTextPath=f"internal://{source.guid}.txt",
                creatingUser=source.creating_user,
                creationDateTime=_when(source.created),
            )
            for selection in source.selections:
                sel = etree.SubElement(element, f"{{{p}}}PlainTextSelection")
                _attrs(
                    sel,
                    guid=selection.guid,
                    name=source.text[selection.start : selection.end][:60],
                    startPosition=selection.start,
                    endPosition=selection.end,
                    creatingUser=selection.creating_user,
                    creationDateTime=_when(selection.created),
                )
                for coding in selection.codings:
                    _coding_element(sel, coding)
                for note_guid in selection.note_guids:
                    etree.SubElement(sel, f"{{{p}}}NoteRef", targetGUID=note_guid)
            for coding in source.codings:
                _coding_element(element, coding)
    if project.notes:
        notes = etree.SubElement(root, f"{{{p}}}Notes")
        for note in project.notes:
            element = etree.SubElement(notes, f"{{{p}}}Note")
            _attrs(
                element,
                guid=note.guid,
                name=note.name,
                creatingUser=note.creating_user,
                creationDateTime=_when(note.created),
            )
            _text(element, f"{{{p}}}PlainTextContent", note.text)
    if project.sets:
        sets = etree.SubElement(root, f"{{{p}}}Sets")
        for theme in project.sets:
            element = etree.SubElement(sets, f"{{{p}}}Set")
            _attrs(element, guid=theme.guid, name=theme.name)
            if theme.description:
                _text(element, f"{{{p}}}Description", theme.description)
            for code_guid in theme.code_guids:
                etree.SubElement(element, f"{{{p}}}MemberCode", targetGUID=code_guid)
    if project.description:
        _text(root, f"{{{p}}}Description", project.description)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdpx(project: RefiProject) -> bytes:
    """The ``.qdpx`` archive: ``project.qde`` and ``sources/<guid>.txt`` for every text source."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(project))
        for source in project.sources:
            # Replaced character for character, so selections still point at the same words.
            archive.writestr(f"sources/{source.guid}.txt", xml_safe(source.text).encode("utf-8"))
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------------
#
# Everything read is cleaned as it comes in (names to one line, texts with clean_text) and spent from
# the import's budget: bytes decompressed, codes and themes, codings and memos, passages.


def _parse_xml(data: bytes):
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise RefiError(MESSAGES["not_xml"]) from None


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element, name: str):
    return [child for child in element if _local(child) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text_of(element, name: str) -> str:
    child = _child(element, name)
    return clean_text(child.text or "") if child is not None else ""


def _name(value: str | None, default: str) -> str:
    return clean_line(value or "") or default


def _datetime(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _guid(value: str | None) -> str:
    """GUIDs may come in braces or upper case; we keep them in the canonical form."""
    if not value:
        return new_guid()
    try:
        return str(uuid.UUID(value.strip("{}")))
    except ValueError:
        return new_guid()


def _read_code(element, budget: ImportBudget) -> RefiCode:
    budget.spend_codes()
    code = RefiCode(
        guid=_guid(element.get("guid")),
        name=_name(element.get("name"), "Unnamed code"),
        description=_text_of(element, "Description").strip(),
        color=element.get("color") or "",
        note_guids=[_guid(n.get("targetGUID")) for n in _children(element, "NoteRef")],
    )
    code.children = [_read_code(child, budget) for child in _children(element, "Code")]
    return code


def read_qdc(data: bytes, *, budget: ImportBudget | None = None) -> list[RefiCode]:
    """Codes from a ``.qdc`` codebook, or from the codebook inside a ``project.qde``, within ``budget``."""
    budget = budget or ImportBudget()
    budget.admit_upload(len(data))
    root = _parse_xml(data)
    if _local(root) == "Project":
        root = _child(root, "CodeBook")
        if root is None:
            raise RefiError(MESSAGES["no_codebook"])
    if _local(root) != "CodeBook":
        raise RefiError(MESSAGES["not_codebook"])
    codes_element = _child(root, "Codes")
    codes = (
        [_read_code(c, budget) for c in _children(codes_element, "Code")] if codes_element is not None else []
    )
    if not codes:
        raise RefiError(MESSAGES["no_codes"])
    return codes


def _read_codings(element, budget: ImportBudget) -> list[RefiCoding]:
    codings = []
    for coding in _children(element, "Coding"):
        ref = _child(coding, "CodeRef")
        if ref is None:
            continue
        budget.spend_codings()
        codings.append(
            RefiCoding(
                guid=_guid(coding.get("guid")),
                code_guid=_guid(ref.get("targetGUID")),
                creating_user=coding.get("creatingUser") and _guid(coding.get("creatingUser")),
                created=_datetime(coding.get("creationDateTime")),
            )
        )
    return codings


def _member_text(archive: zipfile.ZipFile, member: str, budget: ImportBudget) -> str:
    try:
        data = read_member(archive, member, budget)  # counted every time: a member named twice costs twice
    except DamagedArchive as damaged:
        raise RefiError(MESSAGES["encrypted" if damaged.encrypted else "damaged"]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_text_source(
    element, archive: zipfile.ZipFile | None, names: dict[str, str], budget: ImportBudget
) -> RefiSource | None:
    raw = _child(element, "PlainTextContent")
    raw = (raw.text or "") if raw is not None else None
    path = element.get("plainTextPath") or ""
    if raw is None and path:
        if path.startswith("internal://") and archive is not None:
            member = names.get(("sources/" + path[len("internal://") :]).lower())
            if member is None:
                return None
            raw = _member_text(archive, member, budget)
        else:
            return None  # an external file we were not given
    if raw is None:
        return None
    # Selections count positions in the text as written; cleaning moves them (a "\r\n" becomes one
    # character, a stray control character goes), so every position is mapped to the cleaned text.
    text, positions = clean_text_with_positions(raw)
    length = len(raw)
    source = RefiSource(
        guid=_guid(element.get("guid")),
        name=_name(element.get("name"), "Imported source"),
        text=text,
        creating_user=element.get("creatingUser") and _guid(element.get("creatingUser")),
        created=_datetime(element.get("creationDateTime")),
        codings=_read_codings(element, budget),
    )
    for selection in _children(element, "PlainTextSelection"):
        try:
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        except (TypeError, ValueError):
            continue
        start, end = max(0, min(start, end)), min(length, max(start, end))
        if start >= end:
            continue
        source.selections.append(
            RefiSelection(
                guid=_guid(selection.get("guid")),
                start=positions[start],
                end=positions[end],
                creating_user=selection.get("creatingUser") and _guid(selection.get("creatingUser")),
                created=_datetime(selection.get("creationDateTime")),
                codings=_read_codings(selection, budget),
                note_guids=[_guid(n.get("targetGUID")) for n in _children(selection, "NoteRef")],
            )
        )
    if text.strip():
        source.parsed = segment_text(text, "qdpx", budget)
    return source


def read_qdpx(data: bytes, *, budget: ImportBudget | None = None) -> RefiProject:
    """Read a ``.qdpx`` archive (or a bare ``project.qde``) within ``budget``. Text sources (and the text
    representation of PDF sources) come in, already in passages (``RefiSource.parsed``); pictures,
    audio and video are counted in ``skipped_sources``."""
    budget = budget or ImportBudget()
    budget.admit_upload(len(data))
    archive = None
    names: dict[str, str] = {}
    if data[:4] == b"PK\x03\x04":
        try:
            archive = open_zip(data)
        except DamagedArchive as damaged:
            raise RefiError(MESSAGES["encrypted" if damaged.encrypted else "damaged"]) from None
        names = {info.filename.lower(): info.filename for info in archive.infolist()}
        qde = names.get("project.qde") or next((n for k, n in names.items() if k.endswith(".qde")), None)
        if qde is None:
            raise RefiError(MESSAGES["no_qde"])
        try:
            root = _parse_xml(read_member(archive, qde, budget))
        except DamagedArchive as damaged:
            raise RefiError(MESSAGES["encrypted" if damaged.encrypted else "damaged"]) from None
    else:
        root = _parse_xml(data)
    if _local(root) != "Project":
        raise RefiError(MESSAGES["not_project"])
    project = RefiProject(
        name=_name(root.get("name"), "Imported project"),
        origin=clean_line(root.get("origin") or ""),
        creating_user=root.get("creatingUserGUID"),
        created=_datetime(root.get("creationDateTime")),
    )
    users = _child(root, "Users")
    if users is not None:
        project.users = [
            RefiUser(guid=_guid(u.get("guid")), name=clean_line(u.get("name") or ""))
            for u in _children(users, "User")
        ]
    codebook = _child(root, "CodeBook")
    if codebook is not None and _child(codebook, "Codes") is not None:
        project.codes = [_read_code(c, budget) for c in _children(_child(codebook, "Codes"), "Code")]
    sources = _child(root, "Sources")
    if sources is not None:
        for element in sources:
            kind = _local(element)
            if kind == "TextSource":
                read = _read_text_source(element, archive, names, budget)
            elif kind == "PDFSource" and _child(element, "Representation") is not None:
                read = _read_text_source(_child(element, "Representation"), archive, names, budget)
                if read is not None:
                    read.name = _name(element.get("name"), read.name)
            else:
                read = None
            if read is None:
                project.skipped_sources += 1
            else:
                project.sources.append(read)
    notes = _child(root, "Notes")
    if notes is not None:
        for n in _children(notes, "Note"):
            budget.spend_codings()
            project.notes.append(
                RefiNote(
                    guid=_guid(n.get("guid")),
                    name=_name(n.get("name"), "Memo"),
                    text=_text_of(n, "PlainTextContent"),
                    creating_user=n.get("creatingUser") and _guid(n.get("creatingUser")),
                    created=_datetime(n.get("creationDateTime")),
                )
            )
    sets = _child(root, "Sets")
    if sets is not None:
        for s in _children(sets, "Set"):
            budget.spend_codes()
            project.sets.append(
                RefiSet(
                    guid=_guid(s.get("guid")),
                    name=_name(s.get("name"), "Set"),
                    description=_text_of(s, "Description").strip(),
                    code_guids=[_guid(m.get("targetGUID")) for m in _children(s, "MemberCode")],
                )
            )
    return project
