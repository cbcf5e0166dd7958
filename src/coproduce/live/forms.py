from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .actions import BADGE_NAME_MAX, EXTEND_MINUTES_MAX
from .formats import format_choices
from .models import LiveSession, Phase


def _capacity_hint() -> str:
    if settings.COPRODUCE_LIVE_DEFAULT_CAPACITY:
        return _("Leave empty for the usual limit of %(limit)d people.") % {
            "limit": settings.COPRODUCE_LIVE_DEFAULT_CAPACITY
        }
    return _("Leave empty for no limit.")


def _signed_in_only_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Only people who are signed in can join"),
        required=False,
        help_text=_(
            "The join code alone is then not enough: people are asked to sign in first, and come back to "
            "join. Leave it unticked for sessions open to anyone in the room."
        ),
    )


class _CapacityMixin:
    """The capacity hint names the usual limit, which an operator may change in the settings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].help_text = _capacity_hint()


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Session code",
        max_length=20,
        help_text="The six letters and numbers shown on the screen in the room, e.g. K7P 3MX.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": "Please enter the session code shown in the room."},
    )
    badge_name = forms.CharField(
        label="Your badge name",
        max_length=BADGE_NAME_MAX,
        help_text="The only name others will see. A first name or a nickname is fine.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={
            "required": "Please tell us the name to show on your badge.",
            "max_length": f"Please keep your badge name to {BADGE_NAME_MAX} characters or fewer.",
        },
    )


class CreateSessionForm(_CapacityMixin, forms.Form):
    title = forms.CharField(label="Session title", max_length=200, help_text="Shown to everyone who joins.")
    format_key = forms.ChoiceField(
        label="Format",
        widget=forms.RadioSelect,
        help_text="You can change, add and remove phases afterwards.",
    )
    capacity = forms.IntegerField(
        label="Most people who can join",
        required=False,
        min_value=1,
        max_value=5000,
    )
    moderation = forms.ChoiceField(
        label="Statements",
        choices=LiveSession.Moderation.choices,
        widget=forms.RadioSelect,
        initial=LiveSession.Moderation.AUTOMATIC,
    )
    signed_in_only = _signed_in_only_field()

    def __init__(self, *args, has_agenda: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format_key"].choices = format_choices(has_agenda)


class SessionSettingsForm(_CapacityMixin, forms.Form):
    title = forms.CharField(label="Session title", max_length=200)
    capacity = forms.IntegerField(
        label="Most people who can join",
        required=False,
        min_value=1,
        max_value=5000,
    )
    moderation = forms.ChoiceField(
        label="Statements", choices=LiveSession.Moderation.choices, widget=forms.RadioSelect
    )
    signed_in_only = _signed_in_only_field()


class PhaseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=120)
    purpose = forms.CharField(
        label="Purpose",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to everyone during this phase.",
    )
    duration_minutes = forms.IntegerField(label="Length in minutes", min_value=1, max_value=480)
    activity = forms.ChoiceField(label="Activity", choices=Phase.Activity.choices, widget=forms.RadioSelect)
    additions_per_piece = forms.IntegerField(
        label="Pass it on: additions per piece",
        min_value=1,
        max_value=12,
        initial=3,
        help_text="How many other people add to each piece. Used only for pass it on.",
    )


class ExtendForm(forms.Form):
    minutes = forms.IntegerField(
        label="Extend by (minutes)", min_value=1, max_value=EXTEND_MINUTES_MAX, initial=5
    )


class CoFacilitatorForm(forms.Form):
    person = forms.ChoiceField(label="Project member")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Choose someone")] + [(str(p.pk), p.badge_name) for p in people]
