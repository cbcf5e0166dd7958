from __future__ import annotations

from django import forms

from .models import MESSAGE_MAX, STATEMENT_MAX


class ActionCheckedText(forms.CharField):
    """Text that a person must write, checked by the action that takes it, not by the form.

    Length and emptiness are checked by the action, with its own messages (shown with
    ``core.errors.add_action_error``); the form only carries the text, so its own checks never add a
    second message. Still ``required``, so the field is not labelled optional.
    """

    def validate(self, value) -> None:
        return None


class _TextForm(forms.Form):
    text = ActionCheckedText(widget=forms.Textarea(attrs={"rows": 3, "maxlength": STATEMENT_MAX}))


class StatementForm(_TextForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "statement-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = "Your statement"
        field.help_text = f"One idea, in up to {STATEMENT_MAX} characters. It is shown without your name."


class SeedStatementForm(_TextForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "seed-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = "Add a statement to start the conversation"
        field.help_text = f"Up to {STATEMENT_MAX} characters. Shown straight away, without a name."


class TakeHomeForm(_TextForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "takehome-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = "Your take-home message"
        field.widget.attrs["maxlength"] = MESSAGE_MAX
        field.help_text = (
            f"One thing you will take home from today, in up to {MESSAGE_MAX} characters. "
            "It goes on the wall without your name; you can change it."
        )


class PieceStartForm(_TextForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "piecestart-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = "Start a piece"
        field.widget.attrs["maxlength"] = MESSAGE_MAX
        field.help_text = f"An idea or a first sentence, in up to {MESSAGE_MAX} characters."


class PieceAddForm(_TextForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "pieceadd-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = "Add one line"
        field.widget.attrs["maxlength"] = MESSAGE_MAX
        field.help_text = f"Build on what is there, in up to {MESSAGE_MAX} characters."


class MergeForm(forms.Form):
    into = forms.ChoiceField(label="Merge into")

    def __init__(self, *args, statements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", "Choose the statement to keep")] + [
            (str(s.pk), s.text if len(s.text) <= 90 else s.text[:88] + "\u2026") for s in statements
        ]
