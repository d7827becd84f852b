"""Small HTTP helpers shared by every app's views.

Whole numbers from a request: only plain ASCII digits count (`str.isdigit` also accepts "²", which
`int()` then refuses with a server error), within the range of a database id unless told otherwise.
An optional filter ignores a bad value; a value the view cannot do without is a 400 whose message
the visitor sees.
"""

import re

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,19}")


class InvalidParameter(BadRequest):
    """A query or form value the page cannot work with; its message is shown on the 400 page."""


def int_or_none(value, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """`value` as an int when it is a plain whole number from `low` to `high`; None otherwise."""
    text = value.strip() if isinstance(value, str) else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def required_int(params, name: str, *, low: int = 1, high: int = MAX_ID) -> int:
    """`params[name]` (a QueryDict) as an int from `low` to `high`; InvalidParameter (a 400) otherwise."""
    number = int_or_none(params.get(name), low=low, high=high)
    if number is None:
        raise InvalidParameter(_("“%(name)s” is not a valid number here.") % {"name": name})
    return number


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    """handler400: our 400 page; it says what was wrong only for our own InvalidParameter (other
    SuspiciousOperation messages are for the log, not the visitor)."""
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))
