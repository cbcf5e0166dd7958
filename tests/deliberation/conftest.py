# The live session fixtures serve the deliberation tests too: one definition, in tests/live/conftest.py.
from tests.live.conftest import _clear_cache, event, live_session, steering  # noqa: F401
