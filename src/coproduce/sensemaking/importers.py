"""Read uploaded files into plain text and segments. Pure Python: no database, no Django.

Every reader returns either a :class:`ParsedSource` (text plus segments: paragraphs, sentences or
speaker turns) or a :class:`ParsedTable` (rows of free-text responses, to be turned into a source
once someone has chosen the text column). Anything wrong with a file raises :class:`SourceFileError`
(or, for a file over a limit, :class:`~.budget.ImportLimitError`) with a message written for the
person who uploaded it.

Readers spend an :class:`~.budget.ImportBudget` as they read, and are meant to run in a separate
process (:mod:`.isolation`): the web process calls them through ``actions.sources.read_uploaded_file``.

Character positions are Unicode code points (Python ``str`` indices), as REFI-QDA requires. All text
is cleaned as it comes in (:func:`coproduce.core.text.clean_text`): line endings are ``\\n``, so the
text shown in a browser has the same positions as the text stored, and no character that XML,
spreadsheets or PostgreSQL refuse is kept.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from coproduce.core.text import clean_line, clean_text

from .budget import (
    CountingReader,
    DamagedArchive,
    ImportBudget,
    ImportProblem,
    check_members,
    gettext_noop,
    open_zip,
    read_member,
)
from .budget import human_size as human_size  # pages show sizes with it

FORMATS = ("txt", "docx", "pdf", "vtt", "srt", "csv", "xlsx")
TABLE_FORMATS = ("csv", "xlsx")

# A segment longer than this is split into sentences so that people can code it piece by piece.
LONG_BLOCK = 600

MESSAGES = {
    "empty": gettext_noop("This file has no text in it."),
    "format": gettext_noop(
        "Coproduce reads .txt, .docx, .pdf, .vtt, .srt, .csv and .xlsx files. Save the file in one of these "
        "formats and upload it again."
    ),
    "encoding": gettext_noop(
        "The text in this file is in an encoding Coproduce cannot read. Save it as UTF-8 text and upload "
        "it again."
    ),
    "binary": gettext_noop("This does not look like a text file. Check that you chose the right file."),
    "password": gettext_noop(
        "This file is protected with a password. Remove the password (or save an unprotected copy) and "
        "upload it again."
    ),
    "password_or_old": gettext_noop(
        "This file is protected with a password, or saved in an old format (.doc or .xls). Remove the "
        "password or save it as .docx or .xlsx, then upload it again."
    ),
    "corrupt": gettext_noop(
        "This file could not be read: it may be damaged or not really a {kind} file. Open it on your "
        "computer, save it again, and upload the new copy."
    ),
    "no_text_layer": gettext_noop(
        "This PDF has no text in it that can be copied (it may be a scanned image). Upload a typed "
        "version, or a PDF with a text layer."
    ),
    "no_cues": gettext_noop(
        "No captions were found in this {kind} file. Check that it is a subtitle file with timings."
    ),
    "no_rows": gettext_noop("This spreadsheet has a header row but no responses under it."),
    "no_responses": gettext_noop(
        "The column you chose has no responses in it. Choose the column that holds what people wrote."
    ),
}


class SourceFileError(ImportProblem):
    """A file that cannot be imported. ``str(error)`` is the message to show (in English)."""


@dataclass
class ParsedSegment:
    start: int
    end: int
    speech_start: int
    speaker: str = ""
    started_ms: int | None = None
    ended_ms: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedSource:
    text: str
    kind: str  # "document", "transcript" or "responses"
    file_format: str
    segments: list[ParsedSegment]

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for segment in self.segments:
            if segment.speaker:
                seen.setdefault(segment.speaker, None)
        return list(seen)


@dataclass
class ParsedTable:
    file_format: str
    columns: list[str]
    rows: list[list[str]]


def file_format_of(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise SourceFileError(MESSAGES["format"])
    return suffix


def read_upload(
    filename: str, data: bytes, *, budget: ImportBudget | None = None
) -> ParsedSource | ParsedTable:
    """Read one uploaded file within ``budget`` (the default limits if None).

    Raises SourceFileError or ImportLimitError with a message for the person uploading."""
    budget = budget or ImportBudget()
    file_format = file_format_of(filename)
    budget.admit_upload(len(data))
    if not data.strip():
        raise SourceFileError(MESSAGES["empty"])
    reader = {
        "txt": _read_txt,
        "docx": _read_docx,
        "pdf": _read_pdf,
        "vtt": _read_vtt,
        "srt": _read_srt,
        "csv": _read_csv,
        "xlsx": _read_xlsx,
    }[file_format]
    return reader(data, budget)


# --- text and encodings --------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with BOM, or recognisably without) or Windows-1252,
    and clean the text (:func:`clean_text`)."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif _looks_like_utf16(data):
            text = data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceFileError(MESSAGES["encoding"]) from None
    if "\x00" in text:
        raise SourceFileError(MESSAGES["binary"])
    return clean_text(text)


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: mostly-ASCII text has a zero byte in every other position."""
    sample = data[:4000]
    if len(sample) < 4:
        return False
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) / 2
    return max(even_zeros, odd_zeros) > 0.4 * half and min(even_zeros, odd_zeros) < 0.05 * half


