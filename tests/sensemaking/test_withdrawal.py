"""Withdrawal: self-service, out of the analysis at once, every use flagged, erased after the grace period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coproduce.core.models import AuditEntry
from coproduce.sensemaking.access import analysable_codings
from coproduce.sensemaking.actions.exchange import do_export_codings
from coproduce.sensemaking.actions.themes import do_attach_quote, do_create_theme
from coproduce.sensemaking.actions.withdrawal import do_withdraw_source, erase_withdrawn_sources
from coproduce.sensemaking.models import (
    Audience,
    Coding,
    CorrectionRequest,
    ExportRecord,
    Flag,
    Memo,
    Quote,
    Segment,
    Source,
    SourceNote,
    Speaker,
    Theme,
)

from .conftest import add_text_source, code_words, span_of

pytestmark = pytest.mark.django_db

WORDS = "Nobody picked up for forty minutes"


@pytest.fixture
def used_everywhere(project, coordinator, member, narrator, codes):
    """Maya's interview, coded by two people, quoted in a theme, and exported once; plus someone else's."""
    mine = add_text_source(project, coordinator, narrator_person=narrator, title="Maya's interview")
    other = add_text_source(
        project,
        coordinator,
        narrator_name="Ade",
        title="Ade's interview",
        text="Ade: Nobody picked up for forty minutes either.\nAde: Then it was fine.\n",
    )
    for source in (mine, other):
        code_words(source, codes["waiting"], coordinator, WORDS)
        code_words(source, codes["waiting"], member, WORDS)
    theme = do_create_theme(
        project,
        name="Being left waiting",
        audience=Audience.PARTNERS,
        codes=[codes["waiting"]],
        acting_user=coordinator,
    )
    untouched = do_create_theme(
        project, name="Kindness", audience=Audience.TEAM, codes=[codes["kindness"]], acting_user=coordinator
    )
    start, end = span_of(mine, WORDS)
    quote = do_attach_quote(theme, mine, start=start, end=end, acting_user=coordinator)
    do_export_codings(project, "csv", acting_user=coordinator)
    return {"mine": mine, "other": other, "theme": theme, "untouched": untouched, "quote": quote}


def test_narrator_withdraws_by_themselves_and_every_use_is_flagged(
    client, project, narrator, coordinator, used_everywhere
):
    mine = used_everywhere["mine"]
    client.force_login(narrator)
    page = client.get(reverse("sensemaking:withdraw", args=[project.pk, mine.pk]))
    assert "You do not have to give a reason." in page.content.decode()
    assert "Only your own turns are withdrawn; the other speakers' words stay, as they decide." in (
        page.content.decode()
    )
    refused = client.post(reverse("sensemaking:withdraw", args=[project.pk, mine.pk]), {})
    assert refused.status_code == 400
    assert "Tick the box to confirm you want to withdraw these words." in refused.content.decode()
    response = client.post(reverse("sensemaking:withdraw", args=[project.pk, mine.pk]), {"confirm": "on"})
    assert response.status_code == 302

    # Maya's own turns are withdrawn; the interviewer's words in the same source are not hers to withdraw.
    mine.refresh_from_db()
    maya = mine.speakers.get(label="Maya")
    assert not mine.is_withdrawn
    assert maya.is_withdrawn and maya.withdrawn_by == narrator
    assert maya.erase_after - maya.withdrawn_at == dt.timedelta(days=14)
    assert not mine.speakers.get(label="Interviewer").is_withdrawn
    # Their codings left the analysis at once; everybody else's words are still in it.
    assert set(analysable_codings(project).values_list("source", flat=True)) == {used_everywhere["other"].pk}
    # The quote, the theme that quoted or coded their words, and the export are flagged; nothing else.
    theme = used_everywhere["theme"]
    flagged = {
        ("quote" if f.quote_id else "export" if f.export_id else "theme", f.theme_id)
        for f in Flag.objects.all()
    }
    assert Flag.objects.count() == 3
    assert flagged == {("quote", theme.pk), ("theme", theme.pk), ("export", None)}
    assert all(
        f.reason == Flag.Reason.WITHDRAWN and f.source == mine and f.speaker == maya
        for f in Flag.objects.all()
    )

    client.force_login(coordinator)
    flags_page = client.get(reverse("sensemaking:flags", args=[project.pk])).content.decode()
    assert "A quote in the theme “Being left waiting”" in flags_page
    assert "Codings (CSV) exported on" in flags_page
    theme_page = client.get(reverse("sensemaking:theme", args=[project.pk, theme.pk])).content.decode()
    assert "These words were withdrawn: take this quote out of anything that used it." in theme_page
    assert WORDS not in theme_page.split("Passages you could quote")[0]
    # Nobody but the narrator reads withdrawn words, not even a coordinator; the interviewer's remain.
    source_page = client.get(reverse("sensemaking:source", args=[project.pk, mine.pk])).content.decode()
    assert WORDS not in source_page and "What happened when you first asked for help?" in source_page
    coding_page = client.get(reverse("sensemaking:code_source", args=[project.pk, mine.pk])).content.decode()
    assert WORDS not in coding_page and "What happened when you first asked for help?" in coding_page


def test_withdrawn_words_are_left_out_of_later_exports(project, coordinator, used_everywhere):
    do_withdraw_source(used_everywhere["mine"], acting_user=coordinator)
    data = do_export_codings(project, "csv", acting_user=coordinator, real_names=True).decode("utf-8-sig")
    assert "Ade's interview" in data and "Maya's interview" not in data
    latest = ExportRecord.objects.order_by("-id").first()
    assert list(latest.sources.values_list("title", flat=True)) == ["Ade's interview"]


def test_grace_period_then_erasure_not_hiding(
    project, coordinator, narrator, member, used_everywhere, settings
):
    settings.SENSEMAKING_WITHDRAWAL_GRACE_DAYS = 3
    mine = used_everywhere["mine"]
    segment = mine.segments.first()
    Memo.objects.create(project=project, segment=segment, author=member, text="Maya's night")
    SourceNote.objects.create(source=mine, author=narrator, text="My note")
    CorrectionRequest.objects.create(source=mine, requested_by=narrator, passage="x", requested_change="y")
    do_withdraw_source(mine, acting_user=narrator)

    assert erase_withdrawn_sources(now=timezone.now() + dt.timedelta(days=2)) == 0
    mine.refresh_from_db()
    assert mine.text and not mine.is_erased  # still within the grace period

    assert erase_withdrawn_sources(now=timezone.now() + dt.timedelta(days=3, minutes=1)) == 1
    erased = Source.objects.get(pk=mine.pk)
    assert erased.is_erased
    assert (
        erased.text,
        erased.title,
        erased.narrator_person,
        erased.narrator_name,
        erased.narrator_pseudonym,
    ) == ("", f"Erased source {mine.pk}", None, "", "")
    for model in (Coding, Segment, Speaker, Quote, SourceNote, CorrectionRequest):
        assert not model.objects.filter(
            **({"source": erased} if model is not Segment else {"source": erased})
        ).exists()
    assert not Memo.objects.filter(text="Maya's night").exists()
    # Other people's words, themes and the flags (which quote no words) remain.
    assert Coding.objects.filter(source=used_everywhere["other"]).count() == 2
    assert Theme.objects.filter(pk=used_everywhere["theme"].pk).exists()
    assert Flag.objects.filter(source=erased).count() == 3
    assert AuditEntry.objects.filter(action="sensemaking.source_erased", subject_id=str(mine.pk)).exists()
    # Running again erases nothing more.
    assert erase_withdrawn_sources(now=timezone.now() + dt.timedelta(days=30)) == 0


def test_the_daily_command_erases(project, coordinator, narrator, used_everywhere, settings, capsys):
    settings.SENSEMAKING_WITHDRAWAL_GRACE_DAYS = 0
    do_withdraw_source(used_everywhere["mine"], acting_user=narrator)
    call_command("erase_withdrawn_sources")
    assert "Erased 1 withdrawn source(s)." in capsys.readouterr().out
    assert Source.objects.get(pk=used_everywhere["mine"].pk).text == ""


def test_narrator_can_change_their_mind_during_the_grace_period(client, project, narrator, used_everywhere):
    mine = used_everywhere["mine"]
    do_withdraw_source(mine, acting_user=narrator)
    client.force_login(narrator)
    response = client.post(reverse("sensemaking:cancel_withdrawal", args=[project.pk, mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert not mine.is_withdrawn and mine.erase_after is None
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert analysable_codings(project).filter(source=mine).count() == 2


def test_coordinator_records_a_withdrawal_for_someone_without_an_account(
    client, project, coordinator, member
):
    source = add_text_source(project, coordinator, narrator_name="Ade (phoned in)")
    client.force_login(member)
    assert (
        client.post(
            reverse("sensemaking:withdraw", args=[project.pk, source.pk]), {"confirm": "on"}
        ).status_code
        == 404
    )
    client.force_login(coordinator)
    client.post(reverse("sensemaking:withdraw", args=[project.pk, source.pk]), {"confirm": "on"})
    source.refresh_from_db()
    assert source.is_withdrawn
    assert source.events.get(kind="withdrawn").summary.startswith("Withdrawn on the narrator's behalf.")


def test_only_the_narrator_may_undo_their_own_withdrawal(
    client, project, coordinator, narrator, used_everywhere
):
    mine = used_everywhere["mine"]
    do_withdraw_source(mine, acting_user=narrator)
    client.force_login(coordinator)
    assert (
        client.post(reverse("sensemaking:cancel_withdrawal", args=[project.pk, mine.pk])).status_code == 404
    )
    mine.refresh_from_db()
    assert mine.is_withdrawn


def test_resolving_a_flag_needs_a_note_of_what_was_done(
    client, project, coordinator, narrator, used_everywhere
):
    do_withdraw_source(used_everywhere["mine"], acting_user=narrator)
    flag = Flag.objects.filter(export__isnull=False).get()
    client.force_login(coordinator)
    client.post(reverse("sensemaking:resolve_flag", args=[project.pk, flag.pk]), {"resolution": ""})
    flag.refresh_from_db()
    assert flag.resolved_at is None
    client.post(
        reverse("sensemaking:resolve_flag", args=[project.pk, flag.pk]),
        {"resolution": "Deleted the spreadsheet from the shared drive"},
    )
    flag.refresh_from_db()
    assert (flag.resolution, flag.resolved_by) == (
        "Deleted the spreadsheet from the shared drive",
        coordinator,
    )


def test_a_persons_data_download_and_erasure_include_their_words(
    project, coordinator, narrator, member, used_everywhere
):
    from coproduce.people.actions import do_erase_person
    from coproduce.people.data_rights import export_person_data

    mine = used_everywhere["mine"]
    Memo.objects.create(project=project, segment=mine.segments.first(), author=member, text="Member's memo")
    data = export_person_data(narrator)["sensemaking"]
    assert data["your_words"][0]["title"] == "Maya's interview"
    assert WORDS in data["your_words"][0]["text"]
    assert export_person_data(member)["sensemaking"]["your_memos"] == [
        {"text": "Member's memo", "written_at": Memo.objects.get().created_at.isoformat()}
    ]

    counts = do_erase_person(narrator, acting_user=narrator)
    # Maya is a speaker in her interview: her turns are erased, the interviewer's questions are not hers.
    assert counts["sensemaking.speakers_erased"] == 1
    erased = Source.objects.get(pk=mine.pk)
    assert WORDS not in erased.text and "Maya" not in erased.text and erased.narrator_person is None
    assert (
        erased.text == "Interviewer: What happened when you first asked for help?\nInterviewer: And then?\n"
    )
    assert Flag.objects.filter(source=erased, reason=Flag.Reason.WITHDRAWN).count() == 3

    # A co-analyst's codings stay (their work counts); their memos go.
    do_erase_person(member, acting_user=member)
    assert Coding.objects.filter(coder=member, source=used_everywhere["other"]).exists()
    assert not Memo.objects.filter(text="Member's memo").exists()


def test_the_daily_job_flags_quotes_whose_consent_has_run_out(
    project, coordinator, narrator, used_everywhere
):
    mine = used_everywhere["mine"]
    # Maya's own consent (her speaker's) ran out: the quote of her words is flagged.
    Speaker.objects.filter(source=mine, label="Maya").update(
        consent_until=timezone.localdate() - dt.timedelta(days=1)
    )
    erase_withdrawn_sources()
    flag = Flag.objects.get(reason=Flag.Reason.CONSENT_EXPIRED)
    assert (flag.quote, flag.source) == (used_everywhere["quote"], mine)
    erase_withdrawn_sources()  # once per quote, however often the job runs
    assert Flag.objects.filter(reason=Flag.Reason.CONSENT_EXPIRED).count() == 1
