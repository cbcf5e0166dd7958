"""Clean text at the door: one place that decides which characters Coproduce keeps.

Every piece of text that comes in (an uploaded file, an imported project, a form field that ends up
in an export or an e-mail) goes through :func:`clean_text` or :func:`clean_line` once, where it enters.
Text stored after that is safe everywhere it goes next: XML (REFI-QDA exports), spreadsheets (openpyxl
refuses the same characters XML does), PostgreSQL (which refuses NUL) and e-mail headers (which must
be one line).

Pure Python, no Django: the readers that run in a separate process use it too.
"""

from __future__ import annotations

import re

# Characters XML 1.0 does not allow (C0 controls other than tab, line feed and carriage return;
# U+FFFE and U+FFFF) plus lone surrogates, which no encoder can write. NUL is among the C0 controls.
_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Vertical tab and form feed are line and page breaks in the programs that write them (Word's soft
# return, a page break in a text file), so they become line breaks rather than vanishing.
_BREAKS = re.compile("\r\n?|[\x0b\x0c]")
# Any character clean_text changes; most text has none, and is returned as it is.
_FIND_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
# What XML cannot hold, for text written out that was stored before it was cleaned.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with line endings made ``\\n`` and every character XML cannot hold removed.

    ``\\r\\n`` and a lone ``\\r`` become ``\\n`` (browsers do the same when they read a page, so positions
    in stored text match positions in the page); vertical tab and form feed become ``\\n``; NUL, the
    other C0 control characters, U+FFFE, U+FFFF and lone surrogates are removed. Tabs stay.
    Idempotent: cleaning clean text changes nothing.
    """
    if not _FIND_UNCLEAN.search(value):
        return value
    return _ILLEGAL.sub("", _BREAKS.sub("\n", value))


def clean_line(value: str) -> str:
    """``value`` cleaned as by :func:`clean_text`, on one line: every run of whitespace (line breaks,
    tabs, the Unicode line and paragraph separators) becomes one space, with none at either end.

    For names and titles: a title goes into e-mail subjects, where a line break is refused.
    """
    return " ".join(clean_text(value).split())


def clean_text_with_positions(value: str) -> tuple[str, list[int]]:
    """:func:`clean_text` of ``value``, and where every position of ``value`` lands in the cleaned text.

    ``positions[i]`` is the cleaned position of original position ``i`` (for ``0 <= i <= len(value)``),
    so a selection ``[start, end)`` made on the original text is ``[positions[start], positions[end])``
    on the cleaned text. A removed character lands where the next kept character does; the ``\\n`` of
    ``\\r\\n`` lands where its ``\\r`` did.
    """
    pieces: list[str] = []
    positions: list[int] = []
    kept = 0  # characters in the cleaned text so far
    index = 0
    for match in _FIND_UNCLEAN.finditer(value):
        pieces.append(value[index : match.start()])
        positions.extend(range(kept, kept + match.start() - index))
        kept += match.start() - index
        char = match.group()
        positions.append(kept)
        index = match.end()
        if char in "\r\x0b\x0c":
            pieces.append("\n")
            kept += 1
            if char == "\r" and value[index : index + 1] == "\n":
                positions.append(kept - 1)
                index += 1
    pieces.append(value[index:])
    positions.extend(range(kept, kept + len(value) - index + 1))
    return "".join(pieces), positions


def xml_safe(value: str) -> str:
    """``value`` with every character XML cannot hold replaced by U+FFFD, position for position.

    For writing text that was stored before it was cleaned at the door: the replacement keeps every
    character position, so codings and quotes still point at the same words.
    """
    return _XML_ILLEGAL.sub("\ufffd", value) if _XML_ILLEGAL.search(value) else value
