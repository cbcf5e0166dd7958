"""Payment pages. Each view checks permission first (through access.py), then calls actions or reads.

Three kinds of pages: the person's own (offers, claims, statements, their private limit), the
project coordinator's (policy, offers, the approval queue, budget against spending) and finance's
(rates, limits, settings, payment runs and exports).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.core.errors import add_action_error

from . import access, actions, exports, permissions
from .display import claim_status_text
from .errors import RecognitionError
from .forms import (
    ExpenseForm,
    FinanceOfficerForm,
    MarkPaidForm,
    OfferChoiceForm,
    OfferForm,
    PermittedWorkForm,
    PolicyForm,
    PrivateLimitForm,
    RateAmountForm,
    RateForm,
    ReturnClaimForm,
    SettingsForm,
)
from .limits import week_position
from .models import Claim, Offer
from .rates import permitted_work_limit_on, settings_for
from .statements import statement_pdf

QUEUE_PAGE_SIZE = 50


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# -------------------------------------------------------------------------------- the person


@login_required
@require_GET
def my_payments(request: HttpRequest) -> HttpResponse:
    mine = access.my_payments(request.user)
    settings_by_org = {}
    for claim in mine.claims:
        settings = settings_by_org.setdefault(claim.organisation_id, settings_for(claim.organisation))
        claim.status_text = claim_status_text(claim, settings)
    context = {
        "mine": mine,
        "statement_years": access.statement_years(request.user),
        "limit": access.private_limit(request.user),
    }
    return _private(render(request, "recognition/my_payments.html", context))


@login_required
@require_GET
def benefits(request: HttpRequest) -> HttpResponse:
    context = {
        "advice": access.advice_for(request.user),
        "limits": access.permitted_work_limits_for(request.user),
        "limit": access.private_limit(request.user),
    }
    return render(request, "recognition/benefits.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def private_limit(request: HttpRequest) -> HttpResponse:
    current = access.private_limit(request.user)
    form = PrivateLimitForm(
        request.POST if request.method == "POST" else None, initial={"weekly_limit": current}
    )
    if request.method == "POST" and form.is_valid():
        weekly = form.cleaned_data["weekly_limit"]
        actions.do_set_private_limit(request.user, weekly_pence=weekly, acting_user=request.user)
        messages.success(
            request,
            _("Your weekly limit is saved. Only you can see it.")
            if weekly is not None
            else _("You no longer use a weekly limit."),
        )
        return redirect("recognition:my_payments")
    return _private(render(request, "recognition/private_limit.html", {"form": form, "limit": current}))


@login_required
@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The person's offer: what, how long, how much, expenses, when paid; and their private choice."""
    mine = access.access_own_offer_by_id(request.user, offer_id)
    if mine.status == Offer.Status.WITHDRAWN:
        raise Http404("Not found.")
    claim = getattr(mine, "claim", None)
    locked = claim is not None and claim.status in (Claim.Status.APPROVED, Claim.Status.PAID)
    initial = {
        "choice": mine.choice,
        "method": mine.method,
        "lower_amount": mine.chosen_amount_pence if mine.choice == Offer.Choice.LOWER else None,
        "donation_cause": mine.donation_cause,
    }
    form = OfferChoiceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and not locked and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_respond_to_offer(
                mine,
                choice=data["choice"],
                method=data["method"],
                lower_amount_pence=data["lower_amount"],
                donation_cause=data["donation_cause"],
                confirm_past_limit=data["confirm_past_limit"],
                acting_user=request.user,
            )
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("Thank you: your choice is saved. You can change it until your claim is approved.")
            )
            return redirect("recognition:offer", offer_id=mine.pk)
    settings = settings_for(mine.rate.organisation)
    context = {
        "offer": mine,
        "claim": claim,
        "locked": locked,
        "form": form,
        "settings": settings,
        "week": week_position(mine, mine.amount_pence),
        "permitted_work": permitted_work_limit_on(mine.rate.organisation, mine.activity_date),
        "expense_labels": [label for code, label in _expense_choices() if code in mine.expenses_covered],
    }
    return _private(render(request, "recognition/offer.html", context))


