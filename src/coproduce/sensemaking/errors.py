"""The error sense-making actions raise for a request that cannot be done; its message is for people."""

from __future__ import annotations

from coproduce.core.errors import ActionError


class SensemakingError(ActionError):
    """A sense-making change that cannot be made. ``str(error)`` is a plain-English message to show next
    to the form (``field``) or at the top of the page; show it with ``core.errors.add_action_error``."""
