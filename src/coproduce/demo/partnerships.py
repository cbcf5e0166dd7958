"""Demo ground rules, written together and agreed to version by version.

The crisis project has two versions: most members agreed to the first, and some have agreed to the
second since it was published, so coordinators see who still needs to read the new one. The placements
project has one version and a draft of the next one in progress. All text is our own.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from coproduce.partnerships.actions import (
    do_agree_to_ground_rules,
    do_publish_ground_rules,
    do_save_ground_rules_draft,
)
from coproduce.partnerships.models import GroundRulesAgreement

from .cast import CRISIS, PLACEMENTS, person, project

CRISIS_RULES_V1 = (
    "Everyone here is an equal. "
    "We use the name each person has chosen, and nobody is introduced by their job.\n"
    "One person speaks at a time. We listen to understand, not to reply.\n"
    "You can talk about your own experience if you want to. "
    "Nobody has to share anything about their health, diagnosis or history.\n"
    "What people say about their own lives stays in the room. "
    "We can share what we learned together, but not who said it.\n"
    "We challenge ideas, not people.\n"
    "Anyone can take a break or step out at any time, without giving a reason.\n"
    "We start and finish on time, because people have carers, buses and jobs to get back to."
)

CRISIS_RULES_V2 = (
    "Everyone here is an equal. "
    "We use the name each person has chosen, and nobody is introduced by their job.\n"
    "One person speaks at a time. We listen to understand, not to reply.\n"
    "You can talk about your own experience if you want to. "
    "Nobody has to share anything about their health, diagnosis or history.\n"
    "What people say about their own lives stays in the room. "
    "We can share what we learned together, but not who said it.\n"
    "We never quote anyone outside the group without asking them first, and they can say no.\n"
    "We challenge ideas, not people.\n"
    'Anyone can say "pause" if a conversation gets too much. '
    "The facilitator will stop, and we check in with each other before carrying on.\n"
    "Anyone can take a break or step out at any time, without giving a reason.\n"
    "In online sessions, cameras are optional. You can speak, type in the chat, or just listen.\n"
    "We start and finish on time, because people have carers, buses and jobs to get back to."
)

CRISIS_CHANGES = (
    "Added: anyone can ask for a pause; we ask before quoting anyone outside the group; "
    "cameras are optional online."
)

PLACEMENTS_RULES_V1 = (
    "We are all here to learn from each other. "
    "Students, staff and the people the organisations support each know things the others do not.\n"
    "Interviews happen only with people who have said yes, and they can stop at any time.\n"
    "Students check with people before writing up their stories, and use the words people are happy with.\n"
    "Organisations tell students honestly what worked and what did not.\n"
    "We do what we said we would do, and say early if we cannot."
)

PLACEMENTS_DRAFT = PLACEMENTS_RULES_V1 + (
    "\n"
    "Students are guests in the community organisations. "
    "We follow each organisation's own ways of working while we are there.\n"
    "People who give their time to be interviewed are thanked, and told what happened to their ideas."
)


def run() -> None:
    crisis = project(CRISIS)
    placements = project(PLACEMENTS)
    if crisis.ground_rules_versions.exists():
        return
    priya, tom, dee = person("priya@example.org"), person("tom@example.org"), person("dee@example.org")

    # Crisis project: Tom (steering group) drafts, Priya (coordinator) publishes version 1.
    do_save_ground_rules_draft(crisis, text=CRISIS_RULES_V1, based_on_revision=0, acting_user=tom)
    first = do_publish_ground_rules(
        crisis, text=CRISIS_RULES_V1, summary_of_changes="Our first ground rules.", acting_user=priya
    )
    for email in ("priya", "dee", "tom", "grace", "sol", "nadia"):
        do_agree_to_ground_rules(first, acting_user=person(f"{email}@example.org"))
    # Version 1 was agreed some weeks ago; the demo shows it with believable dates.
    weeks_ago = timezone.now() - timedelta(weeks=6)
    type(first).objects.filter(pk=first.pk).update(published_at=weeks_ago)
    GroundRulesAgreement.objects.filter(version=first).update(agreed_at=weeks_ago + timedelta(days=3))

    # Dee (facilitator) proposes changes after a hard session; Tom publishes them as version 2.
    draft = crisis.ground_rules_draft
    do_save_ground_rules_draft(
        crisis, text=CRISIS_RULES_V2, based_on_revision=draft.revision, acting_user=dee
    )
    second = do_publish_ground_rules(
        crisis, text=CRISIS_RULES_V2, summary_of_changes=CRISIS_CHANGES, acting_user=tom
    )
    for email in ("priya", "dee", "tom", "grace"):
        do_agree_to_ground_rules(second, acting_user=person(f"{email}@example.org"))
    # Sol and Nadia agreed to version 1 only; Kemi has not agreed to any version yet.

    # Placements project: one version, and Dee (steering group) drafting the next.
    marcus = person("marcus@example.org")
    version = do_publish_ground_rules(
        placements, text=PLACEMENTS_RULES_V1, summary_of_changes="Our first ground rules.", acting_user=marcus
    )
    for email in ("marcus", "dee", "kemi", "aisha", "ben"):
        do_agree_to_ground_rules(version, acting_user=person(f"{email}@example.org"))
    draft = placements.ground_rules_draft
    do_save_ground_rules_draft(
        placements, text=PLACEMENTS_DRAFT, based_on_revision=draft.revision, acting_user=dee
    )
