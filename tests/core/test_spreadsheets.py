"""The one spreadsheet writer: text that a spreadsheet program would run as a formula stays text."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from coproduce.core.spreadsheets import csv_bytes, csv_text, neutralise_cell, workbook_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("-12.50", "-12.50"),  # a plain number stays a number
        ("+3e5", "+3e5"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Everyone should know who to call.", "Everyone should know who to call."),
        ("a = b", "a = b"),
        ("", ""),
        (-3, -3),
        (0.25, 0.25),
        (None, None),
    ],
)
def test_a_cell_that_would_be_a_formula_gets_a_leading_quote(value, written):
    assert neutralise_cell(value) == written


def test_csv_and_excel_files_neutralise_every_cell():
    header, rows = ["text", "votes"], [["=1+1", 3], ["@cmd", -1]]
    assert list(csv.reader(io.StringIO(csv_text(header, rows)))) == [
        ["text", "votes"],
        ["'=1+1", "3"],
        ["'@cmd", "-1"],
    ]
    assert csv_bytes(header, rows).startswith("\ufeff".encode())
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(header, rows))).active
    assert list(sheet.iter_rows(values_only=True)) == [("text", "votes"), ("'=1+1", 3), ("'@cmd", -1)]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_workbook_keeps_numbers_exact_and_neutralises_every_sheet():
    data = workbook_bytes(
        [("Summary", [["Total", Decimal("1234.50"), None, 0.25, True]]), ("Sheet: 2", [["+SUM(A1)", "-3"]])]
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "Sheet  2"]
    assert list(book["Summary"].iter_rows(values_only=True)) == [("Total", 1234.5, None, 0.25, True)]
    assert list(book["Sheet  2"].iter_rows(values_only=True)) == [("'+SUM(A1)", "-3")]
