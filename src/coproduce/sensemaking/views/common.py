"""Small helpers shared by the sense-making views."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from .. import permissions as perms
from ..importers import human_size

SECTIONS = {
    "overview": "sources",
    "upload": "sources",
    "choose_columns": "sources",
    "source": "sources",
    "consent": "sources",
    "narrator": "sources",
    "speakers": "sources",
    "withdraw": "sources",
    "correction": "sources",
    "code_source": "sources",
    "apply_code": "sources",
    "apply_selection": "sources",
    "codebook": "codebook",
    "code": "codebook",
    "agreement": "agreement",
    "differences": "agreement",
    "themes": "themes",
    "theme": "themes",
    "assisted": "assisted",
    "exchange": "exchange",
    "import_codebook": "exchange",
    "import_project": "exchange",
    "export_codings": "exchange",
    "export_quotes": "exchange",
    "register": "register",
    "flags": "flags",
}
SECTION_PAGES = {"overview", "codebook", "agreement", "themes", "assisted", "exchange", "register", "flags"}


def project_context(request, project) -> dict:
    """What every project page needs for its navigation."""
    user = request.user
    url_name = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    return {
        "section": SECTIONS.get(url_name, ""),
        "section_current": "page" if url_name in SECTION_PAGES else "true",
        "max_size": human_size(settings.SENSEMAKING_MAX_UPLOAD_BYTES),
        "project": project,
        "role": perms.role_of(user, project),
        "can_add_source": perms.can_add_source(user, project),
        "can_manage_register": perms.can_manage_register(user, project),
        "can_export_words": perms.can_export_words(user, project),
        "is_member": perms.can_view_project_sensemaking(user, project),
    }


def render_project(request, template: str, project, context: dict | None = None, status: int = 200):
    return render(request, template, {**project_context(request, project), **(context or {})}, status=status)


def posted(request):
    """The POST data for a bound form, or None on GET (an empty POST still binds, so it is validated)."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None
