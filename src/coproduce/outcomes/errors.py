"""The one error outcomes' actions raise for a change that cannot be made."""

from coproduce.core.errors import ActionError


class OutcomesError(ActionError):
    """A change to actions, feedback or the decision log that cannot be made (see ActionError)."""
