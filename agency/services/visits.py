"""A visit at the counter: open it for a resident, add each errand as its own app finishes it, close it
with the cash received, record each printed receipt.

Each errand is registered by the app that did it (gov_services: an application, a supplement, a fee;
shop: a parcel, a sale; agency's own till: a bill payment) with its reference, a label and the money
(from its own CounterTransaction when there is one). Registering is idempotent twice over: the same
key returns the first errand, and the same (visit, kind, reference) is never added a second time, so
a retried form, a reloaded page or a double click never adds an errand, nor its amount, again.
Nothing here posts to the ledger: each errand's journal is its own, so the daily close counts a
visit's cash once.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency.models import CounterTransaction, Visit, VisitErrand
from agency.services.access import require_operator
from agency.services.common import insert_with_reference, replay
from core.audit import audit_event_record
from core.idempotency import fingerprint, idempotency_conflict, insert_once
from core.models import AuditEvent
from core.money import yuan_plain
from stations.models import Station

Kind = VisitErrand.Kind
Method = CounterTransaction.PaymentMethod
PRINT_ACTION = "agency.visit.receipt_print"


def visit_open(*, actor: User, station: Station, idempotency_key: uuid.UUID, resident_name: str = "",
               resident_phone: str = "", resident_id_number: str = "") -> Visit:
    """Start a visit for a resident found at the counter (at least one of name, phone, ID number)."""
    require_operator(actor, station)
    name, phone, id_number = resident_name.strip()[:60], resident_phone.strip()[:11], \
        resident_id_number.strip().upper()[:18]
    if not (name or phone or id_number):
        raise ValidationError(_("Say who the resident is: a name, a phone number or an ID number."),
                              code="no_resident")
    print_ = fingerprint(station=station.pk, name=name, phone=phone, id_number=id_number)
    existing = Visit.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return replay(existing, print_)
    with transaction.atomic():
        visit = Visit(idempotency_key=idempotency_key, fingerprint=print_, station=station, resident_name=name,
                      resident_phone=phone, resident_id_number=id_number, opened_by=actor)
        winner = insert_with_reference(visit, prefix="VS")
        if winner is not None:
            return replay(winner, print_)
        audit_event_record(actor=actor, action="agency.visit.open", target=visit, data={"reference": visit.reference})
    return visit


def visit_errand_add(*, actor: User, visit: Visit, kind: str, reference: str, label: str,
                     idempotency_key: uuid.UUID, amount_fen: int = 0,
                     counter_transaction: CounterTransaction | None = None) -> VisitErrand:
    """Add one finished errand to an open visit. With a till transaction its amount and payment method
    are the transaction's (what the resident paid); without one, `amount_fen` is paid by nobody (0)."""
    require_operator(actor, visit.station)
    reference = reference.strip()[:60]
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Unknown kind of errand.")]
    if not reference:
        errors["reference"] = [_("An errand needs the reference of its record.")]
    tx = counter_transaction
    if tx is not None:
        if tx.station_id != visit.station_id:
            errors["counter_transaction"] = [_("This transaction was made at another station.")]
        elif tx.status != CounterTransaction.Status.SUCCEEDED:
            errors["counter_transaction"] = [_("Only a completed transaction joins a visit.")]
        amount_fen, method = tx.total_fen, tx.payment_method
    else:
        amount_fen, method = 0, Method.NONE
    if errors:
        raise ValidationError(errors)
    existing = VisitErrand.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_errand(existing, visit=visit, kind=kind, reference=reference)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)  # one change at a time per visit
        if locked.status != Visit.Status.OPEN:
            raise ValidationError(_("Visit %(ref)s is closed: start a new visit.") % {"ref": locked.reference},
                                  code="visit_closed")
        again = VisitErrand.objects.filter(visit=locked, kind=kind, reference=reference).first()
        if again is not None:  # the same errand from a resent or reloaded form
            return again
        errand = VisitErrand(visit=locked, idempotency_key=idempotency_key, kind=kind, reference=reference,
                             label=label.strip()[:120] or reference, amount_fen=amount_fen, payment_method=method,
                             counter_transaction=tx, created_by=actor)
        winner = insert_once(errand)
        if winner is not None:
            return _same_errand(winner, visit=visit, kind=kind, reference=reference)
        audit_event_record(actor=actor, action="agency.visit.errand_add", target=locked,
                           data={"kind": kind, "reference": reference, "amount_fen": amount_fen})
    return errand


def _same_errand(errand: VisitErrand, *, visit: Visit, kind: str, reference: str) -> VisitErrand:
    if (errand.visit_id, errand.kind, errand.reference) != (visit.pk, kind, reference):
        raise idempotency_conflict()
    return errand


def visit_cash_due_fen(visit: Visit) -> int:
    """The cash the resident owes for the visit: every errand paid in cash, once."""
    return visit.errands.filter(payment_method=Method.CASH).aggregate(s=Sum("amount_fen"))["s"] or 0


def visit_close(*, actor: User, visit: Visit, cash_received_fen: int) -> Visit:
    """End the visit: the cash handed over against the cash due, the change to give back. Closing again
    with the same amount returns the closed visit (a resent form); another amount is refused."""
    require_operator(actor, visit.station)
    if not isinstance(cash_received_fen, int) or isinstance(cash_received_fen, bool) or cash_received_fen < 0:
        raise ValidationError({"cash_received_fen": _("Enter the cash received, zero or more.")})
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == Visit.Status.CLOSED:
            if locked.cash_received_fen != cash_received_fen:
                raise idempotency_conflict(_("This visit is already closed with another amount received."))
            return locked
        due = visit_cash_due_fen(locked)
        if cash_received_fen < due:
            raise ValidationError({"cash_received_fen": _("The cash received is less than the %(due)s yuan due.")
                                   % {"due": yuan_plain(due)}})
        locked.status, locked.closed_at = Visit.Status.CLOSED, timezone.now()
        locked.cash_due_fen, locked.cash_received_fen = due, cash_received_fen
        locked.save(update_fields=["status", "closed_at", "cash_due_fen", "cash_received_fen"])
        audit_event_record(actor=actor, action="agency.visit.close", target=locked,
                           data={"cash_due_fen": due, "cash_received_fen": cash_received_fen})
    return locked


def _print_events(visit: Visit):
    return AuditEvent.objects.filter(action=PRINT_ACTION, target_type=ContentType.objects.get_for_model(Visit),
                                     target_id=str(visit.pk)).order_by("pk")


def visit_receipt_print_count(visit: Visit) -> int:
    return _print_events(visit).count()


def visit_receipt_print_record(*, actor: User, visit: Visit, width: str, idempotency_key: uuid.UUID) -> int:
    """Record one printed copy of the visit's receipt; its copy number (1 = the original, later ones are
    reprints). A resend with the same key returns the copy it recorded. Only a closed visit prints."""
    require_operator(actor, visit.station)
    key = str(idempotency_key)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status != Visit.Status.CLOSED:
            raise ValidationError(_("Close the visit (cash received) before printing its receipt."),
                                  code="not_closed")
        events = list(_print_events(locked).values_list("data", flat=True))
        for copy, data in enumerate(events, start=1):
            if data.get("key") == key:
                return copy
        copy = len(events) + 1
        audit_event_record(actor=actor, action=PRINT_ACTION, target=locked,
                           data={"key": key, "copy": copy, "width": width})
    return copy


def visit_first_printed_at(visit: Visit):
    event = _print_events(visit).first()
    return event.at if event else None