# --- segments ------------------------------------------------------------------------------------

# "Maya: I waited", "[00:01:02] Dr Khan: ...", "(1:02) Interviewer: ...". The label starts with a
# letter, has at most five words and no sentence punctuation, so "Note: see above" needs company
# (several turns) before a text counts as a transcript.
_TIMESTAMP = r"(?:[\[(]?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?\s+)?"
_TURN = re.compile(
    r"[ \t]*" + _TIMESTAMP + r"(?P<label>[^\W\d_][\w'’.\- ]{0,38}?)[ \t]*:[ \t]+(?P<speech>\S.*)$"
)


def _timestamp_ms(value: str | None) -> int | None:
    if not value:
        return None
    value = value.replace(",", ".")
    seconds_part = value.split(":")
    try:
        numbers = [float(p) for p in seconds_part]
    except ValueError:
        return None
    total = 0.0
    for number in numbers:
        total = total * 60 + number
    return int(round(total * 1000))


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, trimmed of surrounding spaces."""
    spans = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + (len(line) - len(line.lstrip()))
            spans.append((start, start + len(stripped)))
        position += len(line) + 1
    return spans


def _block_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph: runs of non-blank lines."""
    blocks: list[tuple[int, int]] = []
    current: list[int] | None = None
    for start, end in _line_spans(text):
        blank_gap = current is not None and text[current[1] : start].count("\n") > 1
        if current is None or blank_gap:
            if current is not None:
                blocks.append((current[0], current[1]))
            current = [start, end]
        else:
            current[1] = end
    if current is not None:
        blocks.append((current[0], current[1]))
    return blocks


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a long paragraph into sentences (whole sentences, never mid-word)."""
    if end - start <= LONG_BLOCK:
        return [(start, end)]
    pieces = []
    piece_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.start() - piece_start >= 40:
            pieces.append((piece_start, match.start()))
            piece_start = match.end()
    pieces.append((piece_start, end))
    return [(s, e) for s, e in pieces if e > s]


def _plausible_label(label: str) -> bool:
    """A name or role, not the start of a sentence: at most five words, no full stop mid-way
    (except after a short title such as "Dr.")."""
    words = label.split()
    if not words or len(words) > 5:
        return False
    return all(not w.endswith(".") or len(w) <= 4 for w in words[:-1])


def segment_text(text: str, file_format: str, budget: ImportBudget | None = None) -> ParsedSource:
    """Find speaker turns ("Name: ..." lines) or, failing that, paragraphs and sentences.

    ``text`` is cleaned first (:func:`clean_text`), and positions are into the cleaned text. Every
    segment made is spent from ``budget`` (if given) as it is made."""
    text = clean_text(text)
    spend = budget.spend_segments if budget is not None else _spend_nothing
    lines = _line_spans(text)
    matches = [_TURN.match(text, s, e) for s, e in lines]
    matches = [m if m and _plausible_label(m.group("label")) else None for m in matches]
    turn_lines = [m for m in matches if m]
    label_counts = Counter(m.group("label").strip() for m in turn_lines)
    # Speakers come back: at least one label repeats, and turns are a good share of the lines.
    is_transcript = (
        len(turn_lines) >= 3
        and len(turn_lines) >= 0.3 * len(lines)
        and max(label_counts.values()) >= 2
        and len(label_counts) <= max(2, len(turn_lines) // 2)
    )
    if not is_transcript:
        segments = []
        for start, end in _block_spans(text):
            for s, e in _split_long(text, start, end):
                spend()
                segments.append(ParsedSegment(start=s, end=e, speech_start=s))
        return ParsedSource(text=text, kind="document", file_format=file_format, segments=segments)

    segments = []
    speaker = ""
    for (start, end), match in zip(lines, matches, strict=True):
        spend()
        if match:
            speaker = match.group("label").strip()
            segments.append(
                ParsedSegment(
                    start=start,
                    end=end,
                    speech_start=match.start("speech"),
                    speaker=speaker,
                    started_ms=_timestamp_ms(match.group("ts")),
                )
            )
        else:
            segments.append(ParsedSegment(start=start, end=end, speech_start=start, speaker=speaker))
    return ParsedSource(text=text, kind="transcript", file_format=file_format, segments=segments)


def _spend_nothing(number: int = 1) -> None:
    """Counting for text the code itself wrote: no budget."""


def source_from_turns(
    turns: list[tuple[str, str, int | None, int | None]], file_format: str, budget: ImportBudget | None = None
) -> ParsedSource:
    """Compose a transcript from (speaker, words, started_ms, ended_ms) turns: one "Speaker: words" line
    each. Speakers and words are cleaned to one line each; every turn is spent from ``budget``."""
    spend = budget.spend_segments if budget is not None else _spend_nothing
    parts: list[str] = []
    segments = []
    position = 0
    for speaker, words, started_ms, ended_ms in turns:
        spend()
        speaker, words = clean_line(speaker), clean_line(words)
        prefix = f"{speaker}: " if speaker else ""
        line = prefix + words
        segments.append(
            ParsedSegment(
                start=position,
                end=position + len(line),
                speech_start=position + len(prefix),
                speaker=speaker,
                started_ms=started_ms,
                ended_ms=ended_ms,
            )
        )
        parts.append(line)
        position += len(line) + 1
    return ParsedSource(text="\n".join(parts), kind="transcript", file_format=file_format, segments=segments)


# --- readers -------------------------------------------------------------------------------------


def _read_txt(data: bytes, budget: ImportBudget) -> ParsedSource:
    text = decode_text(data)
    if not text.strip():
        raise SourceFileError(MESSAGES["empty"])
    return segment_text(text, "txt", budget)


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML, or an old .doc/.xls


def _open_office_zip(data: bytes, kind: str):
    if data[:8] == OLE2_SIGNATURE:
        raise SourceFileError(MESSAGES["password_or_old"])
    try:
        archive = open_zip(data)
    except DamagedArchive as damaged:
        raise _archive_error(damaged, kind) from None
    names = set(archive.namelist())
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise SourceFileError(MESSAGES["password"])
    return archive


def _archive_error(damaged: DamagedArchive, kind: str) -> SourceFileError:
    if damaged.encrypted:
        return SourceFileError(MESSAGES["password"])
    return SourceFileError(MESSAGES["corrupt"], kind=kind)


# .docx is read straight from its XML, streamed, so that a long document never sits in memory whole
# and the reading can stop the moment a limit is passed (python-docx would build every paragraph first).
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# Inside a paragraph: properties, deleted text, drawings and text boxes (whose text python-docx and
# Word's own "save as text" leave out too), field instructions and note references carry no words.
_DOCX_SKIP = {
    _W + "pPr",
    _W + "rPr",
    _W + "sdtPr",
    _W + "sdtEndPr",
    _W + "del",
    _W + "moveFrom",
    _W + "drawing",
    _W + "pict",
    _W + "object",
    _W + "instrText",
    _W + "delText",
    _W + "footnoteReference",
    _W + "endnoteReference",
    _W + "commentReference",
    _MC + "AlternateContent",
}
# Containers that may wrap paragraphs, rows or cells (content controls, custom XML).
_DOCX_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"}


def _xml_parser_options() -> dict:
    """No entities expanded, nothing fetched, no unbounded trees: a file cannot make the parser read
    other files or grow without limit."""
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _docx_inline_text(node, parts: list[str]) -> None:
    for child in node:
        tag = child.tag
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag == _W + "br":
            if child.get(_W + "type") in (None, "textWrapping"):  # page and column breaks: no text
                parts.append("\n")
        elif tag == _W + "cr":
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif isinstance(tag, str) and tag not in _DOCX_SKIP:
            _docx_inline_text(child, parts)


def _docx_paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _docx_inline_text(paragraph, parts)
    return "".join(parts).strip()


def _docx_children(node, tag: str):
    """Children of ``node`` called ``tag``, looking through content controls and custom XML."""
    for child in node:
        if child.tag == tag:
            yield child
        elif child.tag in _DOCX_WRAPPERS:
            yield from _docx_children(child, tag)


def _docx_table_rows(table) -> list[str]:
    """One line per row. A cell merged with the one above repeats its text, so a speaker named once
    for several rows of a "Speaker | what they said" table stays with each row."""
    rows = []
    above: dict[int, str] = {}
    for row in _docx_children(table, _W + "tr"):
        cells: list[str] = []
        here: dict[int, str] = {}
        column = 0
        for cell in _docx_children(row, _W + "tc"):
            properties = cell.find(_W + "tcPr")
            span, merged = 1, False
            if properties is not None:
                grid_span = properties.find(_W + "gridSpan")
                value = grid_span.get(_W + "val") if grid_span is not None else None
                if value and value.isdigit() and len(value) <= 5:  # a table has at most 63 columns
                    span = max(1, int(value))
                v_merge = properties.find(_W + "vMerge")
                merged = v_merge is not None and v_merge.get(_W + "val") in (None, "continue")
            if merged:
                text = above.get(column, "")
            else:
                text = "\n".join(
                    t for t in (_docx_paragraph_text(p) for p in _docx_children(cell, _W + "p")) if t
                )
            here[column] = text
            cells.append(text)
            column += span
        above = here
        cells = [c for c in cells if c]
        # A two-column table is usually "Speaker | what they said".
        joiner = ": " if len(cells) == 2 and len(cells[0]) <= 40 else " | "
        rows.append(joiner.join(cells))
    return rows


def _docx_block(element, paragraphs: list[str]) -> None:
    tag = element.tag
    if tag == _W + "p":
        paragraphs.append(_docx_paragraph_text(element))
    elif tag == _W + "tbl":
        paragraphs.extend(_docx_table_rows(element))
    elif tag in _DOCX_WRAPPERS:
        for child in element:
            _docx_block(child, paragraphs)


def _docx_main_part(archive, budget: ImportBudget) -> str:
    """The name of the document's main part (``word/document.xml`` unless the package says otherwise)."""
    if "_rels/.rels" in archive.namelist():
        rels = etree.fromstring(
            read_member(archive, "_rels/.rels", budget), etree.XMLParser(**_xml_parser_options())
        )
        for relationship in rels:
            if relationship.get("Type") == _OFFICE_DOCUMENT and relationship.get("Target"):
                target = relationship.get("Target").lstrip("/")
                if target in archive.namelist():
                    return target
    return "word/document.xml"


