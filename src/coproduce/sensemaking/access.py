"""Reads with permission applied. Anything a person may not see does not exist for them (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from coproduce.partnerships.access import role_in_project
from coproduce.partnerships.models import Project

from .models import Audience, Code, Coding, CorrectionRequest, Quote, Segment, Source, Theme
from .permissions import can_view_project_sensemaking, can_view_source


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
    if getattr(user, "is_authenticated", False) and project.sources.filter(narrator_person=user).exists():
        return project
    raise _not_found("No such project.")


def sources_visible_to(user, project: Project) -> QuerySet[Source]:
    """Sources this person may see in the project, per role, narration and consent audience."""
    if not getattr(user, "is_authenticated", False):
        return Source.objects.none()
    sources = Source.objects.filter(project=project)
    role = role_in_project(user, project)
    own = Q(narrator_person=user, erased_at__isnull=True)
    if role == "coordinator":
        return sources
    if role is None:
        return sources.filter(own)
    # JSON "contains" is not on SQLite; the audience list is short, so filter in Python on ids.
    team_ids = [
        s.pk
        for s in sources.filter(withdrawn_at__isnull=True, erased_at__isnull=True).only(
            "id", "consent_audiences"
        )
        if Audience.TEAM in (s.consent_audiences or [])
    ]
    return sources.filter(Q(pk__in=team_ids) | own)


def analysable_sources(project: Project) -> QuerySet[Source]:
    """Sources whose words are in the analysis: not withdrawn, not erased."""
    return Source.objects.filter(project=project, withdrawn_at__isnull=True, erased_at__isnull=True)


def analysable_codings(project: Project) -> QuerySet[Coding]:
    """Codings that count: withdrawn words leave the analysis the moment they are withdrawn."""
    return Coding.objects.filter(
        source__project=project, source__withdrawn_at__isnull=True, source__erased_at__isnull=True
    )


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
