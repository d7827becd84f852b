"""Money in templates: `{% load money %}` then `{{ tx.amount_fen|yuan }}` → ¥1,234.56 (core/money.py)."""

from django import template

from core.money import format_signed_yuan, format_yuan, yuan_plain

register = template.Library()


@register.filter
def yuan(value) -> str:
    return format_yuan(value)


@register.filter
def yuan_input(value) -> str:
    return yuan_plain(value)


@register.filter
def signed_yuan(value) -> str:
    return format_signed_yuan(value)
