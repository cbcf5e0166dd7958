"""Template tags that show people's words through the viewer's ``redaction.Redactor``.

Every sense-making page has ``redactor`` in its context (``views.common.project_context``). A template
never prints a source's words, a speaker's label or a narrator's name directly: it asks one of these.
Without a redactor in the context they show pseudonyms (failing closed).
"""

from __future__ import annotations

from django import template

from coproduce.partnerships.models import Project

from ..redaction import Redactor

register = template.Library()


def _redactor(context) -> Redactor:
    redactor = context.get("redactor")
    if redactor is None:
        request = context.get("request")
        redactor = Redactor(getattr(request, "user", None))
    return redactor


@register.simple_tag(takes_context=True)
def words(context, source, start, end) -> str:
    """``source.text[start:end]`` as the viewer may see it."""
    return _redactor(context).span(source, int(start), int(end))


@register.simple_tag(takes_context=True)
def shown(context, text, within) -> str:
    """Other text from a source (a title, a note, a memo) or, given a project, from the project (a
    keyword, a theme label): names replaced as for the words."""
    if isinstance(within, Project):
        return _redactor(context).text(text or "", project=within)
    return _redactor(context).text(text or "", source=within)


@register.simple_tag(takes_context=True)
def speaker_name(context, speaker) -> str:
    return _redactor(context).speaker_name(speaker)


@register.simple_tag(takes_context=True)
def narrator_name(context, source) -> str:
    return _redactor(context).narrator_name(source)
