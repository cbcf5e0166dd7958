"""Who may do what in sense-making: the one policy, tested as a table in tests/sensemaking.

Roles come from the project membership (``partnerships.access.role_in_project``):

- every member analyses together: reads sources the project team may read, codes, edits the
  codebook, groups themes, adds quotes, uses assisted coding, reads agreement;
- coordinators and facilitators add sources, map speakers, record consent and answer corrections;
- coordinators alone hold the de-identification register, sign quotes off, export words out of the
  project and import whole projects;
- a narrator reads their own words (member or not), adds notes, asks for corrections, changes their
  consent and withdraws — themselves, without asking anyone. In a transcript every speaker linked to
  their account does so for their own turns only (see ``own_voices``);
- coordinators alone see real names; everyone else sees pseudonyms (``redaction.py``).

Anyone else is refused, and refusal looks like "not found".
"""

from __future__ import annotations

from coproduce.partnerships.access import role_in_project

from .models import Audience, Coding, PendingImport, Quote, Segment, Source, Speaker, Suggestion

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


def own_voices(user, source: Source, speakers: list[Speaker] | None = None) -> list:
    """The voices in ``source`` that are this person's own: each speaker linked to them (not erased);
    or, for its narrator when no speaker in it is linked to them, the source itself — then every word
    of it is theirs, as recorded when it was added. ``speakers`` saves a query when already read."""
    if not getattr(user, "is_authenticated", False) or source.is_erased:
        return []
    if speakers is None:
        speakers = source.speaker_list()
    linked = [s for s in speakers if s.person_id == user.pk and not s.is_erased]
    if not linked and source.narrator_person_id == user.pk:
        return [source]
    return linked


def speaks_in(user, source: Source) -> bool:
    """Some of these words are this person's own (as narrator or as a speaker)."""
    return bool(own_voices(user, source))


def team_may_read_some(source: Source) -> bool:
    """Some of the words are in the analysis and their voice agreed to the project team reading them."""
    if not source.in_analysis:
        return False
    speakers = source.speaker_list()
    if any(s.team_may_read for s in speakers):
        return True
    if not source.team_may_read:
        return False
    return not speakers or Segment.objects.filter(source=source, speaker__isnull=True).exists()


def can_see_real_names(user, project) -> bool:
    """Real names (speaker labels, narrators' names, the register's terms) are for coordinators, who may
    switch to them; everyone else sees pseudonyms."""
    return role_of(user, project) == COORDINATOR


def can_view_project_sensemaking(user, project) -> bool:
    return role_of(user, project) is not None


def can_add_source(user, project) -> bool:
    return role_of(user, project) in SOURCE_MANAGERS


def can_view_source(user, source: Source) -> bool:
    """Narrators and speakers see their own words until erased; coordinators see every source's record;
    other members see a source while some of its words are ones the project team may read."""
    if source.is_erased:
        return role_of(user, source.project) == COORDINATOR
    if speaks_in(user, source):
        return True
    role = role_of(user, source.project)
    if role is None:
        return False
    if role == COORDINATOR:
        return True
    return team_may_read_some(source)


def can_read_source_text(user, source: Source) -> bool:
    """Withdrawn words are for their narrator only, until erased. Which turns a person reads is
    ``may_read_turn``'s answer."""
    if source.is_erased or not can_view_source(user, source):
        return False
    return source.in_analysis or speaks_in(user, source)


def may_read_turn(user, source: Source, speaker: Speaker | None, own: list) -> bool:
    """May this person read a turn of ``speaker`` (None: words no speaker claims)? ``own`` is their
    ``own_voices`` in the source. Their own words always, until erased; anyone else's only while in the
    analysis: coordinators all of them, other members those whose voice agreed to the project team."""
    if source.is_erased or (speaker is not None and speaker.is_erased):
        return False
    if source in own or (speaker is not None and speaker in own):
        return True
    voice = speaker or source
    if not source.in_analysis or not voice.in_analysis:
        return False
    role = role_of(user, source.project)
    if role is None:
        return False
    return role == COORDINATOR or Audience.TEAM in (voice.consent_audiences or [])


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
    """Change what was agreed on the source's consent page: a narrator or speaker for their own words
    (their speaker's consent, or the source's when every word is theirs), or a coordinator or
    facilitator for the source as a whole, on everyone's behalf. One speaker's consent on their
    behalf is ``can_change_speaker_consent``'s."""
    if source.is_erased or source.is_withdrawn:
        return False
    own = own_voices(user, source)
    if own:
        return any(not voice.is_withdrawn for voice in own)
    return role_of(user, source.project) in SOURCE_MANAGERS


def can_change_speaker_consent(user, speaker: Speaker) -> bool:
    source = speaker.source
    if source.is_erased or source.is_withdrawn or speaker.is_withdrawn or speaker.is_erased:
        return False
    return speaker in own_voices(user, source) or role_of(user, source.project) in SOURCE_MANAGERS


def can_annotate_source(user, source: Source) -> bool:
    """Add a note or ask for a correction: a narrator's or speaker's own voice on their own words."""
    return speaks_in(user, source) and not source.is_erased


def can_withdraw_source(user, source: Source) -> bool:
    """Withdraw "my words": a narrator or speaker their own voices in it; or a coordinator recording
    the withdrawal of the whole source on behalf of someone without an account."""
    if source.is_withdrawn or source.is_erased:
        return False
    voices = own_voices(user, source)
    if voices:
        return any(not voice.is_withdrawn for voice in voices)
    return role_of(user, source.project) == COORDINATOR


def can_cancel_withdrawal(user, source: Source) -> bool:
    """Changing one's mind during the grace period is the narrator's (or speaker's) alone; a coordinator
    may only for a whole source whose narrator has no account."""
    if source.is_erased:
        return False
    if source.is_withdrawn:
        return is_narrator(user, source) or (
            role_of(user, source.project) == COORDINATOR and not source.narrator_person_id
        )
    return any(voice.is_withdrawn and not voice.is_erased for voice in own_voices(user, source))


def can_withdraw_speaker(user, speaker: Speaker) -> bool:
    """A speaker withdraws their own turns; a coordinator may record it on their behalf."""
    source = speaker.source
    if source.is_withdrawn or source.is_erased or speaker.is_withdrawn or speaker.is_erased:
        return False
    return speaker in own_voices(user, source) or role_of(user, source.project) == COORDINATOR


def can_cancel_speaker_withdrawal(user, speaker: Speaker) -> bool:
    source = speaker.source
    if not speaker.is_withdrawn or speaker.is_erased or source.is_erased:
        return False
    if speaker.person_id:
        return speaker in own_voices(user, source)
    return role_of(user, source.project) == COORDINATOR


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
    """Accepting a suggestion codes the passage, so the person must be able to code its source and read
    the passage."""
    segment = suggestion.segment
    source = segment.source
    return (
        can_use_assistance(user, suggestion.project)
        and can_code_source(user, source)
        and may_read_turn(user, source, segment.speaker, own_voices(user, source))
    )


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