def _read_docx(data: bytes, budget: ImportBudget) -> ParsedSource:
    kind = "Word (.docx)"
    archive = _open_office_zip(data, kind)
    paragraphs: list[str] = []
    try:
        main = _docx_main_part(archive, budget)
        body = _W + "body"
        with CountingReader(archive, main, budget) as stream:
            for _event, element in etree.iterparse(
                stream, events=("end",), remove_comments=True, remove_pis=True, **_xml_parser_options()
            ):
                parent = element.getparent()
                if parent is None or parent.tag != body:
                    continue
                block: list[str] = []
                _docx_block(element, block)
                paragraphs.extend(p for p in block if p)
                # Each paragraph with words is at least one passage: stop as soon as there are too many.
                budget.check_segments(len(paragraphs))
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
    except ImportProblem:
        raise
    except DamagedArchive as damaged:
        raise _archive_error(damaged, kind) from None
    except (etree.XMLSyntaxError, KeyError):
        raise SourceFileError(MESSAGES["corrupt"], kind=kind) from None
    text = clean_text("\n\n".join(paragraphs))
    if not text.strip():
        raise SourceFileError(MESSAGES["empty"])
    return segment_text(text, "docx", budget)


def _read_pdf(data: bytes, budget: ImportBudget) -> ParsedSource:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise SourceFileError(MESSAGES["password"])
            except (DependencyError, FileNotDecryptedError, NotImplementedError):
                raise SourceFileError(MESSAGES["password"]) from None
        budget.check_pages(len(reader.pages))
        pages = []
        for page in reader.pages:
            # A page's drawing instructions are decompressed to read it: count them, so a few heavy
            # pages in a small file are refused before their text is worked out.
            contents = page.get_contents()
            budget.spend_unpacked(len(contents.get_data()) if contents is not None else 0)
            pages.append(clean_text(page.extract_text() or ""))
    except ImportProblem:
        raise
    except FileNotDecryptedError:
        raise SourceFileError(MESSAGES["password"]) from None
    except MemoryError:
        raise
    except Exception:  # pypdf raises assorted errors on damaged files
        raise SourceFileError(MESSAGES["corrupt"], kind="PDF") from None
    pages = ["\n".join(line.rstrip() for line in page.split("\n")).strip() for page in pages]
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise SourceFileError(MESSAGES["no_text_layer"])
    return segment_text(text, "pdf", budget)


