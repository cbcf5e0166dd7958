"""Shared fixtures: named people in two projects, as Zulip's tests do.

- ``coordinator``, ``facilitator``, ``member`` belong to ``project``;
- ``other_member`` belongs only to ``other_project``;
- ``outsider`` belongs to nothing.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from coproduce.core import outbox
from coproduce.partnerships.models import Membership, Organisation, Project
from coproduce.people.models import Person

# The SQLite test database is a file under the data directory (see settings.py).
django_settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def outbox_worker_standing_by():
    """E-mail is queued in the outbox and sent by a background worker (``core.outbox``). In tests a
    worker stands by: each message is sent the moment it is queued, into ``mail.outbox`` as before.

    Queueing still happens where the code queues it (after commit, for actions: wrap the action in
    ``django_capture_on_commit_callbacks(execute=True)``). A test of the outbox itself takes
    ``no_outbox_worker`` to see messages wait until a worker runs.
    """
    outbox.add_queued_listener(outbox.send_due)
    yield
    outbox.remove_queued_listener(outbox.send_due)


@pytest.fixture
def no_outbox_worker(outbox_worker_standing_by):
    """No worker stands by: queued e-mail waits in the outbox until the test runs one."""
    outbox.remove_queued_listener(outbox.send_due)


def make_person(email: str, badge_name: str) -> Person:
    return Person.objects.create_user(email=email, badge_name=badge_name)


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(name="Riverside Community Trust", kind=Organisation.Kind.VOLUNTARY)


@pytest.fixture
def project(db, organisation) -> Project:
    project = Project.objects.create(
        title="Better discharge together",
        purpose="Make leaving hospital less frightening.",
        status=Project.Status.ACTIVE,
    )
    project.organisations.add(organisation)
    return project


@pytest.fixture
def other_project(db) -> Project:
    return Project.objects.create(
        title="Quiet rooms", purpose="Design quiet rooms with the people who use them."
    )


@pytest.fixture
def coordinator(project) -> Person:
    person = make_person("coordinator@example.org", "Sam")
    Membership.objects.create(project=project, person=person, role=Membership.Role.COORDINATOR)
    return person


@pytest.fixture
def facilitator(project) -> Person:
    person = make_person("facilitator@example.org", "Robin")
    Membership.objects.create(project=project, person=person, role=Membership.Role.FACILITATOR)
    return person


@pytest.fixture
def member(project) -> Person:
    person = make_person("member@example.org", "Jo")
    Membership.objects.create(project=project, person=person, role=Membership.Role.MEMBER)
    return person


@pytest.fixture
def other_member(other_project) -> Person:
    person = make_person("other@example.org", "Alex")
    Membership.objects.create(project=other_project, person=person, role=Membership.Role.MEMBER)
    return person


@pytest.fixture
def outsider(db) -> Person:
    return make_person("outsider@example.org", "Kit")
