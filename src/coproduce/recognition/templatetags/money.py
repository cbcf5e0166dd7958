"""``{{ claim.total_pence|pounds }}`` → "£12.50" (see recognition.money)."""

from django import template

from coproduce.recognition.money import format_pence

register = template.Library()


@register.filter
def pounds(pence) -> str:
    return format_pence(pence)
