"""Forms for events: every message is shown next to its field, and every form works without JavaScript."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.utils import timezone

from coproduce.core.text import clean_line
from coproduce.people.models import AccessNeed

from .access import TimeOfDay
from .models import Event, Registration

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S"]
BAD_DATE = "Enter a date, for example 14/03/2027."
BAD_DATETIME = "Enter a date and time, for example 14/03/2027 18:30."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventFilterForm(forms.Form):
    """Filters on the public events page (sent with GET, so every filtered list has its own address)."""

    FORMAT_CHOICES = [
        ("", "Any way of taking part"),
        (Event.Format.IN_PERSON, "In person (includes hybrid)"),
        (Event.Format.ONLINE, "Online (includes hybrid)"),
        (Event.Format.HYBRID, "Hybrid only"),
    ]
    TIME_CHOICES = [
        (TimeOfDay.DAYTIME, "Daytime (starts before 5pm)"),
        (TimeOfDay.EVENING, "Evening (starts at 5pm or later)"),
        (TimeOfDay.WEEKEND, "Weekend (Saturday or Sunday)"),
    ]

    format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)
    time_of_day = forms.MultipleChoiceField(
        label="Time of day",
        choices=TIME_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="UK time.",
        error_messages={"invalid_choice": "Choose times from the list."},
    )
    start_date = forms.DateField(
        label="From",
        required=False,
        widget=DateInput,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": BAD_DATE},
    )
    end_date = forms.DateField(
        label="To",
        required=False,
        widget=DateInput,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": BAD_DATE},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return data


class RegistrationForm(forms.Form):
    """Sign up for one event. Access needs start as the person's profile says; they can change them here."""

    badge_name = forms.CharField(
        label="Your name",
        max_length=60,
        help_text="The name on your badge. It is the only name other participants see.",
        error_messages={"required": "Enter the name you would like on your badge."},
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We send your confirmation here. We do not share it.",
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the right format, like name@example.org.",
        },
    )
    attendance = forms.ChoiceField(
        label="How will you take part?",
        choices=Registration.Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you will take part in person or online."},
    )
    access_needs = forms.MultipleChoiceField(
        label="Which of these apply to you for this event?",
        choices=AccessNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the event's organisers see this, to plan for it. Other participants never see it.",
        error_messages={"invalid_choice": "Choose access needs from the list."},
    )
    access_needs_details = forms.CharField(
        label="Anything else that would help you take part?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example which language, which diet, or what helps you feel comfortable.",
        error_messages={"max_length": "Keep this to 1,000 characters or fewer."},
    )

    def __init__(self, *args, event: Event, person=None, **kwargs):
        signed_in = bool(person and person.is_authenticated)
        if signed_in:
            kwargs.setdefault(
                "initial",
                {
                    "access_needs": [code for code in person.access_needs if code in AccessNeed.values],
                    "access_needs_details": person.access_needs_details,
                },
            )
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["badge_name"]
            del self.fields["email"]
        if event.format != Event.Format.HYBRID:
            del self.fields["attendance"]