_CUE_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+(?P<name>[^>]+)>")
_TAG = re.compile(r"</?[^>]+>")


def _cue_speaker(payload: str) -> tuple[str, str]:
    """(speaker, words) from one cue's text: WebVTT voice tags, "Name: words" or "[Name] words"."""
    speaker = ""
    voice = _VOICE.search(payload)
    if voice:
        speaker = voice.group("name").strip()
    words = " ".join(_TAG.sub("", payload).split())
    if not speaker:
        match = re.match(r"^(?:-\s*)?(?P<label>[^\W\d_][\w'’.\- ]{0,38}?)\s*:\s+(?=\S)", words)
        bracket = re.match(r"^(?:-\s*)?\[(?P<label>[^\]\d][^\]]{0,39})\]\s*(?=\S)", words)
        if match:
            speaker, words = match.group("label").strip(), words[match.end() :]
        elif bracket:
            speaker, words = bracket.group("label").strip(), words[bracket.end() :]
    return speaker, words


def _read_cues(text: str, file_format: str, budget: ImportBudget) -> ParsedSource:
    blocks = re.split(r"\n[ \t]*\n", text.strip("\n"))
    cues: list[tuple[str, str, int | None, int | None]] = []
    for block in blocks:
        lines = block.split("\n")
        if not lines or lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        timing_index = next((i for i, line in enumerate(lines[:2]) if _CUE_TIMING.match(line)), None)
        if timing_index is None:
            continue
        timing = _CUE_TIMING.match(lines[timing_index])
        payload = "\n".join(lines[timing_index + 1 :]).strip()
        speaker, words = _cue_speaker(payload)
        if words:
            cues.append(
                (speaker, words, _timestamp_ms(timing.group("start")), _timestamp_ms(timing.group("end")))
            )
    if not cues:
        raise SourceFileError(MESSAGES["no_cues"], kind=f".{file_format}")
    # Consecutive cues from one speaker make one turn (captions split speech every few seconds).
    turns: list[tuple[str, list[str], int | None, int | None]] = []
    for speaker, words, started, ended in cues:
        if turns and turns[-1][0] == speaker and speaker:
            turns[-1][1].append(words)  # joined once at the end: adding to a string each time is slow
            turns[-1] = (speaker, turns[-1][1], turns[-1][2], ended)
        else:
            turns.append((speaker, [words], started, ended))
    return source_from_turns(
        [(speaker, " ".join(words), started, ended) for speaker, words, started, ended in turns],
        file_format,
        budget,
    )


