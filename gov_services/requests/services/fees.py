"""The government fee of an application filed at the counter.

charged at filing: the item's fee (as it stands when the request is filed) through the station's till,
posted to the department's own account (agency.services.government_fee_take, payee = the department);
waived by a rule on the item (`fee_waived_low_income`: the applicant's household is registered as
low-income), with the reason recorded; refunded (a reversal journal, once) when the request is not
accepted (service_request_reject calls service_request_fee_refund in its own transaction).
The till's key is derived from the request's own key, so a resent form never takes the fee twice.
Paid by WeChat Pay or Alipay: the wallet payment is opened under that same key (service_request_fee_wallet_start,
a QR on the counter screen); once the wallet confirms, the till records the fee under the key and
service_request_fee_charge finds it there (it never records wallet money the wallet has not confirmed).
A refund of a fee paid by a wallet goes back to the wallet (agency.services.government_fee_refund).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency import services as till
from agency.models import CounterTransaction, TillWalletPayment
from agency.services.till_wallets import till_wallet_start
from core.audit import audit_event_record
from gov_services.models import RequestFee, ServiceRequest
from stations.selectors_households import low_income_household_of

FEE_KEY_NAMESPACE = uuid.UUID("6f1e0c1a-4f57-4d0b-9d4e-0c8f4f2a8e11")


def fee_key(service_request: ServiceRequest) -> uuid.UUID:
    """The till's idempotency key for the request's fee: the same request, the same key."""
    return uuid.uuid5(FEE_KEY_NAMESPACE, str(service_request.idempotency_key))


def fee_waiver_reason(*, item, id_number: str) -> tuple[str, str]:
    """(exemption, reason) when the item's rule waives the fee for this applicant; ("", "") otherwise."""
    if not getattr(item, "fee_waived_low_income", False):
        return "", ""
    household = low_income_household_of(id_number=id_number)
    if household is None:
        return "", ""
    return RequestFee.Exemption.LOW_INCOME, _("Low-income household %(head)s, %(grid)s no. %(number)s") % {
        "head": household.head_name, "grid": household.grid.name, "number": household.house_number}


def fee_due_fen(service_request: ServiceRequest) -> int:
    """What the request still owes at the counter: its item's fee unless charged or waived already."""
    item = service_request.item
    if item is None or not item.fee_fen or service_request.station_id is None:
        return 0
    return 0 if RequestFee.objects.filter(request=service_request).exists() else item.fee_fen


def fee_till_order(service_request: ServiceRequest) -> dict:
    """What the till records for the fee: the same whether it is taken at once or after a wallet confirms."""
    item = service_request.item
    return {"external_reference": service_request.tracking_code, "description": item.name[:200],
            "payee_code": item.department.code, "payee_name": item.department.name}


def fee_wallet_payment(service_request: ServiceRequest) -> TillWalletPayment | None:
    """The wallet payment opened for the request's fee, if any."""
    return TillWalletPayment.objects.filter(idempotency_key=fee_key(service_request)).first()


def service_request_fee_wallet_start(*, actor: User, service_request: ServiceRequest, wallet: str,
                                     done_url: str) -> TillWalletPayment | None:
    """Open (or find again) the WeChat Pay / Alipay payment of the fee: its QR goes on the counter screen.
    None when nothing is to be paid by wallet: no fee, already recorded, or waived (the waiver is recorded)."""
    request = service_request
    if not fee_due_fen(request):
        return None
    if fee_waiver_reason(item=request.item, id_number=request.applicant_id_number)[0]:
        service_request_fee_charge(actor=actor, service_request=request)
        return None
    return till_wallet_start(actor=actor, station=request.station, wallet=wallet,
                             purpose=CounterTransaction.Kind.GOV_FEE, amount_fen=request.item.fee_fen,
                             idempotency_key=fee_key(request), description=request.item.name,
                             order=fee_till_order(request), done_url=done_url)


def service_request_fee_charge(*, actor: User, service_request: ServiceRequest,
                               payment_method: str = "cash") -> RequestFee | None:
    """Take the item's fee for a request filed at a counter (None when the item has no fee). Waived by
    the item's rule, the fee is recorded with the reason and no money moves. Charging again returns the
    first record."""
    request = service_request
    item = request.item
    if item is None or not item.fee_fen:
        return None
    if request.station is None:
        raise ValidationError(_("A fee is taken at a station's counter."), code="no_station")
    existing = RequestFee.objects.filter(request=request).select_related("counter_transaction").first()
    if existing is not None:
        return existing
    exemption, reason = fee_waiver_reason(item=item, id_number=request.applicant_id_number)
    with transaction.atomic():
        tx = None
        if not exemption:
            tx = till.government_fee_take(actor=actor, station=request.station, amount_fen=item.fee_fen,
                                          idempotency_key=fee_key(request), payment_method=payment_method,
                                          **fee_till_order(request))
        fee, created = RequestFee.objects.get_or_create(
            request=request, defaults={"amount_fen": item.fee_fen, "exemption": exemption,
                                       "exemption_reason": reason[:200], "counter_transaction": tx,
                                       "charged_by": actor})
        if created:
            audit_event_record(actor=actor, action="gov_services.fee.charge", target=request,
                               data={"amount_fen": item.fee_fen, "exemption": exemption, "reason": reason,
                                     "till_reference": tx.reference if tx else ""})
    return fee


def service_request_fee_refund(*, actor: User, service_request: ServiceRequest, reason: str) -> RequestFee | None:
    """Give back the fee of a request that was not accepted (once; None when nothing was paid). Call it
    inside the service that decided so: that service has checked the actor may."""
    fee = RequestFee.objects.select_for_update().filter(request=service_request).first()
    if fee is None or fee.counter_transaction_id is None or fee.refunded_at is not None:
        return fee
    till.government_fee_refund(actor=actor, counter_transaction=fee.counter_transaction, reason=reason)
    fee.refunded_at = timezone.now()
    fee.save(update_fields=["refunded_at"])
    audit_event_record(actor=actor, action="gov_services.fee.refund", target=service_request,
                       data={"amount_fen": fee.amount_fen, "till_reference": fee.counter_transaction.reference})
    return fee
