"""Reading a file in a separate process: plain data comes back; a reader that dies is a message."""

from __future__ import annotations

import os

import pytest

from coproduce.sensemaking import refi
from coproduce.sensemaking.budget import ImportBudget, ImportProblem
from coproduce.sensemaking.isolation import run_isolated

from .test_import_limits import codebook_xml


def stop_dead(data: bytes, *, budget: ImportBudget):
    """A reader that dies without a word (as a library crashing in C code would)."""
    os._exit(3)


def test_a_reader_that_dies_becomes_a_message_not_an_error():
    with pytest.raises(ImportProblem) as problem:
        run_isolated(stop_dead, b"", budget=ImportBudget())
    assert str(problem.value).startswith(
        "This file could not be read: the program reading it stopped unexpectedly."
    )


def test_the_reader_runs_apart_and_returns_plain_data():
    codes = run_isolated(refi.read_qdc, codebook_xml(2), budget=ImportBudget())
    assert [code.name for code in codes] == ["Code 0", "Code 1"]
