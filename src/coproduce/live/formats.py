"""Ready-made agendas for common workshop formats. A facilitator picks one and then adjusts it."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Phase

A = Phase.Activity

GROUND_RULES = (
    "Welcome. Everyone here takes part as an equal and every voice counts the same. "
    "We use first names or the badge name you chose, nothing else. "
    "Speak from your own experience; you never have to share anything you would rather keep to yourself. "
    "Votes are private: nobody, including the facilitators, sees how you voted. "
    "Take a break whenever you need one."
)


@dataclass(frozen=True)
class PhaseSpec:
    title: str
    purpose: str
    duration_minutes: int
    activity: str
    additions_per_piece: int = 3


@dataclass(frozen=True)
class SessionFormat:
    key: str
    name: str
    description: str
    phases: tuple[PhaseSpec, ...]

    @property
    def total_minutes(self) -> int:
        return sum(p.duration_minutes for p in self.phases)


FORMATS: tuple[SessionFormat, ...] = (
    SessionFormat(
        "workshop_hour",
        "Co-production workshop (1 hour)",
        "Preparing the ground, exploring together with statements and votes, then tracking themes and "
        "take-home messages.",
        (
            PhaseSpec("Preparing the ground", GROUND_RULES, 10, A.INFORMATION),
            PhaseSpec(
                "Exploring together",
                "Write short statements about what matters to you, and vote on other people's statements: "
                "agree, disagree or pass. You can write as many as you like and change a vote at any time.",
                30,
                A.STATEMENTS,
            ),
            PhaseSpec(
                "Tracking themes and take-home messages",
                "Look at what we found together, then leave one message you will take home from today.",
                20,
                A.TAKE_HOME,
            ),
        ),
    ),
    SessionFormat(
        "common_ground",
        "Finding common ground (45 minutes)",
        "Statements and votes, then the whole room reviews the live map of groups and common ground.",
        (
            PhaseSpec("Welcome and ground rules", GROUND_RULES, 5, A.INFORMATION),
            PhaseSpec(
                "Statements and voting",
                "Write short statements and vote on each other's: agree, disagree or pass.",
                25,
                A.STATEMENTS,
            ),
            PhaseSpec(
                "Reviewing common ground",
                "Together, look at where we agree, where groups differ, and which ideas bridge the groups.",
                15,
                A.COMMON_GROUND,
            ),
        ),
    ),
    SessionFormat(
        "pass_it_on",
        "Creative co-creation (40 minutes)",
        "Everyone starts a short piece, which is passed round so that others each add to it; nobody owns "
        "the result.",
        (
            PhaseSpec("Welcome and ground rules", GROUND_RULES, 5, A.INFORMATION),
            PhaseSpec(
                "Pass it on",
                "Start a piece with one idea or sentence. Then add one line to each piece you are passed. "
                "Every piece belongs to all of us.",
                25,
                A.PASS_IT_ON,
                3,
            ),
            PhaseSpec(
                "Take-home messages", "Leave one message you will take home from today.", 10, A.TAKE_HOME
            ),
        ),
    ),
    SessionFormat(
        "full_day",
        "Full workshop (1 hour 40 minutes)",
        "Every activity: ground rules, statements and votes, common ground, pass it on, take-home messages.",
        (
            PhaseSpec("Preparing the ground", GROUND_RULES, 10, A.INFORMATION),
            PhaseSpec(
                "Exploring together",
                "Write short statements and vote on each other's: agree, disagree or pass.",
                30,
                A.STATEMENTS,
            ),
            PhaseSpec(
                "Tracking themes",
                "Look at the live map together: where do we agree, and what bridges our differences?",
                20,
                A.COMMON_GROUND,
            ),
            PhaseSpec(
                "Pass it on",
                "Start a piece about what good support looks like, then add to the pieces passed to you.",
                25,
                A.PASS_IT_ON,
                3,
            ),
            PhaseSpec(
                "Take-home messages", "Leave one message you will take home from today.", 15, A.TAKE_HOME
            ),
        ),
    ),
)

FROM_AGENDA = "from_agenda"


def format_by_key(key: str) -> SessionFormat | None:
    return next((f for f in FORMATS if f.key == key), None)


def format_choices(has_agenda: bool) -> list[tuple[str, str]]:
    choices = [
        (f.key, f"{f.name}: {' / '.join(f'{p.title} {p.duration_minutes} min' for p in f.phases)}")
        for f in FORMATS
    ]
    if has_agenda:
        choices.append(
            (FROM_AGENDA, "Use this event's agenda (each item becomes a phase you can then adjust)")
        )
    return choices