def _read_vtt(data: bytes, budget: ImportBudget) -> ParsedSource:
    return _read_cues(decode_text(data), "vtt", budget)


def _read_srt(data: bytes, budget: ImportBudget) -> ParsedSource:
    return _read_cues(decode_text(data), "srt", budget)


# --- tables ---------------------------------------------------------------------------------------
#
# Rows are read sparsely (only the cells that hold something) and the table keeps only the columns
# that hold something: a stray value in column XFD makes one more column, not 16,384 cells per row.
# Rows × columns in use are checked against the budget after every row.


def _clean_header(headers: list[str]) -> list[str]:
    names: list[str] = []
    for index, header in enumerate(headers):
        name = clean_line(str(header or "")) or f"Column {index + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


class _SparseTable:
    """Rows as {column number: text}, counting rows and columns in use against the budget."""

    def __init__(self, budget: ImportBudget):
        self.budget = budget
        self.rows: list[dict[int, str]] = []
        self.columns: set[int] = set()

    def add(self, cells) -> None:
        """``cells``: (column number, value) pairs in any order; empty values are left out."""
        row = {}
        for column, value in cells:
            text = _cell_text(value)
            if text:
                row[column] = text
        if not row:
            return
        self.rows.append(row)
        self.columns.update(row)
        self.budget.check_cells(len(self.rows), len(self.columns))

    def table(self, file_format: str) -> ParsedTable:
        if not self.rows:
            raise SourceFileError(MESSAGES["empty"])
        order = sorted(self.columns)
        header, body = self.rows[0], self.rows[1:]
        if not body:
            raise SourceFileError(MESSAGES["no_rows"])
        # Each response becomes a passage: a table with more responses than that is refused now,
        # not after someone has chosen its columns.
        self.budget.check_segments(len(body))
        columns = _clean_header([header.get(c, "") for c in order])
        rows = [[row.get(c, "") for c in order] for row in body]
        return ParsedTable(file_format=file_format, columns=columns, rows=rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).strip()


