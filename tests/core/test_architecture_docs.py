"""docs/architecture.md lists every happening with its payload and its subscribers, as the code has them."""

from __future__ import annotations

import re
from pathlib import Path

from coproduce.core.happenings import CATALOGUE, subscriber_name

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def documented_rows() -> dict[str, tuple[list[str], str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)` \| (.+?) \| .+? \| (.+?) \|$", line)
        if match:
            rows[match[1]] = (re.findall(r"`(\w+)`", match[2]), match[3])
    return rows


def test_every_happening_is_documented_with_its_payload():
    rows = documented_rows()
    assert sorted(rows) == sorted(CATALOGUE)
    for name, happening in CATALOGUE.items():
        assert rows[name][0] == list(happening.payload), name


def test_every_subscriber_is_documented():
    rows = documented_rows()
    for name, happening in CATALOGUE.items():
        documented = set(re.findall(r"`([\w.]+)`", rows[name][1]))
        running = {subscriber_name(s) for s in happening.subscribers}
        assert documented == running, name
        assert (rows[name][1] == "none yet") == (not running), name
