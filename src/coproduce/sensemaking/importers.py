"""Read uploaded files into plain text and segments. Pure Python: no database, no Django.

Every reader returns either a :class:`ParsedSource` (text plus segments: paragraphs, sentences or
speaker turns) or a :class:`ParsedTable` (rows of free-text responses, to be turned into a source
once someone has chosen the text column). Anything wrong with a file raises :class:`SourceFileError`
with a message written for the person who uploaded it.

Character positions are Unicode code points (Python ``str`` indices), as REFI-QDA requires. Line
endings are normalised to ``\\n`` so that the text shown in a browser has the same positions as the
text stored.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

FORMATS = ("txt", "docx", "pdf", "vtt", "srt", "csv", "xlsx")
TABLE_FORMATS = ("csv", "xlsx")

# A segment longer than this is split into sentences so that people can code it piece by piece.
LONG_BLOCK = 600

MESSAGES = {
    "too_big": (
        "This file is {size} and the limit is {limit}. "
        "Split it into smaller files and upload them one by one."
    ),
    "empty": "This file has no text in it.",
    "format": (
        "Coproduce reads .txt, .docx, .pdf, .vtt, .srt, .csv and .xlsx files. "
        "Save the file in one of these formats and upload it again."
    ),
    "encoding": (
        "The text in this file is in an encoding Coproduce cannot read. "
        "Save it as UTF-8 text and upload it again."
    ),
    "binary": "This does not look like a text file. Check that you chose the right file.",
    "password": (
        "This file is protected with a password. "
        "Remove the password (or save an unprotected copy) and upload it again."
    ),
    "password_or_old": (
        "This file is protected with a password, or saved in an old format (.doc or .xls). "
        "Remove the password or save it as .docx or .xlsx, then upload it again."
    ),
    "corrupt": (
        "This file could not be read: it may be damaged or not really a {kind} file. "
        "Open it on your computer, save it again, and upload the new copy."
    ),
    "no_text_layer": (
        "This PDF has no text in it that can be copied (it may be a scanned image). "
        "Upload a typed version, or a PDF with a text layer."
    ),
    "no_cues": "No captions were found in this {kind} file. Check that it is a subtitle file with timings.",
    "no_rows": "This spreadsheet has a header row but no responses under it.",
}


class SourceFileError(ValueError):
    """A file that cannot be imported. ``str(error)`` is the message to show."""


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


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def file_format_of(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise SourceFileError(MESSAGES["format"])
    return suffix


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise SourceFileError(MESSAGES["too_big"].format(size=human_size(size), limit=human_size(max_bytes)))


def read_upload(filename: str, data: bytes, *, max_bytes: int) -> ParsedSource | ParsedTable:
    """Read one uploaded file. Raises SourceFileError with a message for the person uploading."""
    file_format = file_format_of(filename)
    check_size(len(data), max_bytes)
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
    if file_format in ("docx", "xlsx"):
        _check_zip(data, file_format, max_bytes)
    return reader(data, max_bytes=max_bytes)


# --- text and encodings --------------------------------------------------------------------------


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``: browsers do the same when they parse the page."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with BOM, or recognisably without) or Windows-1252."""
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
    return normalise_newlines(text)


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


def segment_text(text: str, file_format: str) -> ParsedSource:
    """Find speaker turns ("Name: ..." lines) or, failing that, paragraphs and sentences."""
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
                segments.append(ParsedSegment(start=s, end=e, speech_start=s))
        return ParsedSource(text=text, kind="document", file_format=file_format, segments=segments)

    segments = []
    speaker = ""
    for (start, end), match in zip(lines, matches, strict=True):
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


def source_from_turns(turns: list[tuple[str, str, int | None, int | None]], file_format: str) -> ParsedSource:
    """Compose a transcript from (speaker, words, started_ms, ended_ms) turns.

    One "Speaker: words" line per turn.
    """
    parts: list[str] = []
    segments = []
    position = 0
    for speaker, words, started_ms, ended_ms in turns:
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


def _read_txt(data: bytes, *, max_bytes: int) -> ParsedSource:
    text = decode_text(data)
    if not text.strip():
        raise SourceFileError(MESSAGES["empty"])
    return segment_text(text, "txt")


def _check_zip(data: bytes, file_format: str, max_bytes: int) -> None:
    kind = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)"}[file_format]
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: encrypted OOXML, or old .doc/.xls
        raise SourceFileError(MESSAGES["password_or_old"])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SourceFileError(MESSAGES["corrupt"].format(kind=kind)) from None
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise SourceFileError(MESSAGES["password"])
    if unpacked > 10 * max_bytes:  # a "zip bomb" would fill the disk when unpacked
        raise SourceFileError(
            MESSAGES["too_big"].format(size=human_size(unpacked), limit=human_size(max_bytes))
        )


