"""Small numbers are never shown: a count of people under the threshold reads "fewer than 5", and no
hidden count can be worked out by subtracting the shown ones from a shown total.

A *group* is a breakdown of one total into parts that add up to it (e.g. the people who took part, by
perspective). Counts under the threshold are hidden ("fewer than 5": primary suppression). If the
total is shown, a reader knows the hidden parts' sum, so more parts are hidden, smallest first
("5 or more, hidden so that small numbers cannot be worked out": secondary suppression), until every
hidden part could have at least two values given everything shown. If even hiding every part does not
achieve that, the total is hidden too. A total under the threshold hides the whole group.

The reasoning is exact, not a rule of thumb: a hidden primary part lies in [0, threshold-1], a hidden
secondary one in [threshold, ∞), and the hidden parts add up to the total minus the shown parts. For
each hidden part, :func:`possible_values` intersects its own range with what the others' sum allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class Count:
    """A count as shown: ``value`` when shown, else None with how it is hidden."""

    value: int | None
    hidden: str = ""  # "", "small" (under the threshold) or "secondary"
    threshold: int = DEFAULT_THRESHOLD

    @property
    def is_shown(self) -> bool:
        return self.value is not None

    @property
    def short(self) -> str:
        """For a chart's label: "fewer than 5", or "hidden"."""
        if self.hidden == "secondary":
            return _("hidden")
        return str(self)

    def __str__(self) -> str:
        if self.hidden == "small":
            return _("fewer than %(n)s") % {"n": self.threshold}
        if self.hidden == "secondary":
            return _("%(n)s or more (hidden so that small numbers cannot be worked out)") % {
                "n": self.threshold
            }
        return str(self.value)


def single(value: int, *, threshold: int = DEFAULT_THRESHOLD) -> Count:
    """One count on its own (no total to subtract it from)."""
    if value < threshold:
        return Count(None, "small", threshold)
    return Count(value, "", threshold)


def _range(kind: str, threshold: int) -> tuple[int, float]:
    return (0, threshold - 1) if kind == "small" else (threshold, float("inf"))


def possible_values(hidden: dict[str, str], hidden_sum: int | None, threshold: int) -> dict[str, int | float]:
    """How many values each hidden part could have, given the kinds of the hidden parts and their sum
    (None when the total is hidden: then each part's own range is all a reader knows)."""
    out: dict[str, int | float] = {}
    for key, kind in hidden.items():
        low, high = _range(kind, threshold)
        if hidden_sum is not None:
            others = [_range(k, threshold) for other, k in hidden.items() if other != key]
            others_low = sum(lo for lo, _hi in others)
            others_high = sum(hi for _lo, hi in others)
            low, high = max(low, hidden_sum - others_high), min(high, hidden_sum - others_low)
        out[key] = max(0, high - low + 1)
    return out


def suppress_group(
    parts: dict[str, int], total: int, *, threshold: int = DEFAULT_THRESHOLD
) -> tuple[dict[str, Count], Count]:
    """Show ``parts`` (which add up to ``total``) and ``total`` with small numbers protected."""
    if sum(parts.values()) != total:
        raise ValueError("The parts of a group must add up to its total.")
    if total < threshold:
        return {key: Count(None, "small", threshold) for key in parts}, Count(None, "small", threshold)
    hidden = {key: "small" for key, n in parts.items() if n < threshold}
    total_shown = True

    def safe() -> bool:
        if not hidden:
            return True
        hidden_sum = sum(parts[k] for k in hidden) if total_shown else None
        return all(n >= 2 for n in possible_values(hidden, hidden_sum, threshold).values())

    while not safe():
        shown = sorted((n, key) for key, n in parts.items() if key not in hidden)
        if shown:
            hidden[shown[0][1]] = "secondary"
        else:
            total_shown = False
    counts = {
        key: Count(None, hidden[key], threshold) if key in hidden else Count(n, "", threshold)
        for key, n in parts.items()
    }
    total_count = Count(total, "", threshold) if total_shown else Count(None, "secondary", threshold)
    return counts, total_count
