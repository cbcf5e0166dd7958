"""Server-rendered SVG bar charts: no JavaScript, readable without colour (each bar carries its number
as text), and always shown beside a data table that screen readers use instead (the SVG is an image
with a short title)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 28
LABEL_WIDTH = 170
BAR_WIDTH = 260
NUMBER_WIDTH = 110


def _number(value) -> int | None:
    """A plain count, or a suppression.Count: hidden counts get no bar, only their words."""
    return getattr(value, "value", value)


def bar_chart_svg(rows: list[tuple[str, object]], *, title: str, chart_id: str) -> SafeString:
    """A horizontal bar chart of ``(label, count)`` rows, as inline SVG with a title for assistive tech.

    A count may be a ``suppression.Count``: a hidden one is drawn as its words ("fewer than 5"), no bar.
    """
    most = max((_number(n) or 0 for _label, n in rows), default=0) or 1
    height = ROW_HEIGHT * max(len(rows), 1) + 8
    width = LABEL_WIDTH + BAR_WIDTH + NUMBER_WIDTH
    parts = [
        f'<svg class="bar-chart" role="img" aria-labelledby="{escape(chart_id)}-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for i, (label, count) in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        number = _number(count)
        bar = round(BAR_WIDTH * number / most) if number is not None else 0
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 18}" text-anchor="end" font-size="14" fill="#0b0c0c">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW_HEIGHT - 8}" fill="#1d5c8a"/>'
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 18}" font-size="14" fill="#0b0c0c">'
            f"{escape(count.short if number is None else number)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
