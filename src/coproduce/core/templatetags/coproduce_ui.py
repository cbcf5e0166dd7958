"""Shared UI tags: one field template for every form field (label, hint, error, aria-describedby)."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.inclusion_tag("components/field.html")
def field(bound_field: BoundField, hint: str = ""):
    """Render one form field accessibly.

    The hint comes from the argument or the form field's ``help_text``. Errors and hints are tied to
    the input with ``aria-describedby``; an invalid input gets ``aria-invalid``.
    """
    hint = hint or bound_field.help_text
    describedby = []
    if hint:
        describedby.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        describedby.append(f"{bound_field.auto_id}-error")
    attrs = {}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "")
    is_group = input_type == "radio" or (
        input_type == "checkbox" and getattr(widget, "allow_multiple_selected", False)
    )
    is_checkbox = input_type == "checkbox" and not is_group
    return {
        "field": bound_field,
        "hint": hint,
        "widget_html": bound_field.as_widget(attrs=attrs),
        "is_group": is_group,
        "is_checkbox": is_checkbox,
    }


@register.inclusion_tag("components/form_errors.html")
def form_errors(form):
    """A summary of errors at the top of a form, linking to each field in error."""
    return {"form": form}
