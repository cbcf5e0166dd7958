"""Phase rules: formats, the timer kept in the database, and what each control does and refuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coproduce.core.models import AuditEntry
from coproduce.events.models import AgendaItem
from coproduce.live import actions
from coproduce.live.actions import LiveSessionError
from coproduce.live.models import LiveSession, Phase, describe_time_left, normalise_join_code

from .factories import fresh, make_session

pytestmark = pytest.mark.django_db


def test_the_hour_workshop_format_has_the_three_usual_phases(live_session):
    phases = list(live_session.phases.values_list("position", "title", "duration_minutes", "activity"))
    assert phases == [
        (1, "Preparing the ground", 10, Phase.Activity.INFORMATION),
        (2, "Exploring together", 30, Phase.Activity.STATEMENTS),
        (3, "Tracking themes and take-home messages", 20, Phase.Activity.TAKE_HOME),
    ]
    assert live_session.is_ready
    assert len(live_session.join_code) == 6 and live_session.join_code == normalise_join_code(
        live_session.display_code
    )


def test_a_session_can_take_its_phases_from_the_event_agenda(event, facilitator):
    AgendaItem.objects.create(
        event=event, position=1, title="Arrival and tea", purpose="Settle in.", duration_minutes=15
    )
    AgendaItem.objects.create(event=event, position=2, title="What matters to us", duration_minutes=40)
    session = make_session(event, facilitator, format_key="from_agenda")
    assert list(session.phases.values_list("title", "duration_minutes")) == [
        ("Arrival and tea", 15),
        ("What matters to us", 40),
    ]


def test_an_event_without_an_agenda_cannot_be_used_as_a_format(event, facilitator):
    with pytest.raises(LiveSessionError, match="This event has no agenda yet"):
        make_session(event, facilitator, format_key="from_agenda")


def test_starting_runs_the_first_phase_timer(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    session = fresh(session)
    assert session.is_live and session.current_phase.title == "Preparing the ground"
    later = session.phase_running_since + timedelta(minutes=4)
    timer = session.timer(later)
    assert timer.running and timer.remaining_seconds == 6 * 60
    assert AuditEntry.objects.filter(action="live_session.started", subject_id=str(session.pk)).exists()


def test_pausing_stops_the_clock_and_resuming_carries_on(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    # Pretend the phase has run for 3 minutes before the pause.
    LiveSession.objects.filter(pk=session.pk).update(
        phase_running_since=timezone.now() - timedelta(minutes=3)
    )
    session = actions.do_pause_phase(fresh(session), acting_user=facilitator)
    session = fresh(session)
    assert session.is_paused
    paused_left = session.timer().remaining_seconds
    assert 6 * 60 <= paused_left <= 7 * 60
    # While paused, time left does not change however long we wait.
    assert session.timer(timezone.now() + timedelta(hours=1)).remaining_seconds == paused_left
    session = fresh(actions.do_resume_phase(session, acting_user=facilitator))
    assert not session.is_paused
    assert (
        session.timer(session.phase_running_since + timedelta(minutes=1)).remaining_seconds
        == paused_left - 60
    )


def test_extending_adds_minutes_to_the_current_phase(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    session = fresh(actions.do_extend_phase(session, minutes=5, acting_user=facilitator))
    assert session.timer(session.phase_running_since).remaining_seconds == 15 * 60


@pytest.mark.parametrize("minutes", [0, -3, 61])
def test_extending_by_an_unreasonable_amount_is_refused(live_session, facilitator, minutes):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    with pytest.raises(LiveSessionError, match="Extend by between 1 and 60 minutes."):
        actions.do_extend_phase(session, minutes=minutes, acting_user=facilitator)


def test_advancing_starts_the_next_phase_afresh_and_records_when_each_ran(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    session = actions.do_extend_phase(session, minutes=5, acting_user=facilitator)
    session = fresh(actions.do_advance_phase(session, acting_user=facilitator))
    assert session.current_phase.title == "Exploring together"
    assert session.phase_extra_seconds == 0
    assert session.timer(session.phase_running_since).remaining_seconds == 30 * 60
    first = session.phases.get(position=1)
    assert first.started_at is not None and first.ended_at is not None


def test_there_is_no_next_phase_after_the_last(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    session = actions.do_advance_phase(session, acting_user=facilitator)
    session = actions.do_advance_phase(session, acting_user=facilitator)
    with pytest.raises(LiveSessionError, match="This is the last phase"):
        actions.do_advance_phase(session, acting_user=facilitator)


def test_finishing_ends_the_session_and_its_timer(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    session = fresh(actions.do_finish_session(session, acting_user=facilitator))
    assert session.is_finished and session.current_phase is None and session.timer() is None
    assert session.phases.get(position=1).ended_at is not None


@pytest.mark.parametrize(
    ("do", "message"),
    [
        (actions.do_pause_phase, "The session has not started yet."),
        (actions.do_resume_phase, "The session has not started yet."),
        (actions.do_advance_phase, "The session has not started yet."),
        (actions.do_finish_session, "The session has not started yet."),
    ],
)
def test_controls_need_a_running_session(live_session, facilitator, do, message):
    with pytest.raises(LiveSessionError, match=message):
        do(live_session, acting_user=facilitator)


def test_controls_after_the_end_say_so(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    session = actions.do_finish_session(session, acting_user=facilitator)
    for do in (actions.do_pause_phase, actions.do_advance_phase, actions.do_finish_session):
        with pytest.raises(LiveSessionError, match="This session has finished."):
            do(session, acting_user=facilitator)
    with pytest.raises(LiveSessionError, match="This session has finished."):
        actions.do_start_session(session, acting_user=facilitator)


def test_pausing_twice_and_resuming_a_running_timer_are_refused(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    with pytest.raises(LiveSessionError, match="The timer is already running."):
        actions.do_resume_phase(session, acting_user=facilitator)
    session = actions.do_pause_phase(session, acting_user=facilitator)
    with pytest.raises(LiveSessionError, match="The timer is already paused."):
        actions.do_pause_phase(session, acting_user=facilitator)


def test_a_control_from_a_page_showing_an_old_state_changes_nothing(live_session, facilitator):
    """Two facilitators press "Next phase" at once: only the first one moves the session on."""
    session = actions.do_start_session(live_session, acting_user=facilitator)
    seen_version = fresh(session).version
    actions.do_advance_phase(session, acting_user=facilitator, expected_version=seen_version)
    with pytest.raises(LiveSessionError, match="The session changed a moment ago"):
        actions.do_advance_phase(session, acting_user=facilitator, expected_version=seen_version)
    assert fresh(session).current_phase.position == 2


def test_every_control_changes_the_version(live_session, facilitator):
    versions = [fresh(live_session).version]
    session = actions.do_start_session(live_session, acting_user=facilitator)
    for do in (
        actions.do_pause_phase,
        actions.do_resume_phase,
        actions.do_advance_phase,
        actions.do_finish_session,
    ):
        versions.append(fresh(session).version)
        session = do(session, acting_user=facilitator)
    versions.append(fresh(session).version)
    assert versions == sorted(set(versions))


def test_phases_that_have_run_cannot_be_changed_but_later_ones_can(live_session, facilitator):
    session = actions.do_start_session(live_session, acting_user=facilitator)
    first, second = session.phases.get(position=1), session.phases.get(position=2)
    with pytest.raises(LiveSessionError, match="already started"):
        actions.do_update_phase(
            first,
            title="x",
            purpose="",
            duration_minutes=5,
            activity=Phase.Activity.INFORMATION,
            acting_user=facilitator,
        )
    actions.do_update_phase(
        second,
        title="Exploring, in pairs",
        purpose="",
        duration_minutes=25,
        activity=Phase.Activity.STATEMENTS,
        acting_user=facilitator,
    )
    second.refresh_from_db()
    assert (second.title, second.duration_minutes) == ("Exploring, in pairs", 25)


def test_removing_and_moving_phases_keeps_the_order_tidy(live_session, facilitator):
    added = actions.do_add_phase(
        live_session,
        title="Pass it on",
        purpose="",
        duration_minutes=15,
        activity=Phase.Activity.PASS_IT_ON,
        acting_user=facilitator,
    )
    assert added.position == 4
    actions.do_move_phase(added, earlier=True, acting_user=facilitator)
    actions.do_remove_phase(live_session.phases.get(position=1), acting_user=facilitator)
    assert list(live_session.phases.order_by("position").values_list("position", "title")) == [
        (1, "Exploring together"),
        (2, "Pass it on"),
        (3, "Tracking themes and take-home messages"),
    ]


def test_a_session_keeps_at_least_one_phase(event, facilitator):
    session = make_session(event, facilitator)
    for phase in list(session.phases.order_by("-position"))[:-1]:
        actions.do_remove_phase(phase, acting_user=facilitator)
    with pytest.raises(LiveSessionError, match="A session needs at least one phase."):
        actions.do_remove_phase(session.phases.get(), acting_user=facilitator)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1800, "30 minutes left"),
        (61 * 5, "6 minutes left"),
        (150, "2 min 30 s left"),
        (120, "2 minutes left"),
        (45, "45 seconds left"),
        (1, "1 second left"),
        (0, "Time is up"),
        (-30, "Time is up"),
        (-60, "1 minute over time"),
        (-150, "2 minutes over time"),
    ],
)
def test_time_left_is_said_in_plain_english(seconds, words):
    assert describe_time_left(seconds) == words
