"""Sense-making models: sources and consent, coding, themes and quotes."""

from .coding import Code, CodeRevision, Coding, Memo, Suggestion, ThemeCandidate
from .sources import (
    Audience,
    ConsentUse,
    CorrectionRequest,
    PendingImport,
    Segment,
    Source,
    SourceEdit,
    SourceEvent,
    SourceNote,
    Speaker,
)
from .themes import ExportRecord, Flag, IdentifierEntry, Quote, ReplacementLog, Theme

__all__ = [
    "Audience",
    "Code",
    "CodeRevision",
    "Coding",
    "ConsentUse",
    "CorrectionRequest",
    "ExportRecord",
    "Flag",
    "IdentifierEntry",
    "Memo",
    "PendingImport",
    "Quote",
    "ReplacementLog",
    "Segment",
    "Source",
    "SourceEdit",
    "SourceEvent",
    "SourceNote",
    "Speaker",
    "Suggestion",
    "Theme",
    "ThemeCandidate",
]
