"""Paying people for their time: rates, offers, claims, expenses, payment runs.

Money is integer pence everywhere (``*_pence`` fields); it is shown as pounds only in templates and
exports (``recognition.money``). Rates and limits are organisation data with effective dates: what
applies to an activity is the row in force on the activity's date, so a later change never alters
what was offered or earned before it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.events.models import Event
from coproduce.live.models import LiveSession
from coproduce.partnerships.models import Organisation, Project

# ------------------------------------------------------------------------------ organisation data


class FinanceOfficer(models.Model):
    """Someone in an organisation's finance team: runs payments for every project the organisation is in.

    This is an organisation role, not a project role: finance people are rarely project members, and
    they see amounts and payment choices (never anything else about a project).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="finance_officers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"], name="one_finance_role_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} (finance, {self.organisation})"


class PaymentSettings(models.Model):
    """An organisation's payment settings (one row per organisation; defaults until someone sets them)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="payment_settings"
    )
    advice_text = models.TextField(
        blank=True,
        help_text=_("Where people can get free, independent advice about benefits and payments."),
    )
    receipt_required_above_pence = models.PositiveIntegerField(
        default=1000, help_text=_("Expenses above this amount need a receipt. Mileage never does.")
    )
    mileage_pence_per_mile = models.PositiveIntegerField(default=45)
    payment_within_weeks = models.PositiveSmallIntegerField(
        default=4, help_text=_("How soon after approval people are paid.")
    )

    def __str__(self) -> str:
        return f"Payment settings of {self.organisation}"


class Rate(models.Model):
    """A named rate on an organisation's rate card, e.g. "Workshop, per hour". Amounts change by date."""

    class Unit(models.TextChoices):
        HOUR = "hour", _("per hour")
        HALF_DAY = "half_day", _("per half day")
        DAY = "day", _("per day")
        TASK = "task", _("per task")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rates")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    preparation_paid = models.BooleanField(
        default=False, help_text=_("Preparation time is paid at the same rate.")
    )
    source = models.CharField(
        max_length=200, blank=True, help_text=_("The guidance this rate follows, e.g. NIHR payment guidance.")
    )

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="rate_name_unique_in_organisation"),
            models.CheckConstraint(
                condition=Q(unit__in=["hour", "half_day", "day", "task"]), name="rate_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_unit_display()})"


class RateAmount(models.Model):
    """The amount of a rate from a date on, until the next row of the same rate takes over."""

    rate = models.ForeignKey(Rate, on_delete=models.CASCADE, related_name="amounts")
    amount_pence = models.PositiveIntegerField()
    effective_from = models.DateField()

    class Meta:
        ordering = ["rate", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["rate", "effective_from"], name="one_rate_amount_per_date"),
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="rate_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rate}: {self.amount_pence}p from {self.effective_from}"


class PermittedWorkLimit(models.Model):
    """The weekly Permitted Work earnings limit, as organisation data with a date it applies from."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="permitted_work_limits"
    )
    weekly_pence = models.PositiveIntegerField()
    effective_from = models.DateField()

    class Meta:
        ordering = ["organisation", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "effective_from"], name="one_permitted_work_limit_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"Permitted Work limit {self.weekly_pence}p from {self.effective_from}"


# ----------------------------------------------------------------------------- project policy


class ActivityKind(models.TextChoices):
    EVENT = "event", _("An event")
    LIVE = "live", _("A live session")
    TASK = "task", _("A task, such as reviewing papers")


class ExpenseKind(models.TextChoices):
    MILEAGE = "mileage", _("Mileage")
    PUBLIC_TRANSPORT = "public_transport", _("Public transport")
    TAXI = "taxi", _("Taxi")
    CARER = "carer", _("Carer cover")
    CHILDCARE = "childcare", _("Childcare")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    DATA_PHONE = "data_phone", _("Data and phone costs")


class PaymentPolicy(models.Model):
    """How one project pays people: which activities, at which rate, who is eligible, and its budget."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="payment_policy")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payment_policies", help_text=_("Who pays.")
    )
    default_rate = models.ForeignKey(Rate, on_delete=models.PROTECT, related_name="+")
    paid_activities = models.JSONField(default=list, help_text=_("Codes from ActivityKind."))
    covered_expenses = models.JSONField(default=list, help_text=_("Codes from ExpenseKind."))
    budget_pence = models.PositiveIntegerField(default=0)
    second_approval_above_pence = models.PositiveIntegerField(
        default=20000, help_text=_("Claims whose total is above this need a second approver.")
    )

    def __str__(self) -> str:
        return f"Payment policy of {self.project}"


