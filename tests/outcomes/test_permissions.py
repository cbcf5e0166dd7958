"""Who may use which outcomes page, as a table: role × view → allowed, refused (looks like "not found"),
or asked to sign in (only for pages about oneself).

Columns are the shared fixture people: coordinator, facilitator and member of ``project``;
``other_member`` of another project; anonymous.
"""

from __future__ import annotations

import pytest

from coproduce.outcomes.actions import do_create_feedback_form, do_invite_to_feedback, do_set_public_page
from coproduce.sensemaking.actions.themes import do_create_theme
from coproduce.sensemaking.models import Audience
from tests.events.conftest import make_event  # noqa: F401

ROLES = ("coordinator", "facilitator", "member", "other_member", "anonymous")
OK, NOT_FOUND, SIGN_IN = "allowed", "not found", "sign in"
COORDINATOR = (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
C_F = (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
MEMBERS = (OK, OK, OK, NOT_FOUND, NOT_FOUND)
SIGNED_IN = (OK, OK, OK, OK, SIGN_IN)

TABLE = [
    ("project's actions", "get", "/outcomes/project/{project}/", MEMBERS),
    (
        "other project's actions",
        "get",
        "/outcomes/project/{other_project}/",
        (NOT_FOUND,) * 3 + (OK, NOT_FOUND),
    ),
    ("create action form", "get", "/outcomes/project/{project}/new/", COORDINATOR),
    ("create action (post)", "post", "/outcomes/project/{project}/new/", COORDINATOR),
    ("action page", "get", "/outcomes/actions/{action}/", MEMBERS),
    ("missing action page", "get", "/outcomes/actions/999999/", (NOT_FOUND,) * 5),
    ("update action form", "get", "/outcomes/actions/{action}/update/", COORDINATOR),
    ("update action (post)", "post", "/outcomes/actions/{action}/update/", COORDINATOR),
    ("link sources form", "get", "/outcomes/actions/{action}/link/", COORDINATOR),
    ("link sources (post)", "post", "/outcomes/actions/{action}/link/", COORDINATOR),
    ("unlink a source (post)", "post", "/outcomes/actions/{action}/unlink/{action_source}/", COORDINATOR),
    ("publish the public page (post)", "post", "/outcomes/project/{project}/public/", COORDINATOR),
    ("public page, not published", "get", "/outcomes/you-said-we-did/{project}/", COORDINATOR),
    ("public page, published", "get", "/outcomes/you-said-we-did/{published}/", (OK,) * 5),
    ("project's feedback forms", "get", "/outcomes/project/{project}/feedback/", C_F),
    ("new feedback form", "get", "/outcomes/events/{event}/feedback/new/", C_F),
    ("new feedback form (post)", "post", "/outcomes/events/{event}/feedback/new/", C_F),
    ("manage feedback form", "get", "/outcomes/feedback/{feedback}/", C_F),
    ("add a question (post)", "post", "/outcomes/feedback/{feedback}/questions/", C_F),
    ("close the form (post)", "post", "/outcomes/feedback/{feedback}/open/", C_F),
    ("feedback results", "get", "/outcomes/feedback/{feedback}/results/", C_F),
    (
        "send answers to sense-making (post)",
        "post",
        "/outcomes/feedback/{feedback}/to-sensemaking/",
        COORDINATOR,
    ),
    ("answer feedback", "get", "/outcomes/feedback/{feedback}/respond/", (OK, OK, OK, NOT_FOUND, SIGN_IN)),
    (
        "answer feedback (post)",
        "post",
        "/outcomes/feedback/{feedback}/respond/",
        (OK, OK, OK, NOT_FOUND, SIGN_IN),
    ),
    (
        "answer feedback, invited from outside the project",
        "get",
        "/outcomes/feedback/{invited_feedback}/respond/",
        (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, SIGN_IN),
    ),
    ("impact report", "get", "/outcomes/project/{project}/impact/", COORDINATOR),
    (
        "impact report for a period",
        "get",
        "/outcomes/project/{project}/impact/?start=2026-01-01&end=2026-12-31",
        COORDINATOR,
    ),
    ("decision log", "get", "/outcomes/project/{project}/decisions/", MEMBERS),
    ("record a decision", "get", "/outcomes/project/{project}/decisions/new/", COORDINATOR),
    ("record a decision (post)", "post", "/outcomes/project/{project}/decisions/new/", COORDINATOR),
    ("save GRIPP2 text (post)", "post", "/outcomes/project/{project}/impact/gripp2/", COORDINATOR),
    ("what happened to what you said", "get", "/outcomes/mine/", SIGNED_IN),
    ("mark as read (post)", "post", "/outcomes/mine/seen/", SIGNED_IN),
]

POST_DATA = {
    "create action (post)": {"title": "A", "you_said": "B", "status": "proposed", "progress": "0"},
    "update action (post)": {"status": "agreed", "progress": "5"},
    "new feedback form (post)": {"title": "How was it?", "library_keys": ["overall"]},
    "add a question (post)": {"kind": "text", "text": "Anything else?"},
    "close the form (post)": {"is_open": "no"},
    "save GRIPP2 text (post)": {"start": "2026-01-01", "end": "2026-12-31", "aim": "To share power."},
}

CASES = [
    pytest.param(view, method, url, role, expected, id=f"{view} | {role} -> {expected}")
    for view, method, url, expectations in TABLE
    for role, expected in zip(ROLES, expectations, strict=True)
]


@pytest.fixture
def world(project, other_project, coordinator, facilitator, member, other_member, make_action, make_event):  # noqa: F811
    do_set_public_page(other_project, is_published=True, acting_user=None)
    event = make_event(project)
    feedback = do_create_feedback_form(event, title="How was it?", acting_user=coordinator)
    other_event = make_event(other_project, title="Quiet rooms walkabout")
    invited = do_create_feedback_form(other_event, title="Walkabout", acting_user=None)
    do_invite_to_feedback(invited, other_member, acting_user=None)
    theme = do_create_theme(project, name="Going home", audience=Audience.TEAM, acting_user=coordinator)
    action = make_action(links=[("theme", theme.pk)])
    return {
        "project": project.pk,
        "other_project": other_project.pk,
        "published": other_project.pk,
        "action": action.pk,
        "action_source": action.sources.get().pk,
        "event": event.pk,
        "feedback": feedback.pk,
        "invited_feedback": invited.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("view,method,url,role,expected", CASES)
def test_permission_table(view, method, url, role, expected, world, client, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    path = url.format(**world)
    response = client.get(path) if method == "get" else client.post(path, POST_DATA.get(view, {}))
    if expected == OK:
        assert response.status_code in (200, 302), f"{view} refused {role}: {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith("/sign-in/")
    elif expected == NOT_FOUND:
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
