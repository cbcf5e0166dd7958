"""Consent and withdrawal per speaker: carry each source's to its speakers.

A data migration of its own, after the schema change has committed: on PostgreSQL, updating rows and
then creating the new columns' indexes and foreign keys in one transaction fails ("pending trigger
events").
"""

from django.db import migrations


def _matches(label: str, names: list[str]) -> bool:
    """A speaker label names the narrator: their full name or badge name, or its first word."""
    label = " ".join(label.split()).casefold()
    for name in names:
        name = " ".join((name or "").split()).casefold()
        if name and (label == name or label == name.split(" ")[0]):
            return True
    return False


def carry_consent_to_speakers(apps, schema_editor):
    """Until now consent and withdrawal were recorded once per source, for every speaker in it.

    Each speaker starts with exactly that consent, recorded by whoever recorded it on the source (the
    uploader, on their behalf, as before), until the speaker (once linked to their account) or a
    coordinator changes it: nobody's words are used more widely than before. A speaker in a source
    withdrawn as a whole stays withdrawn with it. Speakers are numbered in order of appearance, for
    "Speaker 2" where no pseudonym was chosen. A narrator whose name is a speaker label is linked to
    that speaker (their turns are theirs; the other speakers' are not). Candidate themes not yet adopted
    are dropped: they were found in every source, so their labels may carry words some members may not
    read (discover again to get new ones); adopted ones are shown only to those who may read every
    source of the project.
    """
    Source = apps.get_model("sensemaking", "Source")
    Speaker = apps.get_model("sensemaking", "Speaker")
    ThemeCandidate = apps.get_model("sensemaking", "ThemeCandidate")
    for source in Source.objects.select_related("narrator_person").iterator():
        speakers = list(Speaker.objects.filter(source=source).order_by("id"))
        if not speakers:
            continue
        names = [source.narrator_name]
        if source.narrator_person_id:
            names.append(source.narrator_person.badge_name)
        linked = any(s.person_id and s.person_id == source.narrator_person_id for s in speakers)
        for position, speaker in enumerate(speakers, start=1):
            speaker.position = position
            speaker.consent_use = source.consent_use
            speaker.consent_audiences = list(source.consent_audiences or [])
            speaker.consent_until = source.consent_until
            speaker.consent_recorded_at = source.consent_recorded_at
            speaker.consent_recorded_by_id = source.consent_recorded_by_id
            speaker.withdrawn_at = source.withdrawn_at
            speaker.withdrawn_by_id = source.withdrawn_by_id
            speaker.erase_after = source.erase_after
            speaker.erased_at = source.erased_at
            if not linked and speaker.person_id is None and _matches(speaker.label, names):
                speaker.person_id = source.narrator_person_id
                speaker.pseudonym = speaker.pseudonym or source.narrator_pseudonym
                linked = True
            speaker.save()
    for candidate in ThemeCandidate.objects.all():
        if candidate.adopted_code_id is None:
            candidate.delete()
            continue
        candidate.source_ids = list(
            Source.objects.filter(project_id=candidate.project_id).values_list("pk", flat=True)
        )
        candidate.save(update_fields=["source_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("sensemaking", "0002_per_speaker_consent"),
    ]

    operations = [
        migrations.RunPython(carry_consent_to_speakers, migrations.RunPython.noop),
    ]
