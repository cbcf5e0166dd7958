"""The one error sense-making actions raise for a request that cannot be done; its message is for people."""


class SensemakingError(ValueError):
    """``str(error)`` is a plain-English message to show next to the form or at the top of the page.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
