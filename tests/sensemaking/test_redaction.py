"""The redaction mechanism itself: where names are found, and how positions move across pseudonyms."""

from __future__ import annotations

import pytest

from coproduce.sensemaking.redaction import PositionMap, Redactor, Replacement

from .conftest import add_text_source

pytestmark = pytest.mark.django_db


def test_position_map_moves_positions_across_replacements():
    text = "Tom met Daniel."
    replacements = [Replacement(0, 3, "Carer T"), Replacement(8, 14, "[her son]")]
    positions = PositionMap(replacements)
    shown = "Carer T met [her son]."
    assert positions.shown(4) == shown.index("met")
    assert positions.shown(14, end=True) == shown.index(".")
    assert positions.shown(9) == shown.index("[her son]")  # inside a name: its start
    assert positions.shown(9, end=True) == shown.index(".")  # ... or its end
    assert positions.original(shown.index("met")) == text.index("met")
    assert positions.original(shown.index("[her son]") + 2, end=True) == 14


def test_pseudonyms_never_match_inside_words_and_one_letter_labels_only_open_turns(project, coordinator):
    source = add_text_source(
        project,
        coordinator,
        "Q: A nurse asked Tomas and Tom.\nA: Yes.\nQ: And then?\nA: Nothing.\n",
        pseudonym="",
    )
    speakers = {s.label: s for s in source.speakers.all()}
    speakers["Q"].pseudonym = "Interviewer"
    speakers["Q"].save()
    assert Redactor().source_text(source) == (
        "Interviewer: A nurse asked Tomas and Tom.\nSpeaker 2: Yes.\n"
        "Interviewer: And then?\nSpeaker 2: Nothing.\n"
    )
