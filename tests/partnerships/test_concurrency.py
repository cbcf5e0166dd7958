"""Two coordinators stepping down at the same moment must not leave a project with none (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from coproduce.partnerships.actions import PartnershipError, do_change_member_role
from coproduce.partnerships.models import Membership

pytestmark = pytest.mark.postgres_only


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_demoting_each_other_at_once_leave_one_coordinator(project, coordinator, member):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so there is no race to test")
    Membership.objects.filter(person=member).update(role=Membership.Role.COORDINATOR)
    memberships = list(Membership.objects.filter(project=project, role=Membership.Role.COORDINATOR))
    assert len(memberships) == 2
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def step_down(membership: Membership, acting) -> None:
        try:
            barrier.wait()
            do_change_member_role(membership, role=Membership.Role.MEMBER, acting_user=acting)
            outcomes.append("changed")
        except PartnershipError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=step_down, args=(memberships[0], memberships[1].person)),
        threading.Thread(target=step_down, args=(memberships[1], memberships[0].person)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed", "refused"]
    assert Membership.objects.filter(project=project, role=Membership.Role.COORDINATOR).count() == 1