class SalariedForTime(models.Model):
    """A person not eligible for payment in a project: paid a full-time public-sector salary for this time."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="one_salaried_mark_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} is salaried for time in {self.project}"


class PrivateWeeklyLimit(models.Model):
    """A weekly limit a person keeps for themselves. Nobody else ever sees it, not even finance."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_weekly_limit"
    )
    weekly_pence = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Private weekly limit of {self.person}"


# ------------------------------------------------------------------------------------ offers


class Offer(models.Model):
    """What one person is offered for one activity, made before it, and the choice they made.

    The amount is worked out when the offer is made, from the rate in force on the activity's date,
    and stored: a later rate change never alters it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for your choice")
        CHOSEN = "chosen", _("Choice made")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Choice(models.TextChoices):
        FULL = "full", _("The full amount")
        LOWER = "lower", _("A lower amount")
        DONATE = "donate", _("Donate it to a cause")
        EXPENSES_ONLY = "expenses_only", _("Expenses only")
        DECLINE = "decline", _("No payment, thank you")

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        VOUCHER = "voucher", _("Voucher")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payment_offers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_offers"
    )
    kind = models.CharField(max_length=8, choices=ActivityKind.choices)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    live_session = models.ForeignKey(
        LiveSession, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200, help_text=_("What the person is paid for."))
    activity_date = models.DateField()
    rate = models.ForeignKey(Rate, on_delete=models.PROTECT, related_name="+")
    rate_amount_pence = models.PositiveIntegerField(help_text=_("The rate in force on the activity's date."))
    units = models.PositiveSmallIntegerField(
        default=1, help_text=_("Hours, half days, days or tasks, as the rate counts them.")
    )
    preparation_units = models.PositiveSmallIntegerField(default=0)
    amount_pence = models.PositiveIntegerField()
    expenses_covered = models.JSONField(default=list, help_text=_("Codes from ExpenseKind."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    choice = models.CharField(max_length=14, choices=Choice.choices, blank=True)
    method = models.CharField(max_length=14, choices=Method.choices, blank=True)
    chosen_amount_pence = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("The fee the person chose to take (after a lower amount or donation)."),
    )
    donation_cause = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    chosen_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the person took part (check-in, live session or marked done)."),
    )

    class Meta:
        ordering = ["-activity_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "event"],
                condition=Q(event__isnull=False) & ~Q(status="withdrawn"),
                name="one_offer_per_person_per_event",
            ),
            models.UniqueConstraint(
                fields=["person", "live_session"],
                condition=Q(live_session__isnull=False) & ~Q(status="withdrawn"),
                name="one_offer_per_person_per_live_session",
            ),
            models.CheckConstraint(
                condition=(Q(kind="event") & Q(event__isnull=False) & Q(live_session__isnull=True))
                | (Q(kind="live") & Q(live_session__isnull=False))
                | (Q(kind="task") & Q(event__isnull=True) & Q(live_session__isnull=True)),
                name="offer_names_its_activity",
            ),
            models.CheckConstraint(
                condition=Q(status="chosen", chosen_at__isnull=False, chosen_amount_pence__isnull=False)
                & ~Q(choice="")
                | ~Q(status="chosen"),
                name="chosen_offer_has_choice",
            ),
            models.CheckConstraint(
                condition=Q(chosen_amount_pence__isnull=True) | Q(chosen_amount_pence__lte=F("amount_pence")),
                name="chosen_amount_at_most_offered",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"], name="offer_project_status")]

    def __str__(self) -> str:
        return f"Offer to {self.person} for {self.title}"

    @property
    def accepted(self) -> bool:
        """Chosen, and not declined: attendance turns it into a claim."""
        return self.status == self.Status.CHOSEN and self.choice != self.Choice.DECLINE

    @property
    def fee_to_person_pence(self) -> int:
        """The fee the person is paid themselves (0 when donated or expenses only)."""
        if not self.accepted or self.choice == self.Choice.DONATE:
            return 0
        return self.chosen_amount_pence or 0

    @property
    def donated_pence(self) -> int:
        return (self.chosen_amount_pence or 0) if self.accepted and self.choice == self.Choice.DONATE else 0


# ------------------------------------------------------------------------------------ claims


class PaymentRun(models.Model):
    """A batch of approved claims exported to finance together, then marked paid together."""

    class Status(models.TextChoices):
        EXPORTED = "exported", _("Ready to pay")
        PAID = "paid", _("Paid")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="payment_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.EXPORTED)
    claim_count = models.PositiveIntegerField(default=0)
    total_pence = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="exported", paid_on__isnull=True)
                | Q(status="paid", paid_on__isnull=False) & ~Q(reference=""),
                name="paid_run_has_date_and_reference",
            )
        ]

    def __str__(self) -> str:
        return f"Payment run {self.pk} ({self.get_status_display()})"


class Claim(models.Model):
    """What a person claims for one activity they took part in: the fee they chose and their expenses.

    Created as a draft when they attend (from their accepted offer); they confirm it, a coordinator
    approves it (a second person too above the project's threshold), finance puts it in one payment
    run and marks it paid. ``total_pence`` is always ``fee_pence + expenses_pence`` (a constraint).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: please check it and send it")
        SUBMITTED = "submitted", _("Sent: waiting for approval")
        RETURNED = "returned", _("Returned to you: please look at the reason")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="claim")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payment_claims")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="payment_claims", help_text=_("Who pays.")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_claims"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    fee_pence = models.PositiveIntegerField(default=0)
    donated_pence = models.PositiveIntegerField(default=0)
    expenses_pence = models.PositiveIntegerField(default=0)
    total_pence = models.PositiveIntegerField(default=0, help_text=_("Fee and expenses paid to the person."))
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    second_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    payment_run = models.ForeignKey(
        PaymentRun, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_pence=F("fee_pence") + F("expenses_pence")), name="claim_total_adds_up"
            ),
            models.CheckConstraint(
                condition=Q(second_approved_by__isnull=True) | ~Q(second_approved_by=F("first_approved_by")),
                name="second_approver_is_someone_else",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"]) | Q(approved_at__isnull=False),
                name="approved_claim_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(payment_run__isnull=False, paid_on__isnull=False),
                name="paid_claim_is_in_a_paid_run",
            ),
            models.CheckConstraint(
                condition=Q(payment_run__isnull=True) | Q(status__in=["approved", "paid"]),
                name="only_approved_claims_in_runs",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status"], name="claim_project_status"),
            models.Index(fields=["organisation", "status", "payment_run"], name="claim_awaiting_run"),
        ]

    def __str__(self) -> str:
        return f"Claim by {self.person} for {self.offer.title}"

    @property
    def editable_by_person(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


def receipt_path(expense: Expense, filename: str) -> str:
    # The stored name never includes the uploaded name: it may hold personal details.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    now = timezone.now()
    return f"recognition/receipts/{now:%Y/%m}/{expense.claim_id}-{now:%d%H%M%S%f}.{extension}"


class Expense(models.Model):
    """One expense on a claim, separate from the fee."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(max_length=16, choices=ExpenseKind.choices)
    description = models.CharField(max_length=200, blank=True)
    miles = models.PositiveIntegerField(null=True, blank=True)
    amount_pence = models.PositiveIntegerField()
    reason = models.CharField(max_length=300, blank=True, help_text=_("Why a taxi was needed."))
    receipt = models.FileField(upload_to=receipt_path, blank=True)
    receipt_content_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(condition=~Q(kind="taxi") | ~Q(reason=""), name="taxi_has_reason"),
            models.CheckConstraint(condition=~Q(kind="mileage") | Q(miles__gt=0), name="mileage_has_miles"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount_pence}p"
