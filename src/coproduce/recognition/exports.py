"""A payment run as finance needs it: CSV and XLSX, grouped by how each line is paid.

One line per payment: the person's own line (their fee, unless donated, plus their expenses) by the
method they chose, and a separate line for a fee they chose to donate, paid to the cause. Amounts are
in pounds with two decimals, worked out from integer pence. Bank details are never held here:
finance matches the person reference (or e-mail) to its own payee records.

Any text a person typed (names, causes, titles) that a spreadsheet could read as a formula is
neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Claim, Offer, PaymentRun
from .money import plain_pounds

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DONATION = "donation"


def neutralise(value):
    """Text a spreadsheet would run as a formula, made inert; everything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Line:
    group: str
    claim: Claim
    payee: str
    amount_pence: int


def group_label(group: str) -> str:
    if group == DONATION:
        return _("Donation to a cause")
    return str(Offer.Method(group).label) if group in Offer.Method.values else _("Not stated")


def headers() -> list[str]:
    return [
        _("Payment method"),
        _("Claim reference"),
        _("Person reference"),
        _("Name"),
        _("E-mail"),
        _("Postal address"),
        _("Pay to"),
        _("Project"),
        _("Activity"),
        _("Activity date"),
        _("Fee"),
        _("Expenses"),
        _("Amount to pay"),
        _("Approved on"),
        _("Payment run"),
    ]


def lines(claims: Iterable[Claim]) -> Iterator[Line]:
    """Payment lines of the claims (which come ordered by method then name), donations last."""
    donations = []
    for claim in claims:
        if claim.total_pence:
            yield Line(claim.offer.method, claim, claim.person.badge_name, claim.total_pence)
        if claim.donated_pence:
            donations.append(Line(DONATION, claim, claim.offer.donation_cause, claim.donated_pence))
    yield from donations


def _row(line: Line, run: PaymentRun) -> list:
    claim, offer = line.claim, line.claim.offer
    donation = line.group == DONATION
    return [
        group_label(line.group),
        f"C-{claim.pk:06d}",
        f"P-{claim.person_id:06d}",
        neutralise(claim.person.badge_name),
        neutralise(claim.person.email),
        neutralise(" ".join(claim.person.postal_address.split())),
        neutralise(line.payee),
        neutralise(claim.project.title),
        neutralise(offer.title),
        offer.activity_date.isoformat(),
        plain_pounds(claim.donated_pence if donation else claim.fee_pence),
        plain_pounds(0 if donation else claim.expenses_pence),
        plain_pounds(line.amount_pence),
        claim.approved_at.date().isoformat() if claim.approved_at else "",
        f"R-{run.pk:05d}",
    ]


def run_csv(run: PaymentRun, claims: Iterable[Claim]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for line in lines(claims):
        writer.writerow(_row(line, run))
    return buffer.getvalue()


def run_xlsx(run: PaymentRun, claims: Iterable[Claim]) -> bytes:
    """A workbook with a summary sheet and one sheet per payment method."""
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    sheets: dict[str, object] = {}
    totals: dict[str, list[int]] = {}
    for line in lines(claims):
        sheet = sheets.get(line.group)
        if sheet is None:
            sheet = sheets[line.group] = workbook.create_sheet(group_label(line.group)[:31])
            sheet.append(headers())
        row = _row(line, run)
        # Amounts as exact decimal numbers in the workbook (never floats), so finance can add them up.
        row[10:13] = [_decimal(p) for p in _pence(line)]
        sheet.append(row)
        total = totals.setdefault(line.group, [0, 0])
        total[0] += 1
        total[1] += line.amount_pence
    summary.append([_("Payment run"), f"R-{run.pk:05d}"])
    summary.append([_("Created"), run.created_at.date().isoformat()])
    summary.append([])
    summary.append([_("Payment method"), _("Lines"), _("Amount to pay")])
    for group, (count, pence) in totals.items():
        summary.append([group_label(group), count, _decimal(pence)])
    summary.append(
        [_("Total"), sum(c for c, _p in totals.values()), _decimal(sum(p for _c, p in totals.values()))]
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _pence(line: Line) -> tuple[int, int, int]:
    claim = line.claim
    if line.group == DONATION:
        return claim.donated_pence, 0, line.amount_pence
    return claim.fee_pence, claim.expenses_pence, line.amount_pence


def _decimal(pence: int) -> Decimal:
    return Decimal(pence) / 100
