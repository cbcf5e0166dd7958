"""Background work of the events app, run by the worker (``core.worker``) and by its own command."""

from __future__ import annotations

from .actions import ReleasedHolds, do_release_expired_holds


def release_expired_holds() -> ReleasedHolds:
    """Release visitors' sign-ups not confirmed in time; their places go to the people waiting."""
    return do_release_expired_holds(acting_user=None)
