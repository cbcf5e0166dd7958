"""Who may see what of a person's own data: the one policy for the people app.

The people app knows nothing of projects, so its rules are about a person and themselves. Apps
further along widen them for their own roles: ``partnerships.permissions.can_view_perspectives``
adds the coordinators of a project the person is in.
"""

from __future__ import annotations


def can_view_own_perspectives(user, person) -> bool:
    """A person always sees the perspectives they declared (signed in and active)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.pk == person.pk
