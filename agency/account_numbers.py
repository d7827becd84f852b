"""Account-number rules of a product, pure: length, digits, and the provider's check digit.

`check_account_number` returns the normalised number (spaces and dashes removed) or raises
ValidationError with a message for the operator.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class AccountRule:
    label: str
    min_length: int = 1
    max_length: int = 30
    digits_only: bool = True
    check_digit: str = "none"  # none | luhn | mod10_31 | mobile


def rule_of(product) -> AccountRule:
    """The rule from a Product's fields (no queries)."""
    return AccountRule(label=product.account_label or _("Account number"), min_length=product.account_min_length,
                       max_length=product.account_max_length, digits_only=product.account_digits_only,
                       check_digit=product.account_check_digit)


def luhn_valid(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def mod10_31_valid(number: str) -> bool:
    """Weights 3,1,3,1… from the digit left of the check digit (the EAN/GS1 scheme)."""
    body, check = number[:-1], int(number[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def check_digit_for(body: str, scheme: str) -> str:
    """The digit that makes `body` + digit valid under `scheme` (for demo data and tests)."""
    for digit in "0123456789":
        if (luhn_valid if scheme == "luhn" else mod10_31_valid)(body + digit):
            return digit
    raise ValueError(scheme)


def check_account_number(raw: str, rule: AccountRule) -> str:
    number = re.sub(r"[\s-]", "", raw or "")
    if not number:
        raise ValidationError(_("Enter the %(label)s.") % {"label": rule.label}, code="required")
    if not rule.min_length <= len(number) <= rule.max_length:
        if rule.min_length == rule.max_length:
            message = _("The %(label)s has %(n)d characters; this one has %(got)d.") % {
                "label": rule.label, "n": rule.min_length, "got": len(number)}
        else:
            message = _("The %(label)s has %(low)d to %(high)d characters; this one has %(got)d.") % {
                "label": rule.label, "low": rule.min_length, "high": rule.max_length, "got": len(number)}
        raise ValidationError(message, code="length")
    if (rule.digits_only or rule.check_digit != "none") and not number.isdigit():
        raise ValidationError(_("The %(label)s has digits only.") % {"label": rule.label}, code="digits")
    if rule.check_digit == "mobile" and not MOBILE.match(number):
        raise ValidationError(_("Enter an 11-digit mainland mobile number, e.g. 13812345678."), code="mobile")
    valid = {"luhn": luhn_valid, "mod10_31": mod10_31_valid}.get(rule.check_digit)
    if valid is not None and not valid(number):
        raise ValidationError(_("This %(label)s is not valid: check it digit by digit with the resident.")
                              % {"label": rule.label}, code="check_digit")
    return number
