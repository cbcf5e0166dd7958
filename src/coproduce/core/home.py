"""Sections of a person's home page that downstream apps add ("What happened to what you said"...).

A plug-in registry, not a happening: the home page needs each section's content now, in the same
request. A downstream app calls :func:`register_section` from its ``AppConfig.ready()``; the core
home view asks every section for its context and includes its template when the answer is not None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeSection:
    label: str
    template: str
    context: Callable[[Any], dict | None]


_sections: dict[str, HomeSection] = {}


def register_section(label: str, *, template: str, context: Callable[[Any], dict | None]) -> None:
    """Add (or replace) a home page section. ``context(user)`` returns None to show nothing."""
    _sections[label] = HomeSection(label=label, template=template, context=context)


def sections_for(user) -> list[dict]:
    """The sections to show this user, in registration order: ``{"template", "context"}`` each."""
    shown = []
    for section in _sections.values():
        context = section.context(user)
        if context is not None:
            shown.append({"template": section.template, "context": context})
    return shown
