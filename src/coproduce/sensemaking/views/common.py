"""Small helpers shared by the sense-making views."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render

from .. import permissions as perms
from ..importers import human_size
from ..redaction import Redactor

NAMES_PARAMETER = "names"
REAL_NAMES = "real"


def redactor_for(request) -> Redactor:
    """How this request shows people's words: pseudonyms, unless a coordinator asked for real names
    with ``?names=real`` (anyone else asking is shown pseudonyms all the same). One per request."""
    redactor = getattr(request, "_sensemaking_redactor", None)
    if redactor is None:
        redactor = Redactor(request.user, real_names=request.GET.get(NAMES_PARAMETER) == REAL_NAMES)
        request._sensemaking_redactor = redactor
    return redactor


def names_switch(request, project) -> dict:
    """The link that switches between real names and pseudonyms, for those who may (works without
    JavaScript: it is the same page with or without ``?names=real``)."""
    redactor = redactor_for(request)
    if not redactor.may_switch(project):
        return {"names_switch_url": None, "real_names": False}
    real = redactor.shows_real_names(project)
    query = [(k, v) for k, v in request.GET.items() if k != NAMES_PARAMETER]
    if not real:
        query.append((NAMES_PARAMETER, REAL_NAMES))
    return {"names_switch_url": request.path + ("?" + urlencode(query) if query else ""), "real_names": real}


SECTIONS = {
    "overview": "sources",
    "upload": "sources",
    "choose_columns": "sources",
    "source": "sources",
    "consent": "sources",
    "narrator": "sources",
    "speakers": "sources",
    "withdraw": "sources",
    "speaker_consent": "sources",
    "speaker_withdraw": "sources",
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
        "redactor": redactor_for(request),
        **names_switch(request, project),
    }


def render_project(request, template: str, project, context: dict | None = None, status: int = 200):
    return render(request, template, {**project_context(request, project), **(context or {})}, status=status)


def posted(request):
    """The POST data for a bound form, or None on GET (an empty POST still binds, so it is validated)."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None