def _expense_choices():
    return ExpenseForm.base_fields["kind"].choices


def _claim_context(request: HttpRequest, claim: Claim, **extra) -> dict:
    settings = settings_for(claim.organisation)
    is_person = permissions.can_edit_claim(request.user, claim)
    context = {
        "claim": claim,
        "offer": claim.offer,
        "expenses": list(claim.expenses.all()),
        "status_text": claim_status_text(claim, settings),
        "is_person": is_person,
        "can_edit": is_person and claim.editable_by_person,
        "can_review": permissions.can_review_claim(request.user, claim)
        and claim.status == Claim.Status.SUBMITTED,
        "settings": settings,
        "expense_form": ExpenseForm(covered=claim.offer.expenses_covered),
        "return_form": ReturnClaimForm(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    return _private(render(request, "recognition/claim.html", _claim_context(request, found)))


@login_required
@require_POST
def add_expense(request: HttpRequest, claim_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    if not permissions.can_edit_claim(request.user, found):
        raise Http404("Not found.")
    form = ExpenseForm(request.POST, request.FILES, covered=found.offer.expenses_covered)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_expense(
                found,
                kind=data["kind"],
                miles=data["miles"],
                amount_pence=data["amount"],
                description=data["description"],
                reason=data["reason"],
                receipt=data["receipt"],
                acting_user=request.user,
            )
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Your expense is added."))
            return redirect("recognition:claim", claim_id=found.pk)
    context = _claim_context(request, found, expense_form=form)
    return _private(render(request, "recognition/claim.html", context, status=400))


@login_required
@require_POST
def remove_expense(request: HttpRequest, claim_id: int, expense_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    if not permissions.can_edit_claim(request.user, found):
        raise Http404("Not found.")
    expense = access.access_expense_by_id(found, expense_id)
    try:
        actions.do_remove_expense(expense, acting_user=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The expense is removed."))
    return redirect("recognition:claim", claim_id=found.pk)


@login_required
@require_GET
def receipt(request: HttpRequest, claim_id: int, expense_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    expense = access.access_expense_by_id(found, expense_id)
    if not expense.receipt:
        raise Http404("Not found.")
    extension = expense.receipt.name.rsplit(".", 1)[-1]
    response = FileResponse(
        expense.receipt.open("rb"),
        content_type=expense.receipt_content_type,
        as_attachment=False,
        filename=f"receipt-{found.pk}-{expense.pk}.{extension}",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return _private(response)


@login_required
@require_POST
def send_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    if not permissions.can_edit_claim(request.user, found):
        raise Http404("Not found.")
    try:
        actions.do_submit_claim(found, acting_user=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your claim is sent. We will tell you when it is approved."))
    return redirect("recognition:claim", claim_id=found.pk)


@login_required
@require_GET
def statement(request: HttpRequest, tax_year: int) -> HttpResponse:
    if not 2000 <= tax_year <= 2100:
        raise Http404("Not found.")
    claims = access.statement_claims(request.user, tax_year)
    body = statement_pdf(request.user, tax_year, claims)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="payments-{tax_year}-{tax_year + 1 - 2000:02d}.pdf"'
    )
    return _private(response)


# ------------------------------------------------------------------------------ coordinators


@login_required
@require_POST
def approve_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    if not permissions.can_review_claim(request.user, found):
        raise Http404("Not found.")
    try:
        result = actions.do_approve_claim(found, acting_user=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
        return redirect("recognition:claim", claim_id=found.pk)
    if result.status == Claim.Status.APPROVED:
        messages.success(request, _("The claim by %(name)s is approved.") % {"name": found.person.badge_name})
    else:
        messages.success(
            request,
            _("Your approval is recorded. The claim needs a second approver, as it is above the limit."),
        )
    return redirect("recognition:approval_queue", project_id=found.project_id)


@login_required
@require_POST
def return_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    found = access.access_claim_by_id(request.user, claim_id)
    if not permissions.can_review_claim(request.user, found):
        raise Http404("Not found.")
    form = ReturnClaimForm(request.POST)
    if form.is_valid():
        try:
            actions.do_return_claim(found, reason=form.cleaned_data["reason"], acting_user=request.user)
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The claim is returned to %(name)s with your reason.") % {"name": found.person.badge_name},
            )
            return redirect("recognition:approval_queue", project_id=found.project_id)
    context = _claim_context(request, found, return_form=form)
    return _private(render(request, "recognition/claim.html", context, status=400))


@login_required
@require_GET
def project_payments(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_payments_project_by_id(request.user, project_id)
    policy = access.payment_policy(project)
    context = {
        "project": project,
        "policy": policy,
        "budget": access.budget_for(project, policy),
        "offers": list(access.project_offers(project)),
        "members": access.members_with_eligibility(project),
        "queue_count": access.approval_queue(project).count(),
    }
    return _private(render(request, "recognition/project_payments.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_payments_project_by_id(request.user, project_id)
    current = access.payment_policy(project)
    organisations = access.paying_organisations(project)
    initial = {}
    if current:
        initial = {
            "organisation": current.organisation_id,
            "default_rate": current.default_rate_id,
            "paid_activities": current.paid_activities,
            "covered_expenses": current.covered_expenses,
            "budget": current.budget_pence,
            "second_approval_above": current.second_approval_above_pence,
        }
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=organisations,
        rates=access.rates_of(organisations),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_payment_policy(
                project,
                organisation=data["organisation"],
                default_rate=data["default_rate"],
                paid_activities=data["paid_activities"],
                covered_expenses=data["covered_expenses"],
                budget_pence=data["budget"],
                second_approval_above_pence=data["second_approval_above"],
                acting_user=request.user,
            )
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The payment policy is saved."))
            return redirect("recognition:project_payments", project_id=project.pk)
    return render(request, "recognition/policy.html", {"project": project, "form": form, "policy": current})


@login_required
@require_http_methods(["GET", "POST"])
def make_offers(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_payments_project_by_id(request.user, project_id)
    current = access.payment_policy(project)
    if current is None:
        messages.info(request, _("Set the project's payment policy before making offers."))
        return redirect("recognition:policy", project_id=project.pk)
    members = list(access.eligible_members(project))
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        events=access.project_events(project),
        sessions=access.project_live_sessions(project),
        rates=access.rates_of([current.organisation]),
        members=members,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {str(m.person_id): m.person for m in members}
        made, refused = [], []
        for person_id in data["people"]:
            try:
                actions.do_make_offer(
                    project,
                    by_id[person_id],
                    kind=data["kind"],
                    event=data["event"],
                    live_session=data["live_session"],
                    title=data["title"],
                    activity_date=data["activity_date"],
                    rate=data["rate"],
                    units=data["units"],
                    preparation_units=data["preparation_units"] or 0,
                    acting_user=request.user,
                )
                made.append(by_id[person_id].badge_name)
            except RecognitionError as error:
                if error.field and error.field in form.fields:
                    add_action_error(form, error)
                    break
                refused.append(error.message)
        if made:
            messages.success(request, _("Offers made to: %(names)s.") % {"names": ", ".join(made)})
        for message in refused:
            messages.error(request, message)
        if made or (refused and not form.errors):
            return redirect("recognition:project_payments", project_id=project.pk)
    return render(
        request, "recognition/make_offers.html", {"project": project, "form": form, "policy": current}
    )


@login_required
@require_POST
def offer_attended(request: HttpRequest, offer_id: int) -> HttpResponse:
    """A coordinator marks that the person took part (a task done, or attendance not checked in)."""
    found = access.access_managed_offer_by_id(request.user, offer_id)
    actions.do_record_attendance(found, acting_user=request.user)
    messages.success(
        request, _("%(name)s is marked as having taken part.") % {"name": found.person.badge_name}
    )
    return redirect("recognition:project_payments", project_id=found.project_id)


@login_required
@require_POST
def withdraw_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    found = access.access_managed_offer_by_id(request.user, offer_id)
    try:
        actions.do_withdraw_offer(found, acting_user=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The offer to %(name)s is withdrawn.") % {"name": found.person.badge_name}
        )
    return redirect("recognition:project_payments", project_id=found.project_id)


@login_required
@require_POST
def eligibility(request: HttpRequest, project_id: int, person_id: int) -> HttpResponse:
    project = access.access_payments_project_by_id(request.user, project_id)
    member = access.project_member_by_person_id(project, person_id)
    salaried = request.POST.get("salaried") == "1"
    actions.do_set_salaried_for_time(project, member.person, salaried=salaried, acting_user=request.user)
    messages.success(request, _("Saved who is eligible for payment."))
    return redirect("recognition:project_payments", project_id=project.pk)


@login_required
@require_GET
def approval_queue(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.access_payments_project_by_id(request.user, project_id)
    page = Paginator(access.approval_queue(project), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return _private(render(request, "recognition/approval_queue.html", {"project": project, "page": page}))


# ---------------------------------------------------------------------------------- finance


@login_required
@require_GET
def finance(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_finance_organisation_by_id(request.user, organisation_id)
    rates = access.rate_card(organisation)
    context = {
        "organisation": organisation,
        "waiting": access.waiting_for_run(organisation),
        "runs": access.payment_runs(organisation)[:50],
        "rates": rates,
        "limits": access.permitted_work_limits(organisation),
        "settings": settings_for(organisation),
        "officers": access.finance_officers(organisation),
        "rate_form": RateForm(),
        "amount_form": RateAmountForm(rates=rates),
        "limit_form": PermittedWorkForm(),
    }
    return _private(render(request, "recognition/finance.html", context))


def _finance_form_response(request, organisation, form, form_name):
    rates = access.rate_card(organisation)
    context = {
        "organisation": organisation,
        "waiting": access.waiting_for_run(organisation),
        "runs": access.payment_runs(organisation)[:50],
        "rates": rates,
        "limits": access.permitted_work_limits(organisation),
        "settings": settings_for(organisation),
        "officers": access.finance_officers(organisation),
        "rate_form": RateForm(),
        "amount_form": RateAmountForm(rates=rates),
        "limit_form": PermittedWorkForm(),
        form_name: form,
    }
    return _private(render(request, "recognition/finance.html", context, status=400))


@login_required
@require_POST
def add_rate(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_finance_organisation_by_id(request.user, organisation_id)
    form = RateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_rate(
                organisation,
                name=data["name"],
                unit=data["unit"],
                amount_pence=data["amount"],
                effective_from=data["effective_from"],
                source=data["source"],
                preparation_paid=data["preparation_paid"],
                acting_user=request.user,
            )
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The rate is added to the rate card."))
            return redirect("recognition:finance", organisation_id=organisation.pk)
    return _finance_form_response(request, organisation, form, "rate_form")


@login_required
@require_POST
def set_rate_amount(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_finance_organisation_by_id(request.user, organisation_id)
    form = RateAmountForm(request.POST, rates=access.rate_card(organisation))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_set_rate_amount(
                data["rate"],
                amount_pence=data["amount"],
                effective_from=data["effective_from"],
                acting_user=request.user,
            )
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The new amount is saved. Offers already made keep their amount."))
            return redirect("recognition:finance", organisation_id=organisation.pk)
    return _finance_form_response(request, organisation, form, "amount_form")


@login_required
@require_POST
def set_permitted_work_limit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_finance_organisation_by_id(request.user, organisation_id)
    form = PermittedWorkForm(request.POST)
    if form.is_valid():
        actions.do_set_permitted_work_limit(
            organisation,
            weekly_pence=form.cleaned_data["weekly"],
            effective_from=form.cleaned_data["effective_from"],
            acting_user=request.user,
        )
        messages.success(request, _("The Permitted Work limit is saved."))
        return redirect("recognition:finance", organisation_id=organisation.pk)
    return _finance_form_response(request, organisation, form, "limit_form")


@login_required
@require_http_methods(["GET", "POST"])
def payment_settings(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_finance_organisation_by_id(request.user, organisation_id)
    current = settings_for(organisation)
    initial = {
        "advice_text": current.advice_text,
        "receipt_required_above": current.receipt_required_above_pence,
        "mileage_per_mile": current.mileage_pence_per_mile,
        "payment_within_weeks": current.payment_within_weeks,
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_update_payment_settings(
            organisation,
            advice_text=data["advice_text"],
            receipt_required_above_pence=data["receipt_required_above"],
            mileage_pence_per_mile=data["mileage_per_mile"],
            payment_within_weeks=data["payment_within_weeks"],
            acting_user=request.user,
        )
        messages.success(request, _("The payment settings are saved."))
        return redirect("recognition:finance", organisation_id=organisation.pk)
    return render(request, "recognition/settings.html", {"organisation": organisation, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def finance_officers(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_organisation_for_finance_role_by_id(request.user, organisation_id)
    form = FinanceOfficerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = access.person_by_email(form.cleaned_data["email"])
        if person is None:
            form.add_error(
                "email", _("Nobody uses Coproduce with this address. Invite them to a project first.")
            )
        else:
            actions.do_add_finance_officer(organisation, person, acting_user=request.user)
            messages.success(
                request,
                _("%(name)s now runs payments for %(organisation)s.")
                % {"name": person.badge_name, "organisation": organisation.name},
            )
            return redirect("recognition:finance_officers", organisation_id=organisation.pk)
    context = {"organisation": organisation, "form": form, "officers": access.finance_officers(organisation)}
    return render(request, "recognition/finance_officers.html", context)


@login_required
@require_POST
def create_run(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = access.access_finance_organisation_by_id(request.user, organisation_id)
    try:
        run = actions.do_create_payment_run(organisation, acting_user=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
        return redirect("recognition:finance", organisation_id=organisation.pk)
    messages.success(request, _("Payment run R-%(number)05d is ready to export.") % {"number": run.pk})
    return redirect("recognition:payment_run", run_id=run.pk)


@login_required
@require_GET
def payment_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.access_payment_run_by_id(request.user, run_id)
    return _private(render(request, "recognition/payment_run.html", {"run": run, "form": MarkPaidForm()}))


@login_required
@require_POST
def mark_run_paid(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.access_payment_run_by_id(request.user, run_id)
    form = MarkPaidForm(request.POST)
    if form.is_valid():
        try:
            actions.do_mark_run_paid(
                run,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
                acting_user=request.user,
            )
        except RecognitionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Payment run R-%(number)05d is marked paid.") % {"number": run.pk})
            return redirect("recognition:payment_run", run_id=run.pk)
    return _private(render(request, "recognition/payment_run.html", {"run": run, "form": form}, status=400))


@login_required
@require_GET
def export_run(request: HttpRequest, run_id: int, file_format: str) -> HttpResponse:
    run = access.access_payment_run_by_id(request.user, run_id)
    if file_format not in ("csv", "xlsx"):
        raise Http404("Not found.")
    claims = access.run_export_rows(run).iterator(chunk_size=2000)
    name = f"payment-run-R-{run.pk:05d}-{slugify(run.organisation.name)}"
    if file_format == "csv":
        response = HttpResponse(exports.run_csv(run, claims), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.run_xlsx(run, claims),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return _private(response)
