"""Re-vetting reminders: a member merchant whose re-vetting falls due within REVET_WARNING_DAYS gets one text
message for that date (their workspace shows the same warning on every page). Run daily by Celery beat."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.models import AuditEvent
from core.sms import sms_enqueue
from shop.models import Merchant
from shop.notifications import MERCHANT_REVET
from shop.selectors.merchants import REVET_WARNING_DAYS

ACTION = "merchant.revet_reminded"


@transaction.atomic
def merchant_revet_reminders_send(*, today: date | None = None) -> int:
    """Text every active merchant due for re-vetting soon, once per re-vetting date; returns how many."""
    today = today or timezone.localdate()
    due = Merchant.objects.filter(status=Merchant.Status.ACTIVE, revet_on__gte=today,
                                  revet_on__lte=today + timedelta(days=REVET_WARNING_DAYS)).select_related("partner")
    reminded = {(event["target_id"], event["data"].get("revet_on")) for event in AuditEvent.objects.filter(
        action=ACTION, target_id__in=[str(m.pk) for m in due]).values("target_id", "data")}
    sent = 0
    for merchant in due:
        if (str(merchant.pk), merchant.revet_on.isoformat()) in reminded:
            continue
        township = merchant.townships.order_by("path").first()
        sms_enqueue(phone=merchant.contact_phone, purpose=MERCHANT_REVET.key,
                    params={"name": merchant.name, "date": merchant.revet_on.isoformat()},
                    reference=f"M{merchant.pk}-{merchant.revet_on:%Y%m%d}", region_path=township.path if township else "")
        audit_event_record(actor=None, action=ACTION, target=merchant, data={"revet_on": merchant.revet_on.isoformat()})
        sent += 1
    return sent
