"""Agreement with what Polis itself published for the conversations in ../shared/data/polis-opendata.

Group-informed consensus is a pure function of the votes and the groups, so computed from Polis's own
``group-id`` it must equal the ``group-informed-consensus`` column Polis exported (to rounding).

The groups themselves depend on Polis's history (every update warm-starts from the last one, and
the rules changed over the years), so no engine reproduces them exactly. The floors below are what
red-dwarf 0.4.0 — a reproduction of Polis's maths — scores on the same conversations and the same
measure (ARI over the participants Polis grouped), less 0.05, as the issue asks; and the median must
reach 0.65 (red-dwarf: 0.30). bench/opinion_vs_reddwarf.py measures red-dwarf's side afresh.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from coproduce.engine.opinion import OpinionMap, group_informed_consensus_for_groups
from coproduce.engine.polis_io import read_polis_export
from coproduce.engine.stability import adjusted_rand_index

from .conftest import OPENDATA

RED_DWARF_ARI = {
    "15-per-hour-seattle": 0.459,
    "american-assembly.bowling-green": 0.423,
    "austria-climate.2vkxcncppn.2022-07-07": 0.967,
    "austria-climate.5twd2jsnkf.2022-08-08": 0.954,
    "bg2050-volunteers": 0.162,
    "canadian-electoral-reform": 1.000,
    "football-concussions": 0.182,
    "london.youth.policing": 0.122,
    "scoop-hivemind.affordable-housing": 0.065,
    "scoop-hivemind.freshwater": 0.048,
    "scoop-hivemind.taxes": 0.881,
    "scoop-hivemind.ubi": 0.150,
}


def _export(name: str):
    folder = OPENDATA / name
    if not folder.is_dir():
        pytest.skip(f"Polis open data not found at {folder} (../shared/data/polis-opendata)")
    return read_polis_export(folder)


def test_group_informed_consensus_equals_the_published_column(needs_opendata):
    export = _export("bg2050-volunteers")
    assert export.polis_gic, "this export carries Polis's group-informed-consensus column"
    ids, gic = group_informed_consensus_for_groups(
        export.participant_ids, export.statement_ids, export.values, export.polis_groups
    )
    published = np.array([export.polis_gic[t] for t in ids.tolist()])
    assert len(ids) == len(export.polis_gic) == 371
    assert np.abs(gic - published).max() < 1e-12


def _ari(name: str) -> float:
    export = _export(name)
    m = OpinionMap(n_resamples=0).fit(
        export.participant_ids, export.statement_ids, export.values, excluded_statements=export.excluded
    )
    ours = dict(zip(m.participants_.tolist(), m.groups_.tolist(), strict=True))
    ids = list(export.polis_groups)
    return adjusted_rand_index([ours.get(q, -1) for q in ids], [export.polis_groups[q] for q in ids])


@pytest.fixture(scope="module")
def aris():
    if not OPENDATA.is_dir():
        pytest.skip(f"Polis open data not found at {OPENDATA} (../shared/data/polis-opendata)")
    return {name: _ari(name) for name in RED_DWARF_ARI}


@pytest.mark.parametrize("name", sorted(RED_DWARF_ARI))
def test_groups_agree_with_polis_at_least_as_well_as_red_dwarf(aris, name):
    assert aris[name] >= RED_DWARF_ARI[name] - 0.05


def test_median_agreement_with_polis(aris):
    assert statistics.median(aris.values()) >= 0.65
