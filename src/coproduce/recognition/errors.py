"""The error recognition actions raise for a change that cannot be made; its message is for people."""

from __future__ import annotations

from coproduce.core.errors import ActionError


class RecognitionError(ActionError):
    """A payment change that cannot be made. Show it with ``core.errors.add_action_error``."""
