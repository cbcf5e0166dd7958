"""The migration to per-speaker consent carries every source's consent over to its speakers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("sensemaking", "0001_initial")]
AFTER = [("sensemaking", "0003_carry_consent_to_speakers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_speaker_starts_with_their_sources_consent_and_the_narrator_keeps_their_turns():
    old = _migrate(BEFORE)
    try:
        Person = old.get_model("people", "Person")
        Project = old.get_model("partnerships", "Project")
        Source = old.get_model("sensemaking", "Source")
        Speaker = old.get_model("sensemaking", "Speaker")
        ThemeCandidate = old.get_model("sensemaking", "ThemeCandidate")
        uploader = Person.objects.create(email="uploader@example.org", badge_name="Sam")
        tom = Person.objects.create(email="tom@example.org", badge_name="Tom")
        project = Project.objects.create(title="Night support", purpose="Listen.")
        recorded = timezone.now() - dt.timedelta(days=3)
        source = Source.objects.create(
            project=project,
            title="Group session",
            text="Tom: Hello.\nSol: Hi.\n",
            narrator_person=tom,
            narrator_pseudonym="Carer T",
            consent_use="pseudonym",
            consent_audiences=["team", "partners"],
            consent_until=dt.date(2030, 1, 1),
            consent_recorded_at=recorded,
            consent_recorded_by=uploader,
        )
        Speaker.objects.create(source=source, label="Tom")
        Speaker.objects.create(source=source, label="Sol", pseudonym="Parent S")
        ThemeCandidate.objects.create(project=project, label="tom, hello", keywords=["tom"], segment_ids=[])

        new = _migrate(AFTER)
        speakers = {s.label: s for s in new.get_model("sensemaking", "Speaker").objects.all()}
        for speaker in speakers.values():
            assert (speaker.consent_use, speaker.consent_audiences, speaker.consent_until) == (
                "pseudonym",
                ["team", "partners"],
                dt.date(2030, 1, 1),
            )
            assert (speaker.consent_recorded_at, speaker.consent_recorded_by_id) == (recorded, uploader.pk)
            assert speaker.consent_follows_source and speaker.withdrawn_at is None
        assert (speakers["Tom"].person_id, speakers["Tom"].pseudonym, speakers["Tom"].position) == (
            tom.pk,
            "Carer T",
            1,
        )
        assert (speakers["Sol"].person_id, speakers["Sol"].pseudonym, speakers["Sol"].position) == (
            None,
            "Parent S",
            2,
        )
        # A candidate found in every source may carry words some members may not read: it goes.
        assert not new.get_model("sensemaking", "ThemeCandidate").objects.exists()
    finally:
        _migrate(AFTER)
