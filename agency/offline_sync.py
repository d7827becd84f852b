"""Sync of what a counter captured offline: the outbox items a browser sends when the network returns.

Each item carries the idempotency key its browser made when the operator captured it, a kind
("application", "sale", "parcel_handover", …), a provisional local number, when it was captured, and
its fields and files as the online form would have posted them. The kinds and who handles them are
declared once in config (settings.OFFLINE_COUNTER names the module, as the navigation is declared):
agency knows nothing of requests or parcels; each kind's handler lives in its own app and calls that
app's ordinary service, which is idempotent on the same key.

    outcome = handler(actor=…, station=…, key=…, data=QueryDict, files=MultiValueDict,
                      captured_at=…, confirm=bool)   # → Ok(…) or Conflict(…); raises ValidationError

A handler returns a Conflict *after* anything it must keep (a wrong pick-up code is counted); a
ValidationError undoes everything it wrote (a savepoint) and comes back as an error.

Per item (`offline_item_sync`): the OfflineItem row for the key is inserted or locked first, so two
sends of the same item at once are served one after the other; a row already "ok" answers with its
first result and calls nothing (the same key never creates a second record); "discarded" stays
discarded; a conflict or an error is tried again (the operator may have changed the item, or confirmed).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import User
from agency.models import OfflineItem
from core.audit import audit_event_record
from core.idempotency import fingerprint as content_fingerprint
from core.idempotency import insert_once
from stations.models import Station

Status = OfflineItem.Status
MAX_ITEMS_PER_SYNC = 20
MAX_DISCARD_REASON = 500


@dataclass(frozen=True)
class Ok:
    """What the item created: a reference to show (the real tracking code, an order number), the label
    of that reference and the URL of its receipt."""

    reference: str
    label: str = ""
    url: str = ""

    def as_json(self) -> dict:
        return {"reference": self.reference, "label": str(self.label), "url": self.url}


@dataclass(frozen=True)
class Conflict:
    """Why the item cannot be done as captured (`kind`: an OfflineItem.Conflict), in words for the
    operator, and `detail` for the conflicts screen (what differs; never a full ID number or phone)."""

    kind: str
    message: str | Promise
    detail: dict = field(default_factory=dict)


def offline_config() -> ModuleType:
    """The declared kinds, pages and data of the offline counter (settings.OFFLINE_COUNTER)."""
    return import_module(settings.OFFLINE_COUNTER)


def offline_kinds() -> dict[str, str]:
    """kind → the dotted path of its handler."""
    return dict(offline_config().KINDS)


def _handler(kind: str):
    path = offline_kinds().get(kind)
    return import_string(path) if path else None


@dataclass(frozen=True)
class Envelope:
    key: uuid.UUID
    kind: str
    local_number: str
    captured_at: datetime.datetime
    confirm: bool


def parse_envelope(raw: dict) -> Envelope:
    """The item's own fields; a ValidationError says what is missing (the item is then an error)."""
    try:
        key = uuid.UUID(str(raw.get("key")))
    except ValueError:
        raise ValidationError(_("This item has lost its key; it cannot be sent.")) from None
    kind = str(raw.get("kind", ""))
    if kind not in offline_kinds():
        raise ValidationError(_("This kind of item cannot be sent from the counter."))
    try:
        captured_at = datetime.datetime.fromisoformat(str(raw.get("captured_at", "")).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(_("This item has no time of capture.")) from None
    if timezone.is_naive(captured_at):
        captured_at = timezone.make_aware(captured_at)
    return Envelope(key=key, kind=kind, local_number=str(raw.get("local_number", ""))[:30],
                    captured_at=captured_at, confirm=bool(raw.get("confirm")))


def result_json(row: OfflineItem) -> dict:
    """What the browser gets for an item: status, conflict kind and words, and the result."""
    detail = dict(row.detail or {})
    return {"key": str(row.idempotency_key), "status": row.status, "conflict": row.conflict,
            "conflict_label": str(OfflineItem.Conflict(row.conflict).label) if row.conflict else "",
            "message": detail.pop("message", ""), "detail": detail, "result": row.result}


def _error_detail(error: ValidationError | PermissionDenied) -> dict:
    if isinstance(error, PermissionDenied):
        return {"message": str(error) or _("You may not do this at this station."), "fields": {}}
    if hasattr(error, "error_dict"):
        fields = {name: [str(m) for m in ValidationError(messages).messages]
                  for name, messages in error.error_dict.items()}
        flat = [message for messages in fields.values() for message in messages]
        return {"message": " ".join(flat), "fields": fields}
    return {"message": " ".join(error.messages), "fields": {}}


@transaction.atomic
def offline_item_sync(*, actor: User, station: Station, raw: dict, data, files) -> dict:
    """Do one outbox item (its envelope `raw`, its fields `data` and files `files`) once; the result
    for the browser (`result_json`). An item whose key another station used is refused; an item done
    already answers with its first result, whatever it carries now."""
    try:
        envelope = parse_envelope(raw)
    except ValidationError as error:
        return {"key": str(raw.get("key", "")), "status": Status.ERROR, "conflict": "", "conflict_label": "",
                "message": " ".join(error.messages), "detail": {}, "result": {}}
    fingerprint = content_fingerprint(kind=envelope.kind, data=sorted(data.lists()),
                                      files=sorted((name, f.size) for name, f in files.items()))
    row = OfflineItem(idempotency_key=envelope.key, station=station, operator=actor, kind=envelope.kind,
                      local_number=envelope.local_number, captured_at=envelope.captured_at, status=Status.ERROR,
                      fingerprint=fingerprint)
    winner = insert_once(row)
    if winner is not None:
        row = OfflineItem.objects.select_for_update().get(pk=winner.pk)
        if row.station_id != station.pk or row.kind != envelope.kind:
            return {"key": str(envelope.key), "status": Status.ERROR, "conflict": "", "conflict_label": "",
                    "message": _("This item belongs to another counter; it was not sent again."), "detail": {},
                    "result": {}}
        if row.status in (Status.OK, Status.DISCARDED):
            return result_json(row)  # done once: the first result, nothing created again
    handler = _handler(envelope.kind)
    row.attempts += 1
    row.operator, row.fingerprint, row.local_number = actor, fingerprint, envelope.local_number or row.local_number
    try:
        with transaction.atomic():
            outcome = handler(actor=actor, station=station, key=envelope.key, data=data, files=files,
                              captured_at=envelope.captured_at, confirm=envelope.confirm)
    except (ValidationError, PermissionDenied) as error:
        row.status, row.conflict, row.detail, row.result = Status.ERROR, "", _error_detail(error), {}
    else:
        if isinstance(outcome, Conflict):
            row.status, row.conflict, row.result = Status.CONFLICT, outcome.kind, {}
            row.detail = {**outcome.detail, "message": str(outcome.message)}
        else:
            row.status, row.conflict, row.detail, row.result = Status.OK, "", {}, outcome.as_json()
    row.save()
    audit_event_record(actor=actor, action=f"offline_item.{row.status}", target=row,
                       data={"kind": row.kind, "local_number": row.local_number, "conflict": row.conflict,
                             "attempt": row.attempts, "result": row.result.get("reference", "")})
    return result_json(row)


@transaction.atomic
def offline_item_discard(*, actor: User, station: Station, key: uuid.UUID, reason: str) -> OfflineItem:
    """The operator gives up an item that came back as a conflict or an error, with a reason (audited).
    An item that went through cannot be discarded; discarding twice changes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this item is discarded; the reason is kept.")]})
    if len(reason) > MAX_DISCARD_REASON:
        raise ValidationError({"reason": [_("Keep the reason under %(max)d characters.") % {
            "max": MAX_DISCARD_REASON}]})
    row = OfflineItem.objects.select_for_update().filter(idempotency_key=key, station=station).first()
    if row is None:
        raise ValidationError(_("The server has not received this item; send it first, then resolve it."))
    if row.status == Status.DISCARDED:
        return row
    if row.status == Status.OK:
        raise ValidationError(_("This item went through; it cannot be discarded."))
    previous = row.status
    row.status, row.resolution_note, row.resolved_by = Status.DISCARDED, reason, actor
    row.save(update_fields=["status", "resolution_note", "resolved_by", "updated_at"])
    audit_event_record(actor=actor, action="offline_item.discarded", target=row,
                       data={"kind": row.kind, "local_number": row.local_number, "was": previous,
                             "conflict": row.conflict, "reason": reason})
    return row


def offline_items_open(*, station: Station):
    """The station's items that came back as conflicts or errors and are not resolved yet."""
    return OfflineItem.objects.filter(station=station, status__in=[Status.CONFLICT, Status.ERROR]).order_by(
        "captured_at", "pk")
