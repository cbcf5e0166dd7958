"""Outcomes fixtures: a workshop where people said things, and an interview with a quote, all made through
the upstream apps' actions, so actions link to real statements, take-home messages, themes and quotes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coproduce.deliberation.actions import do_leave_take_home_message, do_submit_statement
from coproduce.live.actions import do_finish_session
from coproduce.live.models import Phase
from coproduce.outcomes.actions import do_create_action
from coproduce.sensemaking.actions.themes import (
    do_attach_quote,
    do_create_theme,
    do_deidentify_quote,
    do_sign_off_quote,
)
from coproduce.sensemaking.models import Audience, ConsentUse
from tests.live.conftest import _clear_cache, event, live_session  # noqa: F401
from tests.live.factories import join, start_at
from tests.sensemaking.conftest import add_text_source, span_of

from ..conftest import make_person


@dataclass
class Said:
    statement: object  # by the member, signed in
    anonymous_statement: object  # by someone who joined without signing in
    outsider_statement: object  # by someone signed in who is not in the project
    take_home: object  # by the member
    theme: object
    quote: object  # from an interview the narrator consented to be quoted publicly
    team_quote: object  # from an interview consented for the team only
    narrator: object


@pytest.fixture
def storyteller(db):
    return make_person("storyteller@example.org", "Rowan")


@pytest.fixture
def said(
    project,
    live_session,  # noqa: F811
    coordinator,
    facilitator,
    member,
    outsider,
    storyteller,
) -> Said:
    jo = join(live_session, "Jo", person=member)
    visitor = join(live_session, "Visitor")
    kit = join(live_session, "Kit", person=outsider)
    session = start_at(live_session, Phase.Activity.STATEMENTS, facilitator)
    statement = do_submit_statement(session, jo, text="Tell us the day before we go home.")
    anonymous = do_submit_statement(session, visitor, text="Give us a named contact after discharge.")
    by_outsider = do_submit_statement(session, kit, text="Medicines should be ready before the taxi.")
    session = start_at(session, Phase.Activity.TAKE_HOME, facilitator)
    take_home = do_leave_take_home_message(session, jo, text="Nobody explained my tablets.")
    do_finish_session(session, acting_user=facilitator)

    public_source = add_text_source(
        project,
        coordinator,
        text="Rowan: The ward never told me when I could leave, so my daughter waited all day.\n",
        title="Interview with Rowan",
        narrator_person=storyteller,
        use=ConsentUse.PSEUDONYM,
        audiences=(Audience.TEAM, Audience.PARTNERS, Audience.PUBLIC),
        pseudonym="R",
    )
    team_source = add_text_source(
        project,
        coordinator,
        text="Maya: Nobody asked what would help me at home.\n",
        title="Interview 2",
        use=ConsentUse.ANONYMOUS,
        audiences=(Audience.TEAM,),
        narrator_name="Maya",
    )
    theme = do_create_theme(
        project, name="Knowing when you go home", audience=Audience.PUBLIC, acting_user=coordinator
    )
    start, end = span_of(public_source, "The ward never told me when I could leave")
    quote = do_attach_quote(theme, public_source, start=start, end=end, acting_user=coordinator)
    quote = do_deidentify_quote(quote, acting_user=coordinator)
    quote = do_sign_off_quote(quote, acting_user=coordinator)
    team_theme = do_create_theme(
        project, name="Help at home", audience=Audience.TEAM, acting_user=coordinator
    )
    start, end = span_of(team_source, "Nobody asked what would help me at home")
    team_quote = do_attach_quote(team_theme, team_source, start=start, end=end, acting_user=coordinator)
    return Said(
        statement=statement,
        anonymous_statement=anonymous,
        outsider_statement=by_outsider,
        take_home=take_home,
        theme=theme,
        quote=quote,
        team_quote=team_quote,
        narrator=storyteller,
    )


@pytest.fixture
def make_action(project, coordinator):
    def make(links=(), **kwargs):
        kwargs.setdefault("title", "Discharge letters give the day and time")
        kwargs.setdefault("you_said", "You said you were not told when you would go home.")
        return do_create_action(project, links=list(links), acting_user=coordinator, **kwargs)

    return make
