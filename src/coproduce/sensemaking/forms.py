"""Forms: validation and plain-English messages. State changes happen in actions, not here."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.partnerships.models import Membership

from .access import code_tree
from .actions.sources import ConsentDetails, NarratorDetails
from .models import Audience, Code, ConsentUse


def member_choices(project) -> list[tuple[str, str]]:
    members = (
        Membership.objects.filter(project=project).select_related("person").order_by("person__badge_name")
    )
    return [(str(m.person_id), m.person.badge_name) for m in members]


def member_by_id(project, person_id):
    membership = (
        Membership.objects.filter(project=project, person_id=person_id).select_related("person").first()
    )
    return membership.person if membership else None


class ConsentFields(forms.Form):
    consent_use = forms.ChoiceField(
        label="What did they agree to?",
        choices=ConsentUse.choices,
        widget=forms.RadioSelect,
        initial=ConsentUse.ANALYSIS_ONLY,
    )
    consent_audiences = forms.MultipleChoiceField(
        label="Who may see their words?",
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Audience.TEAM],
        help_text="The project team may read the words to analyse them. Quotes are only ever shown to the "
        "audiences ticked here, and only if they agreed to quotes.",
    )
    consent_until = forms.DateField(
        label="Consent lasts until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if they did not set an end date.",
    )

    def clean_consent_until(self):
        until = self.cleaned_data.get("consent_until")
        if until and until < timezone.localdate():
            raise forms.ValidationError("Choose a date that has not passed yet.")
        return until

    def consent(self) -> ConsentDetails:
        data = self.cleaned_data
        return ConsentDetails(
            use=data["consent_use"],
            audiences=tuple(data.get("consent_audiences") or ()),
            until=data.get("consent_until"),
        )


class ConsentForm(ConsentFields):
    pass


class NarratorFields(forms.Form):
    NARRATOR_KINDS = [
        ("member", "A member of this project"),
        ("outside", "Someone outside Coproduce"),
        ("several", "Several people, anonymously (for example survey responses)"),
    ]
    narrator_kind = forms.ChoiceField(
        label="Whose words are these?", choices=NARRATOR_KINDS, widget=forms.RadioSelect, initial="outside"
    )
    narrator_person = forms.ChoiceField(label="Which member", required=False)
    narrator_name = forms.CharField(
        label="Their name",
        required=False,
        max_length=120,
        help_text="Only coordinators see this name. Everyone else sees the pseudonym.",
    )
    narrator_pseudonym = forms.CharField(
        label="Pseudonym",
        required=False,
        max_length=60,
        help_text="The name used for them in analysis and in quotes, if they chose one.",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["narrator_person"].choices = [("", "Choose a member")] + member_choices(project)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("narrator_kind")
        if kind == "member" and not cleaned.get("narrator_person"):
            self.add_error("narrator_person", "Choose which member these words belong to.")
        if kind == "outside" and not (cleaned.get("narrator_name") or "").strip():
            self.add_error("narrator_name", "Write the name of the person whose words these are.")
        return cleaned

    def narrator(self) -> NarratorDetails:
        data = self.cleaned_data
        kind = data["narrator_kind"]
        if kind == "member":
            return NarratorDetails(
                person=member_by_id(self.project, data["narrator_person"]),
                pseudonym=data.get("narrator_pseudonym", ""),
            )
        if kind == "outside":
            return NarratorDetails(
                name=data.get("narrator_name", ""), pseudonym=data.get("narrator_pseudonym", "")
            )
        return NarratorDetails()


class SourceUploadForm(NarratorFields, ConsentFields):
    file = forms.FileField(
        label="File",
        help_text="A .txt, .docx, .pdf, .vtt, .srt, .csv or .xlsx file.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf,.vtt,.srt,.csv,.xlsx"}),
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="For example “Listening session 3”. Leave empty to use the file name.",
    )

    field_order = [
        "file",
        "title",
        "narrator_kind",
        "narrator_person",
        "narrator_name",
        "narrator_pseudonym",
        "consent_use",
        "consent_audiences",
        "consent_until",
    ]


class NarratorForm(NarratorFields):
    pass


class TableColumnsForm(forms.Form):
    text_column = forms.TypedChoiceField(
        label="Which column holds what people wrote?", coerce=int, widget=forms.RadioSelect
    )
    attribute_columns = forms.TypedMultipleChoiceField(
        label="Which other columns should be kept with each response?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For example site, date or rating. Leave out anything that names or identifies people.",
    )

    def __init__(self, *args, columns: list[str], samples: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (i, f"{name} — e.g. “{samples.get(i, '')[:80]}”" if samples.get(i) else name)
            for i, name in enumerate(columns)
        ]
        self.fields["text_column"].choices = choices
        self.fields["attribute_columns"].choices = [(i, name) for i, name in enumerate(columns)]


class SpeakerMappingForm(forms.Form):
    """One "person" and one "pseudonym" field per speaker label."""

    def __init__(self, *args, speakers, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.speakers = list(speakers)
        choices = [("", "Not a Coproduce member")] + member_choices(project)
        self.project = project
        for speaker in self.speakers:
            self.fields[f"person_{speaker.pk}"] = forms.ChoiceField(
                label=f"Who is “{speaker.label}”?",
                choices=choices,
                required=False,
                initial=str(speaker.person_id or ""),
            )
            self.fields[f"pseudonym_{speaker.pk}"] = forms.CharField(
                label=f"Pseudonym for “{speaker.label}”",
                required=False,
                max_length=60,
                initial=speaker.pseudonym,
                help_text="Used in place of this name in quotes.",
            )

    def rows(self):
        return [(s, self[f"person_{s.pk}"], self[f"pseudonym_{s.pk}"]) for s in self.speakers]

    def mapping(self):
        for speaker in self.speakers:
            person_id = self.cleaned_data.get(f"person_{speaker.pk}")
            yield (
                speaker,
                (member_by_id(self.project, person_id) if person_id else None),
                self.cleaned_data.get(f"pseudonym_{speaker.pk}", ""),
            )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Your note",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Add context, say what you meant, or how you feel about it now.",
    )


class CorrectionRequestForm(forms.Form):
    passage = forms.CharField(
        label="The words you want corrected",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Copy them from your words above.",
    )
    requested_change = forms.CharField(
        label="What should they say, or what is wrong?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class CorrectionApplyForm(forms.Form):
    words = forms.CharField(
        label="Words to replace, exactly as they are now", widget=forms.Textarea(attrs={"rows": 3})
    )
    replacement = forms.CharField(
        label="Replace them with", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    response = forms.CharField(
        label="Message to the narrator", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self,
        *args,
        source_text: str,
        spans: list[tuple[int, int]] | None = None,
        shown=None,
        **kwargs,
    ):
        """``spans``: where the words may be (the turns of the speaker who asked); None: anywhere.
        ``shown``: (text as the person answering reads it, its ``redaction.PositionMap``), so words
        copied with pseudonyms in them are found too."""
        super().__init__(*args, **kwargs)
        self.source_text = source_text
        self.spans = spans if spans is not None else [(0, len(source_text))]
        self.shown = shown

    @staticmethod
    def _find_all(text: str, words: str, spans) -> list[int]:
        found = []
        for start, end in spans:
            at = text.find(words, start, end)
            while at >= 0 and at + len(words) <= end:
                found.append(at)
                at = text.find(words, at + 1, end)
        return found

    def _found(self, words: str) -> list[tuple[int, int]]:
        """Every ``[start, end)`` of the stored text the words may stand for."""
        found = [(at, at + len(words)) for at in self._find_all(self.source_text, words, self.spans)]
        if found or self.shown is None:
            return found
        text, positions = self.shown
        spans = [(positions.shown(s), positions.shown(e, end=True)) for s, e in self.spans]
        return [
            (positions.original(at), positions.original(at + len(words), end=True))
            for at in self._find_all(text, words, spans)
        ]

    def clean_words(self):
        words = self.cleaned_data["words"].replace("\r\n", "\n")
        count = len(self._found(words))
        if count == 0:
            anywhere = self.spans == [(0, len(self.source_text))]
            raise forms.ValidationError(
                "These words are not in the source. Copy them exactly as they are now."
                if anywhere
                else _(
                    "These words are not in the turns of the person who asked. "
                    "Copy them exactly as they are now."
                )
            )
        if count > 1:
            raise forms.ValidationError(
                f"These words appear {count} times. "
                "Include some of the words around them so there is only one."
            )
        return words

    def span(self) -> tuple[int, int]:
        return self._found(self.cleaned_data["words"])[0]


class CorrectionDeclineForm(forms.Form):
    response = forms.CharField(
        label="Why the words stay as they are", widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: my words leave the analysis now and are erased after the waiting period.",
        error_messages={"required": "Tick the box to confirm you want to withdraw these words."},
    )


def code_choices(project, *, exclude: Code | None = None, blank: str | None = None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank is not None else []
    excluded = set()
    if exclude is not None:
        excluded = {exclude.pk} | {
            c.pk for c, _ in code_tree(project) if exclude.pk in {a.pk for a in c.ancestors()}
        }
    for code, depth in code_tree(project):
        if code.pk not in excluded:
            choices.append((str(code.pk), "— " * depth + code.name))
    return choices


class CodeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    parent = forms.ChoiceField(label="Sits under", required=False)
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What this code means, so everyone applies it the same way.",
    )
    examples = forms.CharField(
        label="Examples",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Examples of what fits (and what does not), in your own words.",
    )
    color = forms.CharField(
        label="Colour", required=False, max_length=7, help_text="Optional, for example #1f77b4."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project, code: Code | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["parent"].choices = code_choices(project, exclude=code, blank="Nothing: a top-level code")

    def parent_code(self) -> Code | None:
        parent_id = self.cleaned_data.get("parent")
        return Code.objects.filter(project=self.project, pk=parent_id).first() if parent_id else None


class ApplyCodeForm(forms.Form):
    """Code a passage without JavaScript: the whole passage, or the exact words typed or pasted."""

    code = forms.ChoiceField(label="Code")
    words = forms.CharField(
        label="Only these words (optional)",
        required=False,
        max_length=5000,
        help_text="Copy the exact words from the passage, or leave empty to code the whole passage.",
    )
    segment = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, project, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["code"].choices = (
            choices if choices is not None else code_choices(project, blank="Choose a code")
        )

    def chosen_code(self) -> Code:
        return Code.objects.get(project=self.project, pk=self.cleaned_data["code"])


class SelectionCodeForm(forms.Form):
    """Code the text selected with the mouse or the keyboard (filled in by coding.js)."""

    code = forms.ChoiceField(label="Code for the selected text")
    start = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": "Select some text first."}
    )
    end = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": "Select some text first."}
    )

    def __init__(self, *args, project, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["code"].choices = (
            choices if choices is not None else code_choices(project, blank="Choose a code")
        )

    def chosen_code(self) -> Code:
        return Code.objects.get(project=self.project, pk=self.cleaned_data["code"])


class MemoForm(forms.Form):
    text = forms.CharField(label="Memo", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ThemeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=160)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    audience = forms.ChoiceField(
        label="Who is this theme for?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.TEAM,
        help_text="Only quotes whose narrators agreed to this audience can be added.",
    )
    codes = forms.MultipleChoiceField(
        label="Codes in this theme", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["codes"].choices = code_choices(project)

    def chosen_codes(self) -> list[Code]:
        return list(Code.objects.filter(project=self.project, pk__in=self.cleaned_data.get("codes") or []))


class QuoteWordsForm(forms.Form):
    """Add words from a passage as a quote: the whole passage, or the exact words."""

    segment = forms.IntegerField(widget=forms.HiddenInput)
    words = forms.CharField(
        label="Only these words (optional)",
        required=False,
        max_length=5000,
        help_text="Leave empty to quote the whole passage.",
    )


class IdentifierForm(forms.Form):
    term = forms.CharField(
        label="Name or identifying detail",
        max_length=200,
        help_text="Exactly as it appears in people's words, for example a first name or a ward.",
    )
    replacement = forms.CharField(
        label="Replace with",
        max_length=200,
        help_text='A pseudonym, or a placeholder in brackets such as "[the ward]".',
    )


class QuoteWordingForm(forms.Form):
    text = forms.CharField(
        label="Wording that may leave the project", widget=forms.Textarea(attrs={"rows": 4})
    )


class ResolveFlagForm(forms.Form):
    resolution = forms.CharField(
        label="What was done", max_length=300, help_text="For example “quote removed from the March report”."
    )


class AgreementForm(forms.Form):
    coders = forms.MultipleChoiceField(
        label="Compare the coding of",
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose two people to see Cohen's kappa; two or more for Krippendorff's alpha.",
    )

    def __init__(self, *args, coder_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coders"].choices = coder_choices

    def clean_coders(self):
        coders = self.cleaned_data["coders"]
        if len(coders) < 2:
            raise forms.ValidationError("Choose at least two people to compare.")
        return coders


class ExportQuotesForm(forms.Form):
    audience = forms.ChoiceField(
        label="Quotes for", choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.TEAM
    )
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("xlsx", "Excel (.xlsx)")],
        widget=forms.RadioSelect,
        initial="csv",
    )


class ExportNamesFields(forms.Form):
    """Whether an export carries pseudonyms (as everyone in the project but coordinators reads the words)
    or real names. Only coordinators export words at all; pseudonyms unless they choose otherwise."""

    PSEUDONYMS, REAL = "pseudonyms", "real"
    names = forms.ChoiceField(
        label=_("Names in the export"),
        choices=[
            (PSEUDONYMS, _("Pseudonyms, as the project team reads the words (recommended)")),
            (REAL, _("Real names, for coordinators' own use")),
        ],
        widget=forms.RadioSelect,
        initial=PSEUDONYMS,
        required=False,
        help_text=_(
            "Speakers' and narrators' names, and every name in the de-identification register, are "
            "replaced unless you choose real names."
        ),
    )

    def real_names(self) -> bool:
        return self.cleaned_data.get("names") == self.REAL


class ExportProjectForm(ExportNamesFields):
    pass


class ExportCodingsForm(ExportNamesFields):
    file_format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("xlsx", "Excel (.xlsx)")],
        widget=forms.RadioSelect,
        initial="csv",
    )
    field_order = ["file_format", "names"]


class ImportCodebookForm(forms.Form):
    file = forms.FileField(
        label="Codebook file",
        help_text="A REFI-QDA codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA, QualCoder or Coproduce.",
        widget=forms.ClearableFileInput(attrs={"accept": ".qdc,.xml"}),
    )


class ImportProjectForm(ConsentFields):
    file = forms.FileField(
        label="Project file",
        help_text="A REFI-QDA project (.qdpx).",
        widget=forms.ClearableFileInput(attrs={"accept": ".qdpx"}),
    )
    field_order = ["file", "consent_use", "consent_audiences", "consent_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_use"].label = "What did the people in these sources agree to?"
        self.fields[
            "consent_use"
        ].help_text = "Applied to every imported source until you record each narrator's own consent."


class AdoptCandidateForm(forms.Form):
    name = forms.CharField(label="Name for the new code", max_length=120)
