"""Residents' rights over their personal data (个人信息保护法 art. 45–47): a copy at once, correction and
deletion by request.

A copy: `personal_data_export` gathers every section the apps register (core stays below them: it knows the
registry, not the apps) into one JSON file, and logs the export. Correction and deletion: the resident files
a PersonalDataRequest; the data officer answers it — done, or refused with reasons — by its due day
(PERSONAL_DATA_REQUEST_DAYS after it came in). Every step is an audit event.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.idempotency import create_once
from core.models import PersonalDataRequest
from core.timeutil import local_date

ANSWER_PERMISSION = "core.change_personaldatarequest"
DETAILS_MAX = 2000


@dataclass(frozen=True)
class ExportSection:
    code: str
    label: str
    collect: Callable[..., list[dict]]  # (user) → rows of plain values


SECTIONS: dict[str, ExportSection] = {}


def register_export_section(section: ExportSection) -> None:
    SECTIONS[section.code] = section


def personal_data_collect(*, user) -> list[tuple[ExportSection, list[dict]]]:
    return [(section, section.collect(user)) for section in SECTIONS.values()]


def personal_data_export(*, user) -> bytes:
    """Everything the platform holds about `user`, as a JSON file (UTF-8, readable as text); logged."""
    document = {"exported_at": timezone.now().isoformat(), "account": user.username,
                "sections": {section.code: {"title": str(section.label), "rows": rows}
                             for section, rows in personal_data_collect(user=user)}}
    with transaction.atomic():
        audit_event_record(actor=user, action="personal_data.exported", target=user,
                           data={"sections": {code: len(entry["rows"]) for code, entry in document["sections"].items()}})
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def personal_data_request_submit(*, user, kind: str, details: str, idempotency_key: str) -> PersonalDataRequest:
    """File a correction or deletion request; a resend of the same form gets the first one back."""
    details = (details or "").strip()
    errors = {}
    if kind not in PersonalDataRequest.Kind.values:
        errors["kind"] = _("Choose whether to correct or to delete.")
    if not details:
        errors["details"] = _("Say which data and what should change, so that the county can act on it.")
    elif len(details) > DETAILS_MAX:
        errors["details"] = _("Keep it to %(max)d characters.") % {"max": DETAILS_MAX}
    try:
        key = uuid.UUID(str(idempotency_key))
    except ValueError:
        errors["idempotency_key"] = _("The form was out of date; please send it again.")
    if errors:
        raise ValidationError(errors)

    def build() -> PersonalDataRequest:
        return PersonalDataRequest(user=user, kind=kind, details=details, due_on=local_date() + datetime.timedelta(
            days=settings.PERSONAL_DATA_REQUEST_DAYS))

    def replay(row: PersonalDataRequest) -> PersonalDataRequest:
        if row.user_id != user.pk:
            raise ValidationError({"idempotency_key": _("The form was out of date; please send it again.")})
        return row

    with transaction.atomic():
        row, created = create_once(PersonalDataRequest, key={"idempotency_key": key}, build=build, replay=replay)
        if created:
            audit_event_record(actor=user, action="personal_data.request_submitted", target=row,
                               data={"kind": kind, "due_on": row.due_on.isoformat()})
    return row


def personal_data_request_answer(*, actor, request_id: int, status: str, reply: str) -> PersonalDataRequest:
    """The data officer's answer: done (what was corrected or deleted) or refused (why). Once."""
    if not actor.has_perm(ANSWER_PERMISSION):
        raise PermissionDenied(_("Only the personal information officer answers residents' data requests."))
    reply = (reply or "").strip()
    errors = {}
    if status not in (PersonalDataRequest.Status.DONE, PersonalDataRequest.Status.REFUSED):
        errors["status"] = _("Choose done or refused.")
    if not reply:
        errors["reply"] = _("Tell the resident what was done, or why it was refused.")
    elif len(reply) > DETAILS_MAX:
        errors["reply"] = _("Keep it to %(max)d characters.") % {"max": DETAILS_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = PersonalDataRequest.objects.select_for_update().get(pk=request_id)
        if row.status != PersonalDataRequest.Status.OPEN:
            raise ValidationError({"status": _("This request has been answered already.")})
        row.status, row.reply, row.handled_by, row.handled_at = status, reply, actor, timezone.now()
        row.save(update_fields=["status", "reply", "handled_by", "handled_at"])
        audit_event_record(actor=actor, action="personal_data.request_answered", target=row,
                           data={"status": status, "late": local_date() > row.due_on})
    return row


def personal_data_requests_of(*, user) -> QuerySet[PersonalDataRequest]:
    return PersonalDataRequest.objects.filter(user=user)


def personal_data_request_queue(*, user) -> QuerySet[PersonalDataRequest]:
    """Open requests first, the earliest due first; then the answered ones, newest first."""
    if not user.has_perm("core.view_personaldatarequest"):
        raise PermissionDenied(_("Only the personal information officer answers residents' data requests."))
    open_first = Case(When(status=PersonalDataRequest.Status.OPEN, then=Value(0)), default=Value(1),
                      output_field=IntegerField())
    return PersonalDataRequest.objects.select_related("user", "handled_by").order_by(open_first, "due_on", "-pk")
