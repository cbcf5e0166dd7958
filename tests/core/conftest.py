"""The events fixtures, for tests of core mechanisms that use an event as their example."""

from tests.events.conftest import make_event  # noqa: F401
