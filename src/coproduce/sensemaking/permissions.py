"""Who may do what in sense-making: the one policy, tested as a table in tests/sensemaking.

Roles come from the project membership (``partnerships.access.role_in_project``):

- every member analyses together: reads sources the project team may read, codes, edits the
  codebook, groups themes, adds quotes, uses assisted coding, reads agreement;
- coordinators and facilitators add sources, map speakers, record consent and answer corrections;
- coordinators alone hold the de-identification register, sign quotes off, export words out of the
  project and import whole projects;
- a narrator reads their own words (member or not), adds notes, asks for corrections, changes their
  consent and withdraws — themselves, without asking anyone.

Anyone else is refused, and refusal looks like "not found".
"""

from __future__ import annotations

from coproduce.partnerships.access import role_in_project

from .models import Audience, Coding, PendingImport, Quote, Source, Suggestion

COORDINATOR = "coordinator"
FACILITATOR = "facilitator"
SOURCE_MANAGERS = (COORDINATOR, FACILITATOR)


def role_of(user, project) -> str | None:
    """The person's role in the project (None for anyone who is not a member).

    Looked up once per project object and person: one page asks a dozen questions of the same pair,
    and a project object lives only as long as the request (or action) that fetched it.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    roles = project.__dict__.setdefault("_sensemaking_roles", {})
    if user.pk not in roles:
        roles[user.pk] = role_in_project(user, project)
    return roles[user.pk]


def is_narrator(user, source: Source) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and source.narrator_person_id == user.pk


def can_view_project_sensemaking(user, project) -> bool:
    return role_of(user, project) is not None


def can_add_source(user, project) -> bool:
    return role_of(user, project) in SOURCE_MANAGERS


def can_view_source(user, source: Source) -> bool:
    """Narrators see their own words until erased; coordinators see every source's record; other
    members read words the project team may read, while they are in the analysis."""
    if source.is_erased:
        return role_of(user, source.project) == COORDINATOR
    if is_narrator(user, source):
        return True
    role = role_of(user, source.project)
    if role is None:
        return False
    if role == COORDINATOR:
        return True
    return source.in_analysis and Audience.TEAM in (source.consent_audiences or [])


def can_read_source_text(user, source: Source) -> bool:
    """Withdrawn words are for their narrator only, until erased."""
    if source.is_erased or not can_view_source(user, source):
        return False
    return source.in_analysis or is_narrator(user, source)


def can_code_source(user, source: Source) -> bool:
    return (
        role_of(user, source.project) is not None
        and source.in_analysis
        and not source.is_erased
        and can_view_source(user, source)
    )


def can_manage_source(user, source: Source) -> bool:
    """Map speakers, record consent on the narrator's behalf, answer corrections."""
    return role_of(user, source.project) in SOURCE_MANAGERS and not source.is_erased


def can_change_narrator(user, source: Source) -> bool:
    """Who these words belong to decides who may see them, so only coordinators change it."""
    return can_manage_source(user, source) and role_of(user, source.project) == COORDINATOR


def can_change_consent(user, source: Source) -> bool:
    if source.is_erased or source.is_withdrawn:
        return False
    return is_narrator(user, source) or role_of(user, source.project) in SOURCE_MANAGERS


def can_annotate_source(user, source: Source) -> bool:
    """Add a note or ask for a correction: the narrator's own voice on their own words."""
    return is_narrator(user, source) and not source.is_erased


def can_withdraw_source(user, source: Source) -> bool:
    """The narrator, or a coordinator recording a withdrawal on behalf of someone without an account."""
    if source.is_withdrawn or source.is_erased:
        return False
    return is_narrator(user, source) or role_of(user, source.project) == COORDINATOR


def can_cancel_withdrawal(user, source: Source) -> bool:
    """Changing one's mind during the grace period is the narrator's alone."""
    return (
        source.is_withdrawn
        and not source.is_erased
        and (
            is_narrator(user, source)
            or (role_of(user, source.project) == COORDINATOR and not source.narrator_person_id)
        )
    )


def can_remove_coding(user, coding: Coding) -> bool:
    """A coder removes their own codings, while they may still code the source."""
    return coding.coder_id == getattr(user, "pk", None) and can_code_source(user, coding.source)


def can_finish_import(user, pending: PendingImport) -> bool:
    """A staged spreadsheet is finished (or cancelled) by the person who uploaded it."""
    return pending.uploaded_by_id == getattr(user, "pk", None) and can_add_source(user, pending.project)


def can_edit_codebook(user, project) -> bool:
    return role_of(user, project) is not None


def can_edit_themes(user, project) -> bool:
    return role_of(user, project) is not None


def can_view_agreement(user, project) -> bool:
    return role_of(user, project) is not None


def can_use_assistance(user, project) -> bool:
    return role_of(user, project) is not None


def can_decide_suggestion(user, suggestion: Suggestion) -> bool:
    """Accepting a suggestion codes the passage, so the person must be able to code its source."""
    return can_use_assistance(user, suggestion.project) and can_code_source(user, suggestion.segment.source)


def can_manage_register(user, project) -> bool:
    return role_of(user, project) == COORDINATOR


def can_sign_off_quote(user, quote: Quote) -> bool:
    return role_of(user, quote.theme.project) == COORDINATOR


def can_export_words(user, project) -> bool:
    """Exports that carry people's words out of the project (.qdpx, codings, quotes)."""
    return role_of(user, project) == COORDINATOR


def can_export_codebook(user, project) -> bool:
    return role_of(user, project) is not None


def can_import_codebook(user, project) -> bool:
    return role_of(user, project) in SOURCE_MANAGERS


def can_import_project(user, project) -> bool:
    return role_of(user, project) == COORDINATOR


def can_resolve_flags(user, project) -> bool:
    return role_of(user, project) == COORDINATOR
