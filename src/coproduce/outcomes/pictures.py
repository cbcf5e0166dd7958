"""Our own simple pictures for Easy Read answers (drawn here, never downloaded).

Each is a small inline SVG beside its words. The words carry the meaning: the picture is hidden from
screen readers (``aria-hidden``) so a read-aloud tool says each answer once.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from .library import EASY_RATING_LABELS

INK = "#0b0c0c"
SIZE = 64


def _svg(body: str) -> SafeString:
    return mark_safe(
        f'<svg class="picture" aria-hidden="true" focusable="false" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 64 64" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _face(mouth: str) -> SafeString:
    return _svg(
        f'<circle cx="32" cy="32" r="29" fill="#ffdd00" stroke="{INK}" stroke-width="3"/>'
        f'<circle cx="22" cy="25" r="4" fill="{INK}"/><circle cx="42" cy="25" r="4" fill="{INK}"/>'
        f'<path d="{mouth}" fill="none" stroke="{INK}" stroke-width="4" stroke-linecap="round"/>'
    )


PICTURES: dict[str, SafeString] = {
    "rating-1": _face("M18 48 Q32 34 46 48"),
    "rating-2": _face("M20 46 Q32 39 44 46"),
    "rating-3": _face("M20 44 L44 44"),
    "rating-4": _face("M20 41 Q32 49 44 41"),
    "rating-5": _face("M17 38 Q32 56 47 38"),
    "yes": _svg(
        f'<circle cx="32" cy="32" r="29" fill="#e6f4ea" stroke="{INK}" stroke-width="3"/>'
        f'<path d="M18 33 L28 43 L47 22" fill="none" stroke="{INK}" stroke-width="6" stroke-linecap="round"/>'
    ),
    "no": _svg(
        f'<circle cx="32" cy="32" r="29" fill="#fdecea" stroke="{INK}" stroke-width="3"/>'
        f'<path d="M21 21 L43 43 M43 21 L21 43" stroke="{INK}" stroke-width="6" stroke-linecap="round"/>'
    ),
    "maybe": _svg(
        f'<circle cx="32" cy="32" r="29" fill="#eef2f7" stroke="{INK}" stroke-width="3"/>'
        f'<path d="M24 24 Q24 15 32 15 Q40 15 40 23 Q40 29 32 32 L32 38" fill="none" stroke="{INK}" '
        f'stroke-width="5" stroke-linecap="round"/><circle cx="32" cy="47" r="3.5" fill="{INK}"/>'
    ),
    "partly": _svg(
        f'<circle cx="32" cy="32" r="29" fill="#ffffff" stroke="{INK}" stroke-width="3"/>'
        f'<path d="M32 3 A29 29 0 0 1 32 61 Z" fill="{INK}"/>'
    ),
    "none": _svg(
        f'<circle cx="32" cy="32" r="29" fill="#ffffff" stroke="{INK}" stroke-width="3"/>'
        f'<path d="M18 32 L46 32" stroke="{INK}" stroke-width="6" stroke-linecap="round"/>'
    ),
    "write": _svg(
        f'<path d="M12 52 L16 38 L42 12 L52 22 L26 48 Z" fill="#ffdd00" stroke="{INK}" stroke-width="3" '
        f'stroke-linejoin="round"/><path d="M12 52 L22 50" stroke="{INK}" stroke-width="3"/>'
    ),
    "choice": _svg(f'<circle cx="32" cy="32" r="20" fill="#1d5c8a" stroke="{INK}" stroke-width="3"/>'),
}

# Answers whose words suggest a picture (ready-made choices are in plain English, lower-cased here).
BY_WORDS = {"yes": "yes", "no": "no", "maybe": "maybe", "partly": "partly", "i had none": "none"}


def picture_for_choice(text: str) -> SafeString:
    return PICTURES[BY_WORDS.get(text.strip().lower(), "choice")]


def easy_read_options(question, current: str) -> list[dict]:
    """The answers to show for a rating or choice question in Easy Read, each with its picture."""
    from_rating = question.kind == "rating"
    if from_rating:
        pairs = [(str(n), str(label), PICTURES[f"rating-{n}"]) for n, label in EASY_RATING_LABELS.items()]
    else:
        pairs = [(choice, choice, picture_for_choice(choice)) for choice in question.choices]
    return [
        {"value": value, "label": label, "picture": picture, "checked": value == current, "id": f"answer-{i}"}
        for i, (value, label, picture) in enumerate(pairs)
    ]
