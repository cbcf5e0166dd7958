"""Forms for signing in, the profile and erasure. Every message says what to do next."""

from __future__ import annotations

import re

from django import forms

from . import signin
from .models import AccessNeed, Person, Perspective


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        help_text="We will e-mail you a link and a code to sign in. There is no password to remember.",
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address in the right format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return signin.normalise_email(self.cleaned_data["email"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Sign-in code",
        help_text="The 6 digits in the e-mail we sent you. Spaces do not matter.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from the e-mail"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = signin.normalise_code(self.cleaned_data["code"])
        if not re.fullmatch(rf"\d{{{signin.CODE_DIGITS}}}", code):
            raise forms.ValidationError("Enter the 6-digit code from the e-mail, using numbers only")
        return code


PHONE_CHARACTERS = re.compile(r"^\+?[\d\s()\-]+$")


class ProfileForm(forms.Form):
    badge_name = forms.CharField(
        label="Badge name",
        max_length=60,
        help_text="The only name other participants see, on badges and next to anything you say. "
        "A first name or a nickname is fine.",
        error_messages={
            "required": "Enter a badge name: the name other people will see",
            "max_length": "Badge name must be 60 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    pronouns = forms.CharField(
        label="Pronouns",
        required=False,
        max_length=40,
        help_text=(
            "For example she/her, he/him, they/them. Other participants may see them with your badge name."
        ),
        error_messages={"max_length": "Pronouns must be 40 characters or fewer"},
    )
    contact_preference = forms.ChoiceField(
        label="How should coordinators contact you?",
        choices=Person.ContactPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how coordinators should contact you"},
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        help_text="Needed if you choose phone.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": "Phone number must be 40 characters or fewer"},
    )
    postal_address = forms.CharField(
        label="Postal address",
        required=False,
        max_length=500,
        help_text="Needed if you choose post. Include the postcode.",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
        error_messages={"max_length": "Postal address must be 500 characters or fewer"},
    )
    access_needs = forms.MultipleChoiceField(
        label="Communication and access needs",
        required=False,
        choices=AccessNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everything that helps you take part. Organisers see these to plan each session; "
        "other participants never do. You do not have to say why.",
    )
    access_needs_details = forms.CharField(
        label="Anything else about your needs",
        required=False,
        max_length=2000,
        help_text="For example which language, which diet, or what helps you in a session.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Keep this to 2000 characters or fewer"},
    )
    perspectives = forms.MultipleChoiceField(
        label="Your perspective",
        required=False,
        choices=Perspective.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Optional and private: only you and the coordinators of your projects can see this, and "
        "it is only ever counted, never shown next to your name.",
    )

    def clean_badge_name(self) -> str:
        name = " ".join(self.cleaned_data["badge_name"].split())
        if not name:
            raise forms.ValidationError("Enter a badge name: the name other people will see")
        if "@" in name:
            raise forms.ValidationError("Use a name rather than an e-mail address: other people will see it")
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone:
            digits = sum(ch.isdigit() for ch in phone)
            if not PHONE_CHARACTERS.match(phone) or not 10 <= digits <= 15:
                raise forms.ValidationError("Enter a phone number, like 07700 900123 or +44 7700 900123")
        return phone

    def clean_postal_address(self) -> str:
        return "\n".join(line.strip() for line in self.cleaned_data["postal_address"].strip().splitlines())

    def clean(self):
        cleaned = super().clean()
        preference = cleaned.get("contact_preference")
        if (
            preference == Person.ContactPreference.PHONE
            and not cleaned.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error("phone", "Enter a phone number, or choose another way for us to contact you")
        if (
            preference == Person.ContactPreference.POST
            and not cleaned.get("postal_address")
            and "postal_address" not in self.errors
        ):
            self.add_error(
                "postal_address", "Enter your postal address, or choose another way for us to contact you"
            )
        return cleaned


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my personal data will be erased and this cannot be undone",
        error_messages={"required": "Tick the box to confirm that you want your data erased"},
    )
