"""A payment run as finance needs it: CSV and XLSX, grouped by how each line is paid.

One line per payment: the person's own line (their fee, unless donated, plus their expenses) by the
method they chose, and a separate line for a fee they chose to donate, paid to the cause. Amounts are
in pounds with two decimals, worked out from integer pence. Bank details are never held here:
finance matches the person reference (or e-mail) to its own payee records.

Both files are written by ``coproduce.core.spreadsheets``, the one writer every export uses: any text a
person typed (names, causes, titles) that a spreadsheet could read as a formula gets a leading
apostrophe.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from coproduce.core.spreadsheets import SafeCsvWriter, workbook_bytes

from .models import Offer, PaymentRun
from .money import plain_pounds

DONATION = "donation"


EXPORT_FIELDS = (
    "pk",
    "person_id",
    "person__badge_name",
    "person__email",
    "person__postal_address",
    "project__title",
    "offer__title",
    "offer__activity_date",
    "offer__method",
    "offer__donation_cause",
    "fee_pence",
    "expenses_pence",
    "total_pence",
    "donated_pence",
    "approved_at",
)


@dataclass(frozen=True)
class Line:
    """One payment: to the person by their method, or a donated fee to its cause."""

    group: str
    claim: dict
    payee: str
    fee_pence: int
    expenses_pence: int
    amount_pence: int


def group_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in Offer.Method.choices}
    labels[DONATION] = _("Donation to a cause")
    labels[""] = _("Not stated")
    return labels


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


def lines(claims: Iterable[dict]) -> Iterator[Line]:
    """Payment lines of the claims (which come ordered by method then name), donations last."""
    donations = []
    for claim in claims:
        if claim["total_pence"]:
            yield Line(
                claim["offer__method"],
                claim,
                claim["person__badge_name"],
                claim["fee_pence"],
                claim["expenses_pence"],
                claim["total_pence"],
            )
        if claim["donated_pence"]:
            donated = claim["donated_pence"]
            donations.append(Line(DONATION, claim, claim["offer__donation_cause"], donated, 0, donated))
    yield from donations


def _text_columns(line: Line, labels: dict[str, str], run_reference: str) -> list:
    claim = line.claim
    approved = claim["approved_at"]
    return [
        labels.get(line.group, line.group),
        f"C-{claim['pk']:06d}",
        f"P-{claim['person_id']:06d}",
        claim["person__badge_name"],
        claim["person__email"],
        " ".join(claim["person__postal_address"].split()),
        line.payee,
        claim["project__title"],
        claim["offer__title"],
        claim["offer__activity_date"].isoformat(),
        None,
        None,
        None,
        approved.date().isoformat() if approved else "",
        run_reference,
    ]


def run_csv(run: PaymentRun, claims: Iterable[dict]) -> str:
    """The run as CSV: one row per payment line, amounts in pounds with two decimals."""
    labels, reference = group_labels(), f"R-{run.pk:05d}"
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(headers())
    for line in lines(claims):
        row = _text_columns(line, labels, reference)
        row[10:13] = (
            plain_pounds(line.fee_pence),
            plain_pounds(line.expenses_pence),
            plain_pounds(line.amount_pence),
        )
        writer.writerow(row)
    return buffer.getvalue()


def run_xlsx(run: PaymentRun, claims: Iterable[dict]) -> bytes:
    """A workbook with a summary sheet and one sheet per payment method; amounts as exact numbers."""
    labels, reference, header = group_labels(), f"R-{run.pk:05d}", headers()
    groups: dict[str, list[list]] = {}
    for line in lines(claims):
        row = _text_columns(line, labels, reference)
        row[10:13] = _decimal(line.fee_pence), _decimal(line.expenses_pence), _decimal(line.amount_pence)
        if line.group not in groups:
            groups[line.group] = [header]
        groups[line.group].append(row)
    summary = [
        [_("Payment run"), reference],
        [_("Created"), run.created_at.date().isoformat()],
        [],
        [_("Payment method"), _("Lines"), _("Amount to pay")],
    ]
    total_lines = total_pence = 0
    for group, rows in groups.items():
        pence = sum(int(row[12] * 100) for row in rows[1:])
        summary.append([labels.get(group, group), len(rows) - 1, _decimal(pence)])
        total_lines += len(rows) - 1
        total_pence += pence
    summary.append([_("Total"), total_lines, _decimal(total_pence)])
    sheets = [(_("Summary"), summary)] + [(labels.get(g, g), rows) for g, rows in groups.items()]
    return workbook_bytes(sheets)


def _decimal(pence: int) -> Decimal:
    return Decimal(pence) / 100
