"""Monthly merchant statements: sales handed over in the month, less refunds paid in the month and the
stations' commission, is what the store owes the merchant. Generated once a month has ended (by staff
or the monthly task, actor None), approved by a different person, then paid: the bank transfer's
reference is recorded and the payout posted to agency's ledger (agency.merchant_payout_post).

    generated --approve--> approved --pay--> paid
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency import services as agency
from core.audit import audit_event_record
from core.timeutil import month_bounds
from shop import order_flow
from shop.models import Merchant, MerchantStatement, OrderPart, OrderPartEvent, Refund
from shop.selectors.merchants import can_manage_merchants, merchant_statement_list
from stations.scope import require

Status = MerchantStatement.Status


def statement_figures(*, merchant: Merchant, month: date) -> dict:
    start, end = month_bounds(month)
    events = OrderPartEvent.objects.filter(part__partner=merchant.partner, at__gte=start, at__lt=end)
    handed = OrderPart.objects.filter(pk__in=events.filter(to_status__in=order_flow.HANDED_OVER).values("part"))
    sums = handed.aggregate(goods=Sum("goods_fen"), delivery=Sum("delivery_fen"), commission=Sum("commission_fen"))
    refunds = Refund.objects.filter(part__in=events.filter(to_status=OrderPart.Status.REFUNDED).values("part"))
    sales = (sums["goods"] or 0) + (sums["delivery"] or 0)
    refunds_fen = refunds.aggregate(total=Sum("amount_fen"))["total"] or 0
    commission = sums["commission"] or 0
    return {"parts_count": handed.count(), "sales_fen": sales, "refunds_fen": refunds_fen,
            "commission_fen": commission, "net_fen": sales - refunds_fen - commission}


@transaction.atomic
def merchant_statement_generate(*, actor: User | None, merchant: Merchant, month: date) -> MerchantStatement:
    """The merchant's statement for an ended month; generating it again returns the first one."""
    month = month.replace(day=1)
    if month_bounds(month)[1] > timezone.now():
        raise ValidationError(_("A statement is made only once its month has ended."))
    existing = MerchantStatement.objects.filter(merchant=merchant, month=month).first()
    if existing is not None:
        return existing
    statement = MerchantStatement.objects.create(merchant=merchant, month=month, generated_by=actor,
                                                 **statement_figures(merchant=merchant, month=month))
    audit_event_record(actor=actor, action="merchant_statement.generated", target=statement,
                       data={"net_fen": statement.net_fen, "month": month.isoformat()})
    return statement


def merchant_statements_generate_month(*, actor: User | None, month: date) -> list[MerchantStatement]:
    return [merchant_statement_generate(actor=actor, merchant=merchant, month=month)
            for merchant in Merchant.objects.order_by("pk")]


@transaction.atomic
def merchant_statement_approve(*, actor: User, statement_id: int) -> MerchantStatement:
    require(can_manage_merchants(user=actor), _("You may not approve merchant statements."))
    statement = merchant_statement_list(user=actor).select_for_update().filter(pk=statement_id).first()
    if statement is None:  # another region's statement is refused as one that does not exist
        raise ValidationError(_("There is no such statement in your region."))
    if statement.status != MerchantStatement.Status.GENERATED:
        raise ValidationError(_("This statement is already approved."))
    if statement.generated_by_id == actor.pk:
        raise ValidationError(_("Someone other than the person who generated the statement approves it."))
    statement.status, statement.approved_by, statement.approved_at = (
        MerchantStatement.Status.APPROVED, actor, timezone.now())
    statement.save(update_fields=["status", "approved_by", "approved_at"])
    audit_event_record(actor=actor, action="merchant_statement.approved", target=statement,
                       data={"net_fen": statement.net_fen})
    return statement


@transaction.atomic
def merchant_statement_pay(*, actor: User, statement_id: int, payment_reference: str) -> MerchantStatement:
    """Record the bank transfer of an approved statement and post it to the ledger, once."""
    require(can_manage_merchants(user=actor), _("You may not pay merchant statements."))
    statement = merchant_statement_list(user=actor).select_for_update().filter(pk=statement_id).first()
    if statement is None:
        raise ValidationError(_("There is no such statement in your region."))
    if not payment_reference.strip():
        raise ValidationError({"payment_reference": [_("Enter the bank payment reference.")]})
    if statement.status == Status.PAID:
        raise ValidationError(_("This statement is already paid."))
    if statement.status != Status.APPROVED:
        raise ValidationError(_("A statement is paid once it is approved."))
    if statement.net_fen > 0:
        statement.payout_journal = agency.merchant_payout_post(
            actor=actor, amount_fen=statement.net_fen, payment_reference=payment_reference,
            external_reference=f"{statement.merchant.partner.name[:30]} {statement.month:%Y-%m}")
    statement.status, statement.paid_by, statement.paid_at = Status.PAID, actor, timezone.now()
    statement.payment_reference = payment_reference.strip()[:60]
    statement.save(update_fields=["status", "paid_by", "paid_at", "payment_reference", "payout_journal"])
    audit_event_record(actor=actor, action="merchant_statement.paid", target=statement,
                       data={"net_fen": statement.net_fen, "payment_reference": statement.payment_reference})
    return statement
