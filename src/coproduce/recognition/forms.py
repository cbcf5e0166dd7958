"""Payment forms. Amounts are typed in pounds ("12.50") and become integer pence here (no floats)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ActivityKind, ExpenseKind, Offer, Rate
from .money import parse_pounds, plain_pounds

AMOUNT_ERROR = _("Enter an amount in pounds and pence, for example 12.50.")


class PoundsField(forms.Field):
    """Pounds typed by a person, cleaned to integer pence."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {"inputmode": "decimal", "autocomplete": "off", "class": "input--short", "maxlength": "12"}
        )
        return attrs

    def prepare_value(self, value):
        return plain_pounds(value) if isinstance(value, int) else value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if len(str(value)) > 12:
            raise forms.ValidationError(AMOUNT_ERROR, code="invalid")
        try:
            return parse_pounds(value)
        except ValueError:
            raise forms.ValidationError(AMOUNT_ERROR, code="invalid") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# ------------------------------------------------------------------------------ the person


class OfferChoiceForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("What would you like to do?"),
        choices=Offer.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you would like to do.")},
    )
    method = forms.ChoiceField(
        label=_("How would you like to be paid?"),
        choices=Offer.Method.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("For the fee and any expenses. Not needed if you decline."),
    )
    lower_amount = PoundsField(
        label=_("The amount you would like, in pounds"),
        required=False,
        help_text=_("Only if you chose a lower amount. For example 20.00."),
    )
    donation_cause = forms.CharField(
        label=_("The cause you would like us to donate to"),
        required=False,
        max_length=200,
        help_text=_("Only if you chose to donate. For example a local charity."),
    )
    confirm_past_limit = forms.BooleanField(
        label=_("I know this takes me past the weekly limit I set for myself, and I still want it."),
        required=False,
    )


class PrivateLimitForm(forms.Form):
    weekly_limit = PoundsField(
        label=_("My weekly limit, in pounds"),
        required=False,
        help_text=_("Leave empty to stop using a limit. Only you can see this."),
    )


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it for?"), choices=ExpenseKind.choices)
    miles = forms.IntegerField(
        label=_("Miles travelled (mileage only)"),
        required=False,
        min_value=1,
        max_value=2000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    amount = PoundsField(label=_("What you paid, in pounds (not for mileage)"), required=False)
    description = forms.CharField(
        label=_("Details"), required=False, max_length=200, help_text=_("For example: bus from Harbour Lane.")
    )
    reason = forms.CharField(label=_("Why a taxi was needed (taxis only)"), required=False, max_length=300)
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=_("A photo or a PDF. You can take a photo with your phone."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, covered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ExpenseKind.choices)
        self.fields["kind"].choices = [(code, labels[code]) for code in covered if code in labels]


# ------------------------------------------------------------------------------ coordinators


class ReturnClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you returning it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person sees this. Say what to put right."),
        max_length=2000,
    )


class PolicyForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Who pays"), queryset=None, empty_label=None)
    default_rate = forms.ModelChoiceField(label=_("Usual rate"), queryset=None, empty_label=None)
    paid_activities = forms.MultipleChoiceField(
        label=_("Activities that are paid"), choices=ActivityKind.choices, widget=forms.CheckboxSelectMultiple
    )
    covered_expenses = forms.MultipleChoiceField(
        label=_("Expenses that are covered"),
        choices=ExpenseKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget = PoundsField(label=_("Budget for payments, in pounds"))
    second_approval_above = PoundsField(
        label=_("Claims above this total need a second approver, in pounds"), initial="200.00"
    )

    def __init__(self, *args, organisations, rates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["default_rate"].queryset = rates


class OfferForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it for?"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    event = forms.ModelChoiceField(label=_("Event"), queryset=None, required=False)
    live_session = forms.ModelChoiceField(label=_("Live session"), queryset=None, required=False)
    title = forms.CharField(
        label=_("Task"),
        required=False,
        max_length=200,
        help_text=_("For a task: what it is, e.g. reviewing papers."),
    )
    activity_date = forms.DateField(label=_("Date of the task"), required=False, widget=DateInput())
    rate = forms.ModelChoiceField(
        label=_("Rate"), queryset=None, required=False, empty_label=_("The usual rate")
    )
    units = forms.IntegerField(
        label=_("How many (hours, half days, days or tasks, as the rate counts)"), min_value=1, max_value=100
    )
    preparation_units = forms.IntegerField(
        label=_("Preparation, in the same units"), min_value=0, max_value=100, initial=0, required=False
    )
    people = forms.MultipleChoiceField(
        label=_("Who to offer it to"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )

    def __init__(self, *args, events, sessions, rates, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["live_session"].queryset = sessions
        self.fields["rate"].queryset = rates
        self.fields["people"].choices = [(str(m.person_id), m.person.badge_name) for m in members]


# ---------------------------------------------------------------------------------- finance


class RateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("For example: Workshop, per hour."))
    unit = forms.ChoiceField(label=_("Paid"), choices=Rate.Unit.choices)
    amount = PoundsField(label=_("Amount, in pounds"))
    effective_from = forms.DateField(label=_("From"), widget=DateInput())
    source = forms.CharField(
        label=_("Follows"), max_length=200, required=False, help_text=Rate._meta.get_field("source").help_text
    )
    preparation_paid = forms.BooleanField(label=_("Preparation time is paid"), required=False)


class RateAmountForm(forms.Form):
    rate = forms.ModelChoiceField(label=_("Rate"), queryset=None, empty_label=None)
    amount = PoundsField(label=_("New amount, in pounds"))
    effective_from = forms.DateField(
        label=_("From"),
        widget=DateInput(),
        help_text=_("Offers for activities before this date keep the old amount."),
    )

    def __init__(self, *args, rates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].queryset = rates


class PermittedWorkForm(forms.Form):
    weekly = PoundsField(label=_("Permitted Work weekly earnings limit, in pounds"))
    effective_from = forms.DateField(label=_("From"), widget=DateInput())


class SettingsForm(forms.Form):
    advice_text = forms.CharField(
        label=_("Where to get free advice"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Shown to people on the benefits page: names, phone numbers, websites."),
    )
    receipt_required_above = PoundsField(label=_("Receipts needed for expenses above, in pounds"))
    mileage_per_mile = PoundsField(label=_("Mileage, in pounds per mile"))
    payment_within_weeks = forms.IntegerField(
        label=_("People are paid within (weeks)"), min_value=1, max_value=26
    )


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(label=_("Payment reference"), max_length=100)


class FinanceOfficerForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of someone already using Coproduce"))
