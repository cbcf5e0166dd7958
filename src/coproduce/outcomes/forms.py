"""Forms for actions. They parse input; the actions decide what may change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import library
from .models import Action, ActionSource, FeedbackQuestion
from .origins import Candidate

EXCERPT_CHARS = 140


class DateInput(forms.DateInput):
    input_type = "date"


def _label(candidate: Candidate) -> str:
    text = candidate.text if len(candidate.text) <= EXCERPT_CHARS else candidate.text[:EXCERPT_CHARS] + "…"
    return f"“{text}” ({candidate.where})"


class LinksMixin:
    """One group of checkboxes per kind of origin that this project has."""

    def add_link_fields(self, candidates: dict[str, list[Candidate]]) -> None:
        labels = dict(ActionSource.Kind.choices)
        self.link_fields = []
        for kind, items in candidates.items():
            if not items:
                continue
            name = f"links_{kind}"
            self.fields[name] = forms.MultipleChoiceField(
                label=labels[kind],
                required=False,
                choices=[(c.value, _label(c)) for c in items],
                widget=forms.CheckboxSelectMultiple,
            )
            self.link_fields.append(name)

    def link_bound_fields(self) -> list:
        return [self[name] for name in self.link_fields]

    def links(self) -> list[tuple[str, int]]:
        out = []
        for name in self.link_fields:
            for value in self.cleaned_data.get(name, []):
                kind, object_id = value.split(":", 1)
                out.append((kind, int(object_id)))
        return out


class ActionForm(LinksMixin, forms.Form):
    title = forms.CharField(label=_("We will (what will be done)"), max_length=200)
    you_said = forms.CharField(
        label=_("You said (what people said, in your words)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown to the people whose words this came from, and on the public page if you publish it."
        ),
    )
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices, widget=forms.RadioSelect)
    status_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you are not doing it: say why, plainly."),
    )
    progress = forms.IntegerField(label=_("Progress (percent)"), min_value=0, max_value=100, initial=0)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    is_public = forms.BooleanField(
        label=_("Show this action on the project's public “You said, we did” page"), required=False
    )

    def __init__(self, *args, owners: list[tuple[int, str]], candidates: dict[str, list[Candidate]], **kw):
        super().__init__(*args, **kw)
        self.fields["owner"].choices = [("", _("Nobody yet")), *owners]
        self.add_link_fields(candidates)


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices, widget=forms.RadioSelect)
    status_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you are not doing it: say why, plainly."),
    )
    progress = forms.IntegerField(label=_("Progress (percent)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The people whose words this came from will read this. Name nobody."),
    )
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)
    is_public = forms.BooleanField(
        label=_("Show this action on the project's public “You said, we did” page"), required=False
    )

    def __init__(self, *args, owners: list[tuple[int, str]], **kw):
        super().__init__(*args, **kw)
        self.fields["owner"].choices = [("", _("Nobody yet")), *owners]


class LinkForm(LinksMixin, forms.Form):
    def __init__(self, *args, candidates: dict[str, list[Candidate]], **kw):
        super().__init__(*args, **kw)
        self.add_link_fields(candidates)


class PublicPageForm(forms.Form):
    is_published = forms.BooleanField(label=_("Publish the “You said, we did” page"), required=False)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words at the top of the page, for anyone who reads it."),
    )


class NewFeedbackForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    live_session = forms.TypedChoiceField(
        label=_("Live session"), required=False, coerce=int, empty_value=None
    )
    library_keys = forms.MultipleChoiceField(
        label=_("Ready-made questions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(q.key, q.text) for q in library.LIBRARY],
        initial=list(library.DEFAULT_KEYS),
        help_text=_("You can add questions of your own on the next page."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Keep answers without names"),
        required=False,
        help_text=_("People who answer anonymously cannot be told what became of what they said."),
    )
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, sessions, **kw):
        super().__init__(*args, **kw)
        self.fields["live_session"].choices = [
            ("", _("The whole event")),
            *[(s.pk, s.title) for s in sessions],
        ]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of question"), choices=FeedbackQuestion.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Question"), max_length=300)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a choice question: one answer on each line."),
    )


class ResponseForm(forms.Form):
    """One field per question, all optional: people answer what they want to."""

    def __init__(self, *args, questions, **kw):
        super().__init__(*args, **kw)
        self.questions = questions
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == FeedbackQuestion.Kind.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(str(n), label) for n, label in library.RATING_LABELS.items()],
                )
            elif q.kind == FeedbackQuestion.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=q.text,
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(c, c) for c in q.choices],
                )
            else:
                self.fields[name] = forms.CharField(
                    label=q.text, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
                )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions}


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return data


class DecisionForm(forms.Form):
    proposal = forms.CharField(label=_("What was proposed"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput)
    involved = forms.TypedMultipleChoiceField(
        label=_("Who was involved"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only counted by perspective on the log: nobody is named."),
    )
    linked_actions = forms.TypedMultipleChoiceField(
        label=_("Actions it led to"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members: list[tuple[int, str]], actions: list, **kw):
        super().__init__(*args, **kw)
        self.fields["involved"].choices = members
        self.fields["linked_actions"].choices = [(a.pk, a.title) for a in actions]


class Gripp2Form(forms.Form):
    """The GRIPP2 short form (Staniszewska et al., BMJ 2017), for reporting involvement in papers."""

    start = forms.DateField(widget=forms.HiddenInput)
    end = forms.DateField(widget=forms.HiddenInput)
    aim = forms.CharField(
        label=_("Aim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The aim of involving people."),
    )
    methods = forms.CharField(
        label=_("Methods"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How people were involved."),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What came of it, including what changed."),
    )
    discussion = forms.CharField(
        label=_("Discussion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How far involvement shaped the work, and what helped or got in the way."),
    )
    reflections = forms.CharField(
        label=_("Reflections"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Looking back critically: what would you do differently?"),
    )
