"""Ready-made feedback questions a coordinator can pick, in plain English."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

RATING_LABELS = {
    1: _("1 – Very poor"),
    2: _("2 – Poor"),
    3: _("3 – OK"),
    4: _("4 – Good"),
    5: _("5 – Very good"),
}


@dataclass(frozen=True)
class ReadyQuestion:
    key: str
    kind: str
    text: str
    choices: tuple = ()


LIBRARY: tuple[ReadyQuestion, ...] = (
    ReadyQuestion("overall", "rating", _("How was it overall?")),
    ReadyQuestion("listened_to", "rating", _("How well were you listened to?")),
    ReadyQuestion(
        "access_met",
        "choice",
        _("Were your access needs met?"),
        (_("Yes"), _("Partly"), _("No"), _("I had none")),
    ),
    ReadyQuestion("come_again", "choice", _("Would you come again?"), (_("Yes"), _("Maybe"), _("No"))),
    ReadyQuestion("best_aspects", "text", _("What were the best things about it?")),
    ReadyQuestion("what_changed", "text", _("What changed for you?")),
    ReadyQuestion("could_be_better", "text", _("What could be better?")),
)
BY_KEY = {q.key: q for q in LIBRARY}
DEFAULT_KEYS = ("overall", "best_aspects", "what_changed", "could_be_better")
