"""Money is integer pence end to end. This is the one place pence become "£12.50" and back.

No floats anywhere: amounts typed by people are parsed with ``Decimal`` and refused if they have more
than two decimal places.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def format_pence(pence: int | None) -> str:
    """``1250`` → ``"£12.50"``; ``123456`` → ``"£1,234.56"``; ``-50`` → ``"−£0.50"``; None → ``""``."""
    if pence is None:
        return ""
    pence = int(pence)
    sign = "−" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


def plain_pounds(pence: int) -> str:
    """``1250`` → ``"12.50"``: for exports and form fields (no symbol, no thousands separator)."""
    pounds, pennies = divmod(abs(int(pence)), 100)
    return f"{'-' if pence < 0 else ''}{pounds}.{pennies:02d}"


def parse_pounds(text: str | Decimal) -> int:
    """``"12.50"``, ``"£12.5"`` or ``"12"`` → pence. Raises ValueError for anything else (or below 0)."""
    cleaned = str(text).strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError(text)
    return int(value * 100)
