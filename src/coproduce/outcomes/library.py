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


# Easy Read: short words, one idea each.
EASY_RATING_LABELS = {
    1: _("Very bad"),
    2: _("Bad"),
    3: _("OK"),
    4: _("Good"),
    5: _("Very good"),
}


@dataclass(frozen=True)
class ReadyQuestion:
    key: str
    kind: str
    text: str
    choices: tuple = ()
    easy_text: str = ""


LIBRARY: tuple[ReadyQuestion, ...] = (
    ReadyQuestion("overall", "rating", _("How was it overall?"), easy_text=_("How was it for you?")),
    ReadyQuestion(
        "listened_to", "rating", _("How well were you listened to?"), easy_text=_("Did people listen to you?")
    ),
    ReadyQuestion(
        "access_met",
        "choice",
        _("Were your access needs met?"),
        (_("Yes"), _("Partly"), _("No"), _("I had none")),
        easy_text=_("Did you get the help you need to take part?"),
    ),
    ReadyQuestion(
        "come_again",
        "choice",
        _("Would you come again?"),
        (_("Yes"), _("Maybe"), _("No")),
        _("Will you come again?"),
    ),
    ReadyQuestion(
        "best_aspects", "text", _("What were the best things about it?"), easy_text=_("What was good?")
    ),
    ReadyQuestion(
        "what_changed", "text", _("What changed for you?"), easy_text=_("Has anything changed for you?")
    ),
    ReadyQuestion(
        "could_be_better", "text", _("What could be better?"), easy_text=_("What could be better?")
    ),
)
BY_KEY = {q.key: q for q in LIBRARY}
DEFAULT_KEYS = ("overall", "best_aspects", "what_changed", "could_be_better")


def easy_text(key: str, text: str) -> str:
    """The Easy Read wording of a ready-made question; a coordinator's own question as they wrote it."""
    ready = BY_KEY.get(key)
    return str(ready.easy_text) if ready and ready.easy_text else text
