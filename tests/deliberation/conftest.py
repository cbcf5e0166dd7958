import pytest
from django.core.cache import cache

from coproduce.partnerships.models import Membership
from tests.live.factories import make_event, make_session


@pytest.fixture(autouse=True)
def _clear_cache():
    from coproduce.deliberation import selection
    from coproduce.live import consumers

    def clear():  # ids are reused after a test's rollback: nothing cached may outlive a test
        cache.clear()
        selection._priorities.clear()
        consumers._started_phases.clear()

    clear()
    yield
    clear()


@pytest.fixture
def event(project):
    return make_event(project)


@pytest.fixture
def live_session(event, facilitator):
    return make_session(event, facilitator)


@pytest.fixture
def steering(project):
    from tests.conftest import make_person

    person = make_person("steering@example.org", "Ash")
    Membership.objects.create(project=project, person=person, role=Membership.Role.STEERING)
    return person
