"""Retention of the care programme's personal data (registered with core/retention.py in CareConfig.ready).

- `care_residents`: a resident who left the registry (CareResident.left_at) and has no open call is
  anonymised once the period has passed: name and phone masked, conditions, consent date and help link
  cleared, emergency contacts deleted, check-in notes emptied.
- `care_calls`: a call that ended (confirmed or cancelled) before the cut-off keeps its reference, service,
  dates, rating and money (the subsidy is accounted for: 会计档案 are kept as the accounting rules say), and
  loses its free texts: what was needed, the responder's note, the resident's comment.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from care.models import CareCall, CareCheckIn, CareResident, EmergencyContact
from core.masking import mask_mobile, mask_name
from core.retention import RetentionRule

RESIDENT_DAYS = 365
CALL_DAYS = 3 * 365
BATCH = 2000


def _masked(mask, value: str) -> str:
    return value if "*" in value else mask(value)


def care_residents_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Anonymise residents who left the registry before `cutoff` (none with an open call)."""
    left = (CareResident.objects.filter(active=False, left_at__lt=cutoff)
            .exclude(calls__status__in=CareCall.OPEN_STATUSES))
    pending = left.filter(~Q(phone__contains="*") | ~Q(needs=[]) | Q(needs_consent_on__isnull=False)
                          | ~Q(help_nonce="") | Q(contacts__isnull=False)
                          | (~Q(name__contains="*") & Q(name__regex=r"^.{2,}$"))).distinct()
    if dry_run:
        return pending.count()
    residents = list(pending.order_by("pk").only("pk", "name", "phone")[:BATCH])
    for resident in residents:
        EmergencyContact.objects.filter(resident=resident).delete()
        CareCheckIn.objects.filter(resident=resident).exclude(note="").update(note="")
        CareResident.objects.filter(pk=resident.pk).update(
            name=_masked(mask_name, resident.name), phone=_masked(mask_mobile, resident.phone), needs=[],
            needs_consent_on=None, help_nonce="")
    return len(residents)


def care_calls_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Empty the free texts of calls that ended before `cutoff`."""
    ended = (CareCall.objects.filter(status__in=(CareCall.Status.CONFIRMED, CareCall.Status.CANCELLED))
             .annotate(ended_at=Coalesce("confirmed_at", "completed_at", "created_at")).filter(ended_at__lt=cutoff))
    pending = ended.filter(~Q(description="") | ~Q(completion_note="") | ~Q(rating_note=""))
    if dry_run:
        return pending.count()
    ids = list(pending.order_by("pk").values_list("pk", flat=True)[:BATCH])
    return CareCall.objects.filter(pk__in=ids).update(description="", completion_note="", rating_note="")


RULES = (
    RetentionRule("care_residents", gettext_lazy("Care residents who left the registry (anonymised, emergency "
                                                 "contacts deleted)"), RESIDENT_DAYS, care_residents_anonymise),
    RetentionRule("care_calls", gettext_lazy("What was said in ended care calls (descriptions, notes, comments "
                                             "emptied; dates, rating and money kept)"), CALL_DAYS,
                  care_calls_anonymise),
)
