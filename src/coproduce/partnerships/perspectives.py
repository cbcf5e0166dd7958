"""Counts of a project's members by self-declared perspective, for its coordinators.

Perspectives belong to the people app (private, self-declared, optional). This module only asks it for
counts, and copes with that feature not being installed yet: then there is nothing to show.
"""

from __future__ import annotations

from importlib import import_module

from .models import Project

# Where the people app may offer ``perspective_counts(project)``; the first one found is used.
_PROVIDERS = ("coproduce.people.perspectives", "coproduce.people.access", "coproduce.people.selectors")


def _provider():
    for module_name in _PROVIDERS:
        try:
            module = import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, "perspective_counts", None)
        if callable(function):
            return function
    return None


def project_perspective_counts(project: Project) -> list[tuple[str, int]] | None:
    """``[(perspective label, number of members), ...]``, or None when perspectives are not available.

    Only counts ever leave the people app: never who declared what. Call only for someone allowed to
    see them (``permissions.can_see_member_perspectives``).
    """
    function = _provider()
    if function is None:
        return None
    counts = function(project)
    items = counts.items() if hasattr(counts, "items") else counts
    return [(str(label), int(number)) for label, number in items]
