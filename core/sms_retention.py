"""Retention of text messages (core.SmsOutboxMessage): once a message is past its period, its number is
masked and its text and parameters emptied. What stays — purpose, status, dates, gateway id, delivery
receipt — is the record that a message was sent (the county's proof that a resident was told), which
holds no personal data. Rules built on it: core's `sms_texts` (every message) and accounts' shorter
`sms_codes` (verification and consent codes)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q

from core.masking import mask_mobile
from core.models import SmsOutboxMessage

BATCH = 5000
SMS_TEXT_DAYS = 180


def _pending(cutoff: datetime.datetime, purposes: Iterable[str] | None):
    done = SmsOutboxMessage.objects.exclude(status=SmsOutboxMessage.Status.QUEUED).filter(created_at__lt=cutoff)
    if purposes is not None:
        done = done.filter(purpose__in=list(purposes))
    return done.filter(~Q(phone__contains="*") & ~Q(phone="") | ~Q(text="") | ~Q(params={}) | ~Q(sealed_text=""))


def sms_outbox_anonymise(cutoff: datetime.datetime, dry_run: bool, *,
                         purposes: Iterable[str] | None = None) -> int:
    """Mask the number and empty the text of messages (of `purposes`, None: all) queued before `cutoff` and
    no longer waiting to go out; the number of messages."""
    pending = _pending(cutoff, purposes)
    if dry_run:
        return pending.count()
    count = 0
    for message in pending.order_by("pk").only("pk", "phone")[:BATCH]:
        phone = message.phone if "*" in message.phone else mask_mobile(message.phone)
        SmsOutboxMessage.objects.filter(pk=message.pk).update(phone=phone, text="", params={}, sealed_text="")
        count += 1
    return count


def sms_texts_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    return sms_outbox_anonymise(cutoff, dry_run)
