"""Forms: parse and check input; every message is written for the person who sees it next to the field."""

from __future__ import annotations

from django import forms

from coproduce.people.signin import normalise_email

from .actions import GROUND_RULES_MAX_LENGTH
from .ladder import LADDER
from .models import Membership, Organisation, Project

PURPOSE_MAX_LENGTH = 2000


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the organisation's name.",
            "max_length": "Keep the name under 200 characters.",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of organisation this is.",
            "invalid_choice": "Choose what kind of organisation this is.",
        },
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text="For example, https://www.example.org",
        error_messages={"invalid": "Enter a full web address, like https://www.example.org"},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(f"There is already an organisation called “{name}”.")
        return name


class ProjectForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title for the project.",
            "max_length": "Keep the title under 200 characters.",
        },
    )
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=PURPOSE_MAX_LENGTH,
        help_text="What the project is for, in plain English: a few sentences anyone could follow.",
        error_messages={
            "required": "Say in plain English what the project is for.",
            "max_length": f"Keep the purpose under {PURPOSE_MAX_LENGTH:,} characters: a short "
            "paragraph is easiest to read.",
        },
    )
    ladder_rung = forms.ChoiceField(
        label="Which rung of the ladder of co-production does the project aim for?",
        choices=[(step.rung, f"{step.label}: {step.explanation}") for step in LADDER],
        widget=forms.RadioSelect,
        initial=Project.LadderRung.CO_PRODUCTION,
        help_text="Be honest: it helps everyone know how much say they will really have.",
        error_messages={
            "required": "Choose a rung of the ladder of co-production.",
            "invalid_choice": "Choose a rung of the ladder of co-production.",
        },
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Partner organisations",
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose organisations from the list.",
            "invalid_pk_value": "Choose organisations from the list.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=Project.Status.choices,
        widget=forms.RadioSelect,
        help_text="A closed project is kept for the record; its ground rules can no longer change.",
        error_messages={
            "required": "Choose planning, active or closed.",
            "invalid_choice": "Choose planning, active or closed.",
        },
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        error_messages={
            "required": "Choose one of the roles listed.",
            "invalid_choice": "Choose one of the roles listed.",
        },
    )


class GroundRulesDraftForm(forms.Form):
    text = forms.CharField(
        label="Draft ground rules",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=GROUND_RULES_MAX_LENGTH,
        help_text="Write them the way you would say them to each other. One rule per line works well.",
        error_messages={
            "required": "Write the ground rules before saving them.",
            "max_length": f"Keep the ground rules under {GROUND_RULES_MAX_LENGTH:,} characters.",
        },
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PublishGroundRulesForm(forms.Form):
    text = forms.CharField(
        label="Ground rules to publish",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=GROUND_RULES_MAX_LENGTH,
        help_text="This is the shared draft. Members will be asked to read and agree to exactly this.",
        error_messages={
            "required": "Write the ground rules before saving them.",
            "max_length": f"Keep the ground rules under {GROUND_RULES_MAX_LENGTH:,} characters.",
        },
    )
    summary_of_changes = forms.CharField(
        label="What has changed?",
        required=False,
        max_length=300,
        help_text="One or two sentences, so members know what to look for.",
        error_messages={"max_length": "Keep the summary of changes under 300 characters."},
    )


class AgreeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Their e-mail address",
        error_messages={
            "required": "Enter the e-mail address of the person you are inviting",
            "invalid": "Enter an e-mail address in the right format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    badge_name = forms.CharField(
        label="Suggested badge name",
        required=False,
        max_length=60,
        help_text="Only used if they are new to Coproduce. They can change it; if you leave it empty, "
        "they choose one when they first sign in.",
        error_messages={"max_length": "Badge name must be 60 characters or fewer"},
    )
    role = forms.ChoiceField(
        label="Role in this project",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role in this project"},
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean_badge_name(self) -> str:
        name = " ".join(self.cleaned_data["badge_name"].split())
        if "@" in name:
            raise forms.ValidationError("Use a name rather than an e-mail address: other people will see it")
        return name
