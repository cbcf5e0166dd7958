"""The home page section "What happened to what you said" (registered from OutcomesConfig.ready)."""

from __future__ import annotations

from . import access, permissions

SHOWN_ON_HOME = 3


def what_happened_context(user) -> dict | None:
    """The latest actions that came from this person's words, or None (no section) if there are none."""
    if not permissions.can_view_own_outcomes(user):
        return None
    actions = list(access.my_actions(user)[: SHOWN_ON_HOME + 1])
    if not actions:
        return None
    return {
        "actions": actions[:SHOWN_ON_HOME],
        "more": len(actions) > SHOWN_ON_HOME,
        "unseen": access.unseen_notice_count(user),
    }


def feedback_to_give_context(user) -> dict | None:
    """Open feedback forms this person was invited to and has not answered, or None."""
    if not permissions.can_view_own_outcomes(user):
        return None
    invitations = list(access.feedback_to_give(user))
    return {"invitations": invitations} if invitations else None
