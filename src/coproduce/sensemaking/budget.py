"""What reading one upload may cost, and the zip reading that counts it. Pure Python: no Django.

One :class:`ImportBudget` is made for each upload (from settings: ``actions.sources.import_budget``)
and handed to the reader, which spends it as it reads: bytes actually decompressed, rows × columns,
pages, passages (segments), codes and codings. Going over a limit raises :class:`ImportLimitError`,
whose message names the limit and the number, at the moment the limit is passed, so a hostile file
costs no more than the limit. Time and memory are enforced from outside by :mod:`.isolation`, which
reads the file in a separate process; their limits travel in the same budget.

Every problem with a file is an :class:`ImportProblem`: an English message for logs and tests, and the
template and values a page needs to show it translated.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field

MB = 1024 * 1024
CHUNK = 64 * 1024
# However small the file, it may unpack to this much (office files carry some boilerplate XML).
MIN_UNPACKED = 1 * MB


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation here, where Django is not loaded; the page translates it."""
    return message


def _rebuild(cls, template: str, params: dict, attributes: dict):
    error = cls.__new__(cls)
    ImportProblem.__init__(error, template, **params)
    error.__dict__.update(attributes)
    return error


class ImportProblem(ValueError):
    """A file that cannot be imported. ``str(error)`` is the message in English; ``translated(gettext)``
    is the message in the person's language (``template`` is marked for translation, ``params`` are
    filled in afterwards)."""

    def __init__(self, template: str, **params):
        super().__init__(template.format(**params))
        self.template = template
        self.params = params

    def translated(self, gettext) -> str:
        return gettext(self.template).format(**self.params)

    def __reduce__(self):  # errors cross from the reading process to the web process
        attributes = {k: v for k, v in self.__dict__.items() if k not in ("template", "params")}
        return (_rebuild, (type(self), self.template, self.params, attributes))


LIMIT_MESSAGES = {
    "upload_bytes": gettext_noop(
        "This file is {found} and the limit is {limit}. "
        "Split it into smaller files and upload them one by one."
    ),
    "unpacked_bytes": gettext_noop(
        "This file unpacks to more than {limit}, the most Coproduce reads from a file of its size. It may "
        "be damaged; if not, split it into smaller files and upload them one by one."
    ),
    "cells": gettext_noop(
        "This spreadsheet has {rows} rows and {columns} columns in use ({found} cells) and the limit is "
        "{limit} cells. Delete the rows and columns you do not need, or split it into smaller files."
    ),
    "pages": gettext_noop(
        "This PDF has {found} pages and the limit is {limit}. Split it into smaller files and upload "
        "them one by one."
    ),
    "segments": gettext_noop(
        "This file has more than {limit} passages, the most Coproduce imports at once. Split it into "
        "smaller files and upload them one by one."
    ),
    "codes": gettext_noop(
        "This file has more than {limit} codes and themes, the most Coproduce imports at once. "
        "Split the codebook into smaller files and import them one by one."
    ),
    "codings": gettext_noop(
        "This file has more than {limit} codings and memos, the most Coproduce imports at once. "
        "Export the sources in smaller groups and import them one by one."
    ),
    "seconds": gettext_noop(
        "Reading this file took longer than {limit} seconds, so Coproduce stopped. Split it into smaller "
        "files, or save it in a simpler format (such as plain text), and upload it again."
    ),
    "one_second": gettext_noop(
        "Reading this file took longer than a second, so Coproduce stopped. Split it into smaller "
        "files, or save it in a simpler format (such as plain text), and upload it again."
    ),
    "memory": gettext_noop(
        "Reading this file needed more than {limit} of memory, so Coproduce stopped. Split it into "
        "smaller files, or save it in a simpler format (such as plain text), and upload it again."
    ),
}
CRASHED = gettext_noop(
    "This file could not be read: the program reading it stopped unexpectedly. Open the file on your "
    "computer, save it again, and upload the new copy."
)


