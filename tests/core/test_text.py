"""clean_text: what comes in is safe for XML, spreadsheets, PostgreSQL and e-mail headers."""

from __future__ import annotations

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from coproduce.core.text import clean_line, clean_text, clean_text_with_positions, xml_safe


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("plain words", "plain words"),
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("page one\x0cpage two", "page one\npage two"),
        ("soft\x0breturn", "soft\nreturn"),
        ("A\x00B\x01C\x1fD\x7fE", "ABCD\x7fE"),
        ("tab\tstays", "tab\tstays"),
        ("not\ufffea\uffffcharacter", "notacharacter"),
        ("lone \ud800surrogate", "lone surrogate"),
        ("café 👍", "café 👍"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_line_puts_a_title_on_one_line():
    assert clean_line("  Open\r\ncuppa\x01\u2028in May\t ") == "Open cuppa in May"


# Any code point, weighted towards the ones that matter here.
awkward = st.text(
    alphabet=st.one_of(
        st.sampled_from("\x00\x01\x08\t\n\x0b\x0c\r\x0e\x1f\x7f\ufffe\uffff\ud800\udfffab "),
        st.characters(),
    )
)


@given(awkward)
def test_clean_text_is_safe_everywhere_and_idempotent(raw):
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
    assert "\r" not in cleaned and "\x00" not in cleaned
    etree.SubElement(etree.Element("root"), "text").text = cleaned  # lxml refuses what XML cannot hold
    openpyxl.Workbook().active["A1"] = cleaned  # openpyxl refuses the same
    cleaned.encode("utf-8")


@given(awkward)
def test_positions_map_every_original_position_onto_the_cleaned_text(raw):
    cleaned, positions = clean_text_with_positions(raw)
    assert cleaned == clean_text(raw)
    assert len(positions) == len(raw) + 1 and positions[-1] == len(cleaned)
    assert positions == sorted(positions)
    # A kept character lands on itself.
    for index, char in enumerate(raw):
        if char not in "\r\x0b\x0c" and clean_text(char) == char:
            assert cleaned[positions[index]] == char


@given(awkward)
def test_xml_safe_keeps_every_position(raw):
    safe = xml_safe(raw)
    assert len(safe) == len(raw)
    etree.SubElement(etree.Element("root"), "text").text = safe
