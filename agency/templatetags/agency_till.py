"""Display helpers of the till's pages: `{% load agency_till %}` then `{{ tx|masked_account }}`."""

from django import template

from agency.receipts import mask_account, paid_by

register = template.Library()


@register.filter
def masked_account(tx) -> str:
    """The transaction's account number as pages show it (bank cards and ID numbers masked)."""
    return mask_account(tx)


@register.filter(name="paid_by")
def paid_by_filter(tx) -> str:
    """How the resident paid: "Cash", or "Card •••• 1234 (UnionPay)"."""
    return paid_by(tx)