class EventForm(forms.Form):
    """Create or edit an event. Dates and times are read in the event's own time zone."""

    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title."})
    description = forms.CharField(
        label="What it is about",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Plain English: what will happen and who it is for.",
    )
    kind = forms.ChoiceField(label="Kind of event", choices=Event.Kind.choices, initial=Event.Kind.WORKSHOP)
    is_public = forms.BooleanField(
        label="Public: list it on the public events page, where anyone can sign up",
        required=False,
        help_text="Otherwise only members of the project can see it and sign up.",
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=DateTimeInput,
        input_formats=DATETIME_FORMATS,
        error_messages={"required": "Enter when the event starts.", "invalid": BAD_DATETIME},
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        widget=DateTimeInput,
        input_formats=DATETIME_FORMATS,
        error_messages={"required": "Enter when the event ends.", "invalid": BAD_DATETIME},
    )
    time_zone = forms.CharField(
        label="Time zone",
        max_length=64,
        initial="Europe/London",
        help_text="The dates and times above are in this time zone, for example Europe/London.",
        error_messages={"required": "Enter a time zone, for example Europe/London."},
    )
    format = forms.ChoiceField(
        label="Format",
        choices=Event.Format.choices,
        widget=forms.RadioSelect,
        initial=Event.Format.IN_PERSON,
    )
    venue = forms.CharField(
        label="Venue",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Address and how to find the room. Needed for in-person and hybrid events.",
    )
    access_information = forms.CharField(
        label="Access information",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Step-free access, hearing loop, quiet space, toilets, parking, buses.",
    )
    online_joining_link = forms.URLField(
        label="Online joining link",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Shown only to people with a place. You can add it later.",
        error_messages={"invalid": "Enter a full web address, like https://meet.example.org/room."},
    )
    capacity = forms.IntegerField(
        label="Number of places",
        required=False,
        min_value=1,
        max_value=100000,
        help_text="Leave empty for no limit. When it is full, people join a waitlist.",
        error_messages={
            "invalid": "Enter a whole number of places, or leave it empty for no limit.",
            "min_value": "Enter 1 place or more, or leave it empty for no limit.",
            "max_value": "Enter 100,000 places or fewer.",
        },
    )
    registration_opens_at = forms.DateTimeField(
        label="Sign-up opens",
        required=False,
        widget=DateTimeInput,
        input_formats=DATETIME_FORMATS,
        help_text="Leave empty to open sign-up straight away.",
        error_messages={"invalid": BAD_DATETIME},
    )
    registration_closes_at = forms.DateTimeField(
        label="Sign-up closes",
        required=False,
        widget=DateTimeInput,
        input_formats=DATETIME_FORMATS,
        help_text="Leave empty to close sign-up when the event starts.",
        error_messages={"invalid": BAD_DATETIME},
    )

    DATETIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        """The form's starting values for an existing event, times shown in its own time zone."""
        zone = ZoneInfo(event.time_zone)
        initial = {name: getattr(event, name) for name in cls.base_fields}
        for name in cls.DATETIME_FIELDS:
            if initial[name] is not None:
                initial[name] = initial[name].astimezone(zone).replace(tzinfo=None)
        if initial["capacity"] is None:
            initial["capacity"] = ""
        return initial

    def clean_title(self) -> str:
        """One line: the title is the subject of every e-mail about the event."""
        title = clean_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError("Enter a title.")
        return title

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError("Enter a time zone name, for example Europe/London.") from None
        return name

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name:
            # Django read the times as UK time; re-read the same wall-clock times in the chosen zone.
            zone = ZoneInfo(zone_name)
            for name in self.DATETIME_FIELDS:
                value: datetime | None = data.get(name)
                if value is not None:
                    wall_clock = timezone.localtime(value).replace(tzinfo=None)
                    data[name] = wall_clock.replace(tzinfo=zone)
        starts, ends = data.get("starts_at"), data.get("ends_at")
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end must be after the start.")
        if (
            data.get("format") in (Event.Format.IN_PERSON, Event.Format.HYBRID)
            and not data.get("venue", "").strip()
        ):
            self.add_error("venue", "Say where the event is, for the people coming in person.")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", "Sign-up must close after it opens.")
        if starts and closes and closes > starts:
            self.add_error(
                "registration_closes_at", "Sign-up must close no later than the start of the event."
            )
        if starts and opens and opens >= starts:
            self.add_error("registration_opens_at", "Sign-up must open before the event starts.")
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for this part of the agenda."},
    )
    duration_minutes = forms.IntegerField(
        label="Minutes",
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Enter how many minutes this part takes.",
            "invalid": "Enter a whole number of minutes, like 20.",
            "min_value": "Enter 1 minute or more.",
            "max_value": "Enter 600 minutes or fewer.",
        },
    )
    purpose = forms.CharField(
        label="Purpose",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What this part is for, in a sentence.",
    )
