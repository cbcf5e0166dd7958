"""Every change in outcomes goes through here: actions ("you said, we did") and telling the people whose
words they came from (``loop``), feedback forms (``feedback``), and the decision log and GRIPP2 text
(``decisions``)."""

from ..errors import OutcomesError
from .decisions import do_record_decision, do_save_gripp2
from .feedback import (
    MAX_CHOICES,
    REMIND_AFTER,
    do_add_feedback_question,
    do_create_feedback_form,
    do_invite_to_feedback,
    do_send_feedback_reminders,
    do_send_feedback_to_sensemaking,
    do_set_feedback_form_open,
    do_submit_feedback,
)
from .loop import (
    do_create_action,
    do_link_sources,
    do_mark_outcomes_seen,
    do_set_public_page,
    do_unlink_source,
    do_update_action,
)

__all__ = [
    "MAX_CHOICES",
    "REMIND_AFTER",
    "OutcomesError",
    "do_add_feedback_question",
    "do_create_action",
    "do_create_feedback_form",
    "do_invite_to_feedback",
    "do_link_sources",
    "do_mark_outcomes_seen",
    "do_record_decision",
    "do_save_gripp2",
    "do_send_feedback_reminders",
    "do_send_feedback_to_sensemaking",
    "do_set_feedback_form_open",
    "do_set_public_page",
    "do_submit_feedback",
    "do_unlink_source",
    "do_update_action",
]
