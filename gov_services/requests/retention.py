"""Retention rules for requests' personal data (registered with core/retention.py in GovServicesConfig.ready).

A request counts as closed when it ended (not accepted, refused, completed, rated or closed) and nothing has
happened to it since the cut-off: its last event is older. Two rules, with their own periods:

- `request_scans`: the scans and the pad signature are deleted (files and rows); the timeline says how many
  went, so the officer reading an old case knows why there are none.
- `request_applicant`: the applicant's name, ID number and phone are masked as lists show them, and the
  e-form's answers are emptied. What the archives keep (tracking code, item, department, dates, outcome,
  certificates) stays.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.masking import mask_id_number, mask_mobile, mask_name
from core.retention import RetentionRule
from gov_services.models import Attachment, RequestEvent, ServiceRequest
from gov_services.requests.workflow import Action

Status = ServiceRequest.Status
ENDED = (Status.REJECTED, Status.REFUSED, Status.COMPLETED, Status.RATED, Status.CLOSED)
DAYS_IN_THREE_YEARS = 3 * 365
# Requests a rule handles in one run (one transaction): a county's first run over years of history catches up
# over several nights, or sooner by running `manage.py personal_data_retention` again.
BATCH = 2000


def requests_closed_before(cutoff: datetime.datetime, pending: Q) -> QuerySet[ServiceRequest]:
    """Up to BATCH ended requests still `pending` for a rule whose last event is older than `cutoff`, as a
    plain (lockable) query: the grouped query is a sub-select, since PostgreSQL locks no row of a grouped one."""
    # The retention job's own notes do not count as something happening to the request.
    last_event = Max("events__at", filter=~Q(events__data__has_key="retention"))
    ended = (ServiceRequest.objects.filter(status__in=ENDED).filter(pending).annotate(last_event_at=last_event)
             .filter(Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True, submitted_at__lt=cutoff))
             .order_by("pk").values("pk")[:BATCH])
    return ServiceRequest.objects.filter(pk__in=ended).order_by("pk")


def _delete_files_after_commit(fields) -> None:
    # The rows go in this transaction; the files only once it commits, so a rollback loses nothing.
    files = [(field.storage, field.name) for field in fields if field]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def request_scans_erase(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Delete the scans and signatures of requests closed before `cutoff`; the number of files."""
    with_files = requests_closed_before(cutoff, Q(attachments__isnull=False) | ~Q(signature=""))
    if dry_run:
        return Attachment.objects.filter(request__in=with_files).count() + with_files.exclude(signature="").count()
    erased = 0
    for request in with_files.select_for_update():
        attachments = list(Attachment.objects.filter(request=request))
        count = len(attachments) + (1 if request.signature else 0)
        erased += count
        _delete_files_after_commit([a.file for a in attachments] + [request.signature])
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        ServiceRequest.objects.filter(pk=request.pk).update(signature="")
        RequestEvent.objects.create(
            request=request, action=Action.NOTE, from_status=request.status, to_status=request.status, internal=True,
            note=_("%(count)d scanned files and signatures deleted: their retention period ended.") % {"count": count},
            data={"retention": "request_scans", "files": count})
    return erased


def _masked(mask, value: str) -> str:
    return value if "*" in value else mask(value)


def request_applicant_anonymise(cutoff: datetime.datetime, dry_run: bool) -> int:
    """Mask the applicant's name, ID number and phone of requests closed before `cutoff` and empty their
    e-form answers; requests already anonymised are left alone. The number of requests."""
    anonymised = ((Q(applicant_phone__contains="*") | Q(applicant_phone=""))
                  & (Q(applicant_id_number__contains="*") | Q(applicant_id_number="")) & Q(form_data={}))
    pending = requests_closed_before(cutoff, ~anonymised)
    if dry_run:
        return pending.count()
    count = 0
    for request in pending.select_for_update().only("pk", "applicant_name", "applicant_id_number", "applicant_phone"):
        ServiceRequest.objects.filter(pk=request.pk).update(
            applicant_name=mask_name(request.applicant_name),
            applicant_id_number=_masked(mask_id_number, request.applicant_id_number),
            applicant_phone=_masked(mask_mobile, request.applicant_phone), form_data={})
        count += 1
    return count


RULES = (
    RetentionRule("request_scans", gettext_lazy("Scans and signatures of closed requests"), DAYS_IN_THREE_YEARS,
                  request_scans_erase),
    RetentionRule("request_applicant", gettext_lazy("Applicant's name, ID number, phone and form answers of "
                                                    "closed requests (anonymised)"), DAYS_IN_THREE_YEARS,
                  request_applicant_anonymise),
)