def _read_csv(data: bytes, budget: ImportBudget) -> ParsedTable:
    text = decode_text(data)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    table = _SparseTable(budget)
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            table.add(enumerate(row))
    except csv.Error:
        raise SourceFileError(MESSAGES["corrupt"], kind="CSV") from None
    return table.table("csv")


def _read_xlsx(data: bytes, budget: ImportBudget) -> ParsedTable:
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    kind = "Excel (.xlsx)"
    archive = _open_office_zip(data, kind)
    try:
        # openpyxl reads the archive itself: every member is decompressed once first, counted, so
        # nothing it reads can unpack beyond the budget.
        check_members(archive, budget)
    except DamagedArchive as damaged:
        raise _archive_error(damaged, kind) from None
    table = _SparseTable(budget)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                table = _SparseTable(budget)
                # openpyxl's own row iterator pads every row to the width the sheet claims (its
                # "dimension", which any file can set to A1:XFD1048576); its parser gives only the
                # cells that are really there.
                with sheet._get_source() as source:
                    parser = WorkSheetParser(
                        source,
                        sheet._shared_strings,
                        data_only=True,
                        epoch=workbook.epoch,
                        date_formats=workbook._date_formats,
                        timedelta_formats=workbook._timedelta_formats,
                    )
                    for _row_number, cells in parser.parse():
                        table.add((cell["column"], cell["value"]) for cell in cells)
                if table.rows:
                    break
        finally:
            workbook.close()
    except ImportProblem:
        raise
    except MemoryError:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise SourceFileError(MESSAGES["corrupt"], kind=kind) from None
    return table.table("xlsx")


def source_from_table(
    table: ParsedTable, text_column: int, attribute_columns: list[int], budget: ImportBudget | None = None
) -> ParsedSource:
    """One segment per non-empty response; other chosen columns become the segment's attributes."""
    spend = budget.spend_segments if budget is not None else _spend_nothing
    parts: list[str] = []
    segments = []
    position = 0
    for row in table.rows:
        words = clean_line(row[text_column]) if text_column < len(row) else ""
        if not words:
            continue
        spend()
        attributes = {table.columns[i]: row[i] for i in attribute_columns if i != text_column and row[i]}
        segments.append(
            ParsedSegment(
                start=position, end=position + len(words), speech_start=position, attributes=attributes
            )
        )
        parts.append(words)
        position += len(words) + 2
    if not segments:
        raise SourceFileError(MESSAGES["no_responses"])
    return ParsedSource(
        text="\n\n".join(parts), kind="responses", file_format=table.file_format, segments=segments
    )