def _read_docx(data: bytes, *, max_bytes: int) -> ParsedSource:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                paragraphs.append(block.text.strip())
            elif isinstance(block, Table):
                for row in block.rows:
                    cells = [cell.text.strip() for cell in row.cells]
                    cells = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]
                    # A two-column table is usually "Speaker | what they said".
                    joiner = ": " if len(cells) == 2 and len(cells[0]) <= 40 else " | "
                    paragraphs.append(joiner.join(cells))
    except SourceFileError:
        raise
    except Exception:  # python-docx raises many kinds of error on a damaged file
        raise SourceFileError(MESSAGES["corrupt"].format(kind="Word (.docx)")) from None
    text = normalise_newlines("\n\n".join(p for p in paragraphs if p))
    if not text.strip():
        raise SourceFileError(MESSAGES["empty"])
    return segment_text(text, "docx")


def _read_pdf(data: bytes, *, max_bytes: int) -> ParsedSource:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise SourceFileError(MESSAGES["password"])
            except (DependencyError, FileNotDecryptedError, NotImplementedError):
                raise SourceFileError(MESSAGES["password"]) from None
        pages = [normalise_newlines(page.extract_text() or "") for page in reader.pages]
    except SourceFileError:
        raise
    except FileNotDecryptedError:
        raise SourceFileError(MESSAGES["password"]) from None
    except (PdfReadError, Exception):  # pypdf raises assorted errors on damaged files
        raise SourceFileError(MESSAGES["corrupt"].format(kind="PDF")) from None
    pages = ["\n".join(line.rstrip() for line in page.split("\n")).strip() for page in pages]
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise SourceFileError(MESSAGES["no_text_layer"])
    return segment_text(text, "pdf")


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


def _read_cues(text: str, file_format: str) -> ParsedSource:
    blocks = re.split(r"\n[ \t]*\n", text.strip("\n"))
    cues: list[tuple[str, str, int | None, int | None]] = []
    for block in blocks:
        lines = [line for line in block.split("\n")]
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
        raise SourceFileError(MESSAGES["no_cues"].format(kind=f".{file_format}"))
    # Consecutive cues from one speaker make one turn (captions split speech every few seconds).
    turns: list[list] = []
    for speaker, words, started, ended in cues:
        if turns and turns[-1][0] == speaker and speaker:
            turns[-1][1] += " " + words
            turns[-1][3] = ended
        else:
            turns.append([speaker, words, started, ended])
    return source_from_turns([tuple(t) for t in turns], file_format)


def _read_vtt(data: bytes, *, max_bytes: int) -> ParsedSource:
    return _read_cues(decode_text(data), "vtt")


def _read_srt(data: bytes, *, max_bytes: int) -> ParsedSource:
    return _read_cues(decode_text(data), "srt")


def _clean_header(headers: list[str]) -> list[str]:
    names: list[str] = []
    for index, header in enumerate(headers):
        name = " ".join(str(header or "").split()) or f"Column {index + 1}"
        base, n = name, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        names.append(name)
    return names


def _table(file_format: str, rows: list[list[str]]) -> ParsedTable:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise SourceFileError(MESSAGES["empty"])
    header, body = rows[0], rows[1:]
    if not body:
        raise SourceFileError(MESSAGES["no_rows"])
    width = max(len(header), *(len(row) for row in body))
    columns = _clean_header(header + [""] * (width - len(header)))
    body = [[cell.strip() for cell in row] + [""] * (width - len(row)) for row in body]
    return ParsedTable(file_format=file_format, columns=columns, rows=body)


def _read_csv(data: bytes, *, max_bytes: int) -> ParsedTable:
    text = decode_text(data)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        raise SourceFileError(MESSAGES["corrupt"].format(kind="CSV")) from None
    return _table("csv", [[normalise_newlines(cell) for cell in row] for row in rows])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_newlines(str(value))


def _read_xlsx(data: bytes, *, max_bytes: int) -> ParsedTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows: list[list[str]] = []
        for sheet in workbook.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if any(any(cell.strip() for cell in row) for row in rows):
                break
        workbook.close()
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise SourceFileError(MESSAGES["corrupt"].format(kind="Excel (.xlsx)")) from None
    return _table("xlsx", rows)


def source_from_table(table: ParsedTable, text_column: int, attribute_columns: list[int]) -> ParsedSource:
    """One segment per non-empty response; other chosen columns become the segment's attributes."""
    parts: list[str] = []
    segments = []
    position = 0
    for row in table.rows:
        words = " ".join(row[text_column].split("\n")).strip() if text_column < len(row) else ""
        words = re.sub(r"[ \t]+", " ", words)
        if not words:
            continue
        attributes = {table.columns[i]: row[i] for i in attribute_columns if i != text_column and row[i]}
        segments.append(
            ParsedSegment(
                start=position, end=position + len(words), speech_start=position, attributes=attributes
            )
        )
        parts.append(words)
        position += len(words) + 2
    if not segments:
        raise SourceFileError(
            "The column you chose has no responses in it. Choose the column that holds what people wrote."
        )
    return ParsedSource(
        text="\n\n".join(parts), kind="responses", file_format=table.file_format, segments=segments
    )
