"""The ladder of co-production, explained in plain English.

Think Local Act Personal's ladder has seven rungs, from doing *to* people at the bottom to doing
*with* them at the top. A project records the rung it aims for so that everyone can be honest about
how much power is really being shared. The explanations are our own words.

The rungs are defined here and the ``Project`` model uses them (``Project.LadderRung``), so this
module never needs the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class LadderRung(models.TextChoices):
    """Think Local Act Personal's ladder of co-production, lowest rung first."""

    COERCION = "coercion", "Coercion"
    EDUCATING = "educating", "Educating"
    INFORMING = "informing", "Informing"
    CONSULTATION = "consultation", "Consultation"
    ENGAGEMENT = "engagement", "Engagement"
    CO_DESIGN = "co_design", "Co-design"
    CO_PRODUCTION = "co_production", "Co-production"


Rung = LadderRung


@dataclass(frozen=True)
class LadderStep:
    rung: str
    label: str
    explanation: str


_EXPLANATIONS = {
    Rung.COERCION: (
        "People are made to go along with something. They have no say in it and no real choice about "
        "taking part."
    ),
    Rung.EDUCATING: (
        "People are helped to understand a service or a decision, so that they will accept it. The "
        "decision has already been made."
    ),
    Rung.INFORMING: ("People are told what is happening and why. They are not asked what they think."),
    Rung.CONSULTATION: (
        "People are asked what they think, but others decide, and people may never hear what happened "
        "to their views."
    ),
    Rung.ENGAGEMENT: (
        "People have more chances to speak and are listened to more closely, but the organisation still "
        "holds the power and makes the decisions."
    ),
    Rung.CO_DESIGN: (
        "People who use services help design the change from early on, and their ideas shape it. The "
        "final decisions may still rest with the organisation."
    ),
    Rung.CO_PRODUCTION: (
        "People who use services, carers and staff share power as equals at every stage: deciding what "
        "to do, doing it, and checking together that it worked."
    ),
}

LADDER: list[LadderStep] = [
    LadderStep(rung=value, label=label, explanation=_EXPLANATIONS[value]) for value, label in Rung.choices
]
"""Every rung, lowest first."""


def explain_rung(rung: str) -> str:
    """The plain-English explanation of one rung ("" for an unknown value)."""
    return _EXPLANATIONS.get(rung, "")
