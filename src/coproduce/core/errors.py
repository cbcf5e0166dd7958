"""The one error every action raises for a change that cannot be made, and the helper that shows it.

An app may subclass :class:`ActionError` to name its own failures (``EventActionError``, ...), so a
caller can catch one app's errors, but the message-and-field contract lives here only.
"""

from __future__ import annotations


class ActionError(Exception):
    """A change that cannot be made, with ``message`` to show the person.

    ``field`` names the form field the message belongs to, or is None for a message about the whole
    form. ``str(error)`` is the message.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def add_action_error(form, error: ActionError, *, default_field: str | None = None) -> None:
    """Put ``error`` on ``form``: next to its field when the form has that field, else on the form.

    ``default_field`` is where a message without a known field goes (None: at the top of the form).
    """
    fields = getattr(form, "fields", {})
    field = error.field if error.field in fields else default_field
    form.add_error(field, error.message)
