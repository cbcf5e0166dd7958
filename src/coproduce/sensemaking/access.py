"""Reads with permission applied. Anything a person may not see does not exist for them (404)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from coproduce.partnerships.access import role_in_project
from coproduce.partnerships.models import Project

from .models import Code, Coding, CorrectionRequest, Quote, Segment, Source, Theme
from .permissions import can_view_project_sensemaking, can_view_source, speaks_in, team_may_read_some


def _not_found(what: str = "Not found."):
    return Http404(what)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _not_found() from None


def access_project_by_id(user, project_id) -> Project:
    """The project, for its members; "not found" for anyone else."""
    project = Project.objects.filter(pk=_int(project_id)).first()
    if project is None or not can_view_project_sensemaking(user, project):
        raise _not_found("No such project.")
    return project


def access_project_or_narrator(user, project_id) -> Project:
    """The project for its members and for narrators of its sources (who may not be members)."""
    project = Project.objects.filter(pk=_int(project_id)).first()
    if project is None:
        raise _not_found("No such project.")
    if can_view_project_sensemaking(user, project):
        return project
    if (
        getattr(user, "is_authenticated", False)
        and project.sources.filter(
            Q(narrator_person=user) | Q(speakers__person=user, speakers__erased_at__isnull=True)
        ).exists()
    ):
        return project
    raise _not_found("No such project.")


def sources_visible_to(user, project: Project) -> QuerySet[Source]:
    """Sources this person may see in the project: per role, their own words (as narrator or speaker),
    and what each voice agreed to (see ``permissions.can_view_source``)."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    sources = Source.objects.filter(project=project)
    role = role_in_project(user, project)
    if role == "coordinator":
        return sources
    own = Q(narrator_person=user) | Q(speakers__person=user, speakers__erased_at__isnull=True)
    candidates = sources.filter(erased_at__isnull=True)
    if role is None:
        candidates = candidates.filter(own).distinct()
    # Consent is per voice (JSON lists, and no JSON "contains" on SQLite): decide per source in Python.
    ids = [
        s.pk
        for s in candidates.prefetch_related("speakers")
        if speaks_in(user, s) or (role is not None and team_may_read_some(s))
    ]
    return sources.filter(pk__in=ids)


def sources_spoken_in(user) -> QuerySet[Source]:
    """Every source, in any project, that holds words of this person's (as narrator or as a speaker),
    until erased."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    return (
        Source.objects.filter(
            Q(narrator_person=user) | Q(speakers__person=user, speakers__erased_at__isnull=True),
            erased_at__isnull=True,
        )
        .distinct()
        .select_related("project")
        .prefetch_related("speakers")
        .order_by("added_at", "id")
    )


def withdrawn_turns(source_field: str = "source") -> Exists:
    """For a queryset of rows with ``start``/``end`` on a source: whether they touch a turn of a speaker
    who withdrew (``source_field`` names the row's source)."""
    return Exists(
        Segment.objects.filter(
            source=OuterRef(source_field),
            speaker__withdrawn_at__isnull=False,
            start__lt=OuterRef("end"),
            end__gt=OuterRef("start"),
        )
    )


def analysable_sources(project: Project) -> QuerySet[Source]:
    """Sources whose words are in the analysis: not withdrawn, not erased (a speaker may still have
    withdrawn their own turns: see ``analysable_segments``)."""
    return Source.objects.filter(project=project, withdrawn_at__isnull=True, erased_at__isnull=True)


def analysable_segments(project: Project) -> QuerySet[Segment]:
    """Turns in the analysis: in a source in the analysis, and not of a speaker who withdrew."""
    return Segment.objects.filter(source__in=analysable_sources(project)).filter(
        Q(speaker__isnull=True) | Q(speaker__withdrawn_at__isnull=True, speaker__erased_at__isnull=True)
    )


def analysable_codings(project: Project) -> QuerySet[Coding]:
    """Codings that count: withdrawn words — a whole source, or one speaker's turns — leave the analysis
    the moment they are withdrawn."""
    return Coding.objects.filter(
        source__project=project, source__withdrawn_at__isnull=True, source__erased_at__isnull=True
    ).filter(~withdrawn_turns())


def access_source_by_id(user, project: Project, source_id) -> Source:
    source = Source.objects.filter(project=project, pk=_int(source_id)).select_related("project").first()
    if source is None or not can_view_source(user, source):
        raise _not_found("No such source.")
    return source


def access_segment_by_id(user, project: Project, segment_id) -> Segment:
    segment = (
        Segment.objects.filter(source__project=project, pk=_int(segment_id))
        .select_related("source", "source__project")
        .first()
    )
    if segment is None or not can_view_source(user, segment.source):
        raise _not_found("No such passage.")
    return segment


def access_code_by_id(user, project: Project, code_id) -> Code:
    if not can_view_project_sensemaking(user, project):
        raise _not_found()
    code = Code.objects.filter(project=project, pk=_int(code_id)).first()
    if code is None:
        raise _not_found("No such code.")
    return code


def access_coding_by_id(user, project: Project, coding_id) -> Coding:
    coding = (
        Coding.objects.filter(source__project=project, pk=_int(coding_id)).select_related("source").first()
    )
    if coding is None or not can_view_source(user, coding.source):
        raise _not_found("No such coding.")
    return coding


def access_theme_by_id(user, project: Project, theme_id) -> Theme:
    if not can_view_project_sensemaking(user, project):
        raise _not_found()
    theme = Theme.objects.filter(project=project, pk=_int(theme_id)).first()
    if theme is None:
        raise _not_found("No such theme.")
    return theme


def access_quote_by_id(user, project: Project, quote_id) -> Quote:
    if not can_view_project_sensemaking(user, project):
        raise _not_found()
    quote = (
        Quote.objects.filter(theme__project=project, pk=_int(quote_id))
        .select_related("theme", "source")
        .first()
    )
    if quote is None:
        raise _not_found("No such quote.")
    return quote


def access_correction_by_id(user, project: Project, correction_id) -> CorrectionRequest:
    correction = (
        CorrectionRequest.objects.filter(source__project=project, pk=_int(correction_id))
        .select_related("source")
        .first()
    )
    if correction is None or not can_view_source(user, correction.source):
        raise _not_found("No such correction.")
    return correction


def code_tree(project: Project) -> list[tuple[Code, int]]:
    """Every code with its depth, parents before children, siblings in order."""
    codes = list(Code.objects.filter(project=project).order_by("position", "name", "id"))
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent_id, depth):
        for code in children.get(parent_id, []):
            ordered.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return ordered
