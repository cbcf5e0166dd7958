"""A person's yearly statement (PDF) of what they were paid and for what, for benefits and tax.

UK tax years run from 6 April to 5 April. Fees (payments for time) and expenses (repaying costs) are
shown apart, because benefits and tax treat them differently; fees donated to a cause at the person's
request are listed apart again, as they were not paid to them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from .models import Claim
from .money import format_pence


def _day(day: date) -> str:
    return date_format(day, "j M Y")


def statement_pdf(person, tax_year: int, claims: Iterable[Claim]) -> bytes:
    """The statement for the tax year starting 6 April ``tax_year``, from the person's paid claims."""
    claims = list(claims)
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontSize, body.leading = 11, 15
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Statement of payments %(start)s to %(end)s") % {"start": tax_year, "end": tax_year + 1},
        author="Coproduce",
        lang="en-GB",
    )
    start, end = date(tax_year, 4, 6), date(tax_year + 1, 4, 5)
    story = [
        Paragraph(escape(_("Statement of payments for your time")), styles["Title"]),
        Paragraph(
            escape(
                _("For %(name)s (%(email)s), tax year %(start)s to %(end)s.")
                % {"name": person.badge_name, "email": person.email, "start": _day(start), "end": _day(end)}
            ),
            body,
        ),
        Paragraph(
            escape(
                _("Made on %(date)s. It lists what was paid to you in this tax year.")
                % {"date": _day(timezone.localdate())}
            ),
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    rows = [[_("Paid on"), _("What for"), _("Paid by"), _("Fee"), _("Expenses"), _("Total")]]
    fees = expenses = donated = 0
    for claim in claims:
        rows.append(
            [
                _day(claim.paid_on),
                Paragraph(escape(f"{claim.offer.title} ({_day(claim.offer.activity_date)})"), body),
                Paragraph(escape(claim.organisation.name), body),
                format_pence(claim.fee_pence),
                format_pence(claim.expenses_pence),
                format_pence(claim.total_pence),
            ]
        )
        fees += claim.fee_pence
        expenses += claim.expenses_pence
        donated += claim.donated_pence
    rows.append(
        [_("Total"), "", "", format_pence(fees), format_pence(expenses), format_pence(fees + expenses)]
    )
    if len(rows) == 2:
        story.append(Paragraph(escape(_("Nothing was paid to you in this tax year.")), body))
    else:
        table = Table(rows, colWidths=[24 * mm, 60 * mm, 36 * mm, 18 * mm, 18 * mm, 18 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                    ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
                    ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    story.append(Spacer(1, 6 * mm))
    notes = [
        _("Fees are payments for your time. Expenses repay costs you had, such as travel or care."),
        _(
            "If you get benefits, you may need to tell the office that pays them about fees. "
            "Universal Credit asks you to report earnings; Permitted Work has a weekly limit (form PW1)."
        ),
    ]
    if donated:
        notes.append(
            _("At your request, %(amount)s of fees was donated to causes you named, and not paid to you.")
            % {"amount": format_pence(donated)}
        )
    story.append(KeepTogether([Paragraph(escape(note), body) for note in notes]))
    document.build(story)
    return buffer.getvalue()