def human_size(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def count(number: int) -> str:
    return f"{number:,}"


class ImportLimitError(ImportProblem):
    """Reading a file would go over the limit named ``which`` (a key of :data:`LIMIT_MESSAGES`)."""

    def __init__(self, which: str, **params):
        super().__init__(LIMIT_MESSAGES[which], **params)
        self.which = which


@dataclass
class ImportBudget:
    """The limits on reading one upload, and what has been spent of them so far.

    Make a fresh one for each upload. The ``max_*`` fields are the limits (settings, see
    ``docs/operators.md``); the other fields count what the reader has used.
    """

    max_upload_bytes: int = 20 * MB
    max_unpacked_bytes: int = 100 * MB
    max_unpacked_ratio: int = 100
    max_cells: int = 1_000_000
    max_pages: int = 1_000
    max_segments: int = 50_000
    max_codes: int = 2_000
    max_codings: int = 100_000
    max_seconds: float = 30.0
    max_memory_bytes: int = 1024 * MB

    unpacked_bytes: int = field(default=0, init=False)
    unpacked_allowed: int = field(default=0, init=False)
    pages: int = field(default=0, init=False)
    segments: int = field(default=0, init=False)
    codes: int = field(default=0, init=False)
    codings: int = field(default=0, init=False)

    def admit_upload(self, size: int) -> None:
        """Refuse an upload over the size limit; otherwise set how much it may unpack to.

        A file may unpack to ``max_unpacked_ratio`` times its own size (at least ``MIN_UNPACKED``, at
        most ``max_unpacked_bytes``): text and XML compress ten times at most, while a file built to
        overload the reader (a zip bomb, a project that names one member a thousand times, a PDF page
        of a million drawing instructions) unpacks to thousands of times its size."""
        if size > self.max_upload_bytes:
            raise ImportLimitError(
                "upload_bytes", found=human_size(size), limit=human_size(self.max_upload_bytes)
            )
        self.unpacked_allowed = min(
            self.max_unpacked_bytes, max(MIN_UNPACKED, self.max_unpacked_ratio * size)
        )

    def spend_unpacked(self, size: int) -> None:
        """Count ``size`` bytes decompressed (each time they are decompressed, not as a header claims)."""
        self.unpacked_bytes += size
        allowed = self.unpacked_allowed or self.max_unpacked_bytes
        if self.unpacked_bytes > allowed:
            raise ImportLimitError("unpacked_bytes", limit=human_size(allowed))

    def check_cells(self, rows: int, columns: int) -> None:
        """A table of ``rows`` rows and ``columns`` columns that hold something."""
        if rows * columns > self.max_cells:
            raise ImportLimitError(
                "cells",
                rows=count(rows),
                columns=count(columns),
                found=count(rows * columns),
                limit=count(self.max_cells),
            )

    def check_pages(self, pages: int) -> None:
        if pages > self.max_pages:
            raise ImportLimitError("pages", found=count(pages), limit=count(self.max_pages))

    def check_segments(self, number: int) -> None:
        """Refuse early when ``number`` passages are certain to be made (without spending them)."""
        if self.segments + number > self.max_segments:
            raise ImportLimitError("segments", limit=count(self.max_segments))

    def spend_segments(self, number: int = 1) -> None:
        self.segments += number
        if self.segments > self.max_segments:
            raise ImportLimitError("segments", limit=count(self.max_segments))

    def spend_codes(self, number: int = 1) -> None:
        self.codes += number
        if self.codes > self.max_codes:
            raise ImportLimitError("codes", limit=count(self.max_codes))

    def spend_codings(self, number: int = 1) -> None:
        self.codings += number
        if self.codings > self.max_codings:
            raise ImportLimitError("codings", limit=count(self.max_codings))

    def over_time(self) -> ImportLimitError:
        if self.max_seconds == 1:
            return ImportLimitError("one_second")
        return ImportLimitError("seconds", limit=f"{self.max_seconds:g}")

    def over_memory(self) -> ImportLimitError:
        return ImportLimitError("memory", limit=human_size(self.max_memory_bytes))


# --- zip archives (.docx, .xlsx, .qdpx) ---------------------------------------------------------


class DamagedArchive(Exception):
    """A zip archive that cannot be read; ``encrypted`` if it is protected with a password.

    Each reader turns it into its own message (the file kinds differ)."""

    def __init__(self, *, encrypted: bool = False):
        super().__init__("encrypted" if encrypted else "damaged")
        self.encrypted = encrypted


# What zipfile and zlib raise on a damaged archive: a bad CRC or length (BadZipFile), a broken deflate
# stream (zlib.error), a truncated member (EOFError), an unknown compression method
# (NotImplementedError), a member with the encryption flag (RuntimeError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open an archive, refusing one that is damaged or has a member protected with a password."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _ZIP_ERRORS:
        raise DamagedArchive() from None
    if any(info.flag_bits & 0x1 for info in infos):
        raise DamagedArchive(encrypted=True)
    return archive


class CountingReader(io.RawIOBase):
    """A member of an archive read as a stream, every decompressed byte spent from the budget.

    The bytes are counted as they come out of the decompressor, so a member whose header understates
    its size is stopped at the limit all the same."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: ImportBudget):
        super().__init__()
        self._budget = budget
        try:
            self._member = archive.open(name)
        except _ZIP_ERRORS:
            raise DamagedArchive() from None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = CHUNK
        try:
            chunk = self._member.read(min(size, CHUNK))
        except _ZIP_ERRORS:
            raise DamagedArchive() from None
        self._budget.spend_unpacked(len(chunk))
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._member.close()
        super().close()


def read_member(archive: zipfile.ZipFile, name: str, budget: ImportBudget) -> bytes:
    """The whole of one member, decompressed in chunks and counted; stops at the limit, not after."""
    parts = []
    with CountingReader(archive, name, budget) as reader:
        while chunk := reader.read(CHUNK):
            parts.append(chunk)
    return b"".join(parts)


def check_members(archive: zipfile.ZipFile, budget: ImportBudget) -> None:
    """Decompress every member once, counting, keeping nothing: before a library that reads the
    archive itself (openpyxl) is given it. Also finds bad checksums before the library does."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        with CountingReader(archive, info.filename, budget) as reader:
            while reader.read(CHUNK):
                pass
