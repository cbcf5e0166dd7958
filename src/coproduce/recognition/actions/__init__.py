"""Every change to payments. Views, subscribers, the demo and tests all call these.

Grouped by subject: ``organisation`` (finance officers, settings, rates, limits, project policies),
``offers`` (offers, the person's choice, attendance, their private limit), ``claims`` (expenses,
sending, returning, approving) and ``runs`` (payment runs, marking paid).
"""

from .claims import (
    do_add_expense,
    do_approve_claim,
    do_remove_expense,
    do_return_claim,
    do_submit_claim,
    needs_second_approval,
)
from .offers import (
    do_make_offer,
    do_record_attendance,
    do_respond_to_offer,
    do_set_private_limit,
    do_undo_attendance,
    do_withdraw_offer,
    eligibility_problem,
)
from .organisation import (
    do_add_finance_officer,
    do_add_rate,
    do_remove_finance_officer,
    do_set_payment_policy,
    do_set_permitted_work_limit,
    do_set_rate_amount,
    do_set_salaried_for_time,
    do_update_payment_settings,
)
from .runs import do_create_payment_run, do_mark_run_paid

__all__ = [
    "do_add_expense",
    "do_add_finance_officer",
    "do_add_rate",
    "do_approve_claim",
    "do_create_payment_run",
    "do_make_offer",
    "do_mark_run_paid",
    "do_record_attendance",
    "do_remove_expense",
    "do_remove_finance_officer",
    "do_respond_to_offer",
    "do_return_claim",
    "do_set_payment_policy",
    "do_set_permitted_work_limit",
    "do_set_private_limit",
    "do_set_rate_amount",
    "do_set_salaried_for_time",
    "do_submit_claim",
    "do_undo_attendance",
    "do_update_payment_settings",
    "do_withdraw_offer",
    "eligibility_problem",
    "needs_second_approval",
]
