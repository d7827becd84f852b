"""The signed links in the text messages: a responder's link to one offer, a resident's link to rate one call,
a resident's help button.

A link carries the row's id and its random nonce, signed (django.core.signing, salted per purpose);
it opens that one row and nothing else, and stops working after LINK_MAX_AGE or when the nonce changes.
"""

from __future__ import annotations

from django.core import signing

LINK_MAX_AGE = 3 * 24 * 3600
_OFFER_SALT = "care.offer"


def offer_token(offer) -> str:
    return signing.dumps([offer.pk, offer.nonce], salt=_OFFER_SALT)


def _id_and_nonce(token: str, *, salt: str, max_age: int | None = None) -> tuple[int, str] | None:
    """(row id, nonce) that a link signed with `salt` carries, or None for one forged, altered or too old."""
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str)):
        return None
    return value[0], value[1]


def offer_from_token(token: str) -> tuple[int, str] | None:
    """(offer id, nonce), or None for a link that is forged, altered or too old."""
    return _id_and_nonce(token, salt=_OFFER_SALT, max_age=LINK_MAX_AGE)


_RATE_SALT = "care.rate"


def rate_token(call) -> str:
    """The resident's link to confirm and rate one call (texted when the responder completes it)."""
    return signing.dumps([call.pk, call.reference], salt=_RATE_SALT)


def call_from_rate_token(token: str) -> tuple[int, str] | None:
    return _id_and_nonce(token, salt=_RATE_SALT, max_age=RATE_MAX_AGE)


RATE_MAX_AGE = 14 * 24 * 3600


_HELP_SALT = "care.help"


def help_token(resident) -> str:
    """The resident's help button: kept until the desk gives a new one (no age limit; the nonce revokes)."""
    return signing.dumps([resident.pk, resident.help_nonce], salt=_HELP_SALT)


def resident_from_help_token(token: str) -> tuple[int, str] | None:
    found = _id_and_nonce(token, salt=_HELP_SALT)
    return found if found is not None and found[1] else None  # a resident without a nonce has no button
