"""A small, fast write-only XLSX writer: sheets of rows of text and exact decimal numbers.

Private to :mod:`coproduce.core.spreadsheets`, which neutralises every cell before it comes here: use
that, never this directly.

openpyxl takes about 3 s for the 150,000 cells of a 10,000-claim payment run on a small machine; a
finance export must come in under 2 s (bench/payment_run.py). An XLSX file is a zip of a few XML
parts, and a write-only sheet of plain values needs only these: strings are written inline (no
shared-string table), numbers as their exact decimal text (integers and Decimals never through a
float; a float as Python's shortest exact repr).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

from .text import xml_safe

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
)
SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


def _cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        return f"<c><v>{value!r}</v></c>" if isinstance(value, float) else f"<c><v>{value}</v></c>"
    # A character XML cannot hold (only in text stored before it was cleaned at the door) becomes U+FFFD,
    # one for one, so the words keep their positions.
    text = escape(xml_safe(str(value)))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_name(name: str, taken: set[str]) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", name).strip()[:31] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{name[:28]} {n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def workbook(sheets: Iterable[tuple[str, Iterable[Iterable]]]) -> bytes:
    """An .xlsx file with one sheet per ``(name, rows)``; cells are str, int, float, Decimal, bool or None
    (anything else is written as its text)."""
    buffer = io.BytesIO()
    names: list[str] = []
    taken: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n, (name, rows) in enumerate(sheets, start=1):
            names.append(_sheet_name(name, taken))
            parts = [SHEET_START]
            for row in rows:
                parts.append("<row>" + "".join(_cell(value) for value in row) + "</row>")
            parts.append(SHEET_END)
            archive.writestr(f"xl/worksheets/sheet{n}.xml", "".join(parts))
        count = range(1, len(names) + 1)
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(sheets="".join(SHEET_TYPE.format(n=n) for n in count))
        )
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, name in zip(count, names, strict=True)
                )
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(rels="".join(SHEET_REL.format(n=n) for n in count)),
        )
    return buffer.getvalue()
