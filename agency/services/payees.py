"""Subsidised services and the monthly statements of what the county owes each contracted payee.

An app above agency (care) hands over, for each service the county subsidises, the region that pays,
the payee's code and name, the amount and the service's reference: `payee_service_post` writes one
journal for it (the region's subsidies debited, the payee's account credited), once per reference.
A month that has ended is read off the payee's account into a statement (`payee_statement_generate`),
approved by a county admin other than the one who generated it, then paid (payee's account debited,
platform bank credited). Nothing here knows what the payee is.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agency.models import Account, Journal, LedgerEntry, PayeeStatement
from agency.services.ledger import Line, _account, journal_post
from agency.services.statement_steps import (
    require_payment_reference,
    statement_approve,
    statement_paid_record,
)
from core.audit import audit_event_record
from core.idempotency import create_once
from core.timeutil import local_date, month_bounds, month_start
from stations.models import Region
from stations.scope import require, scope_for

Purpose, Role = Account.Purpose, LedgerEntry.Role


def region_subsidy_account(region: Region) -> Account:
    return _account(f"subsidy:R{region.code}", purpose=Purpose.SUBSIDY, region=region,
                    name_parts=(region.name, Purpose.SUBSIDY.label))


def payee_account(*, payee_code: str, payee_name: str, region: Region) -> Account:
    return _account(f"payee:{payee_code}", purpose=Purpose.PAYEE, region=region,
                    name_parts=(payee_name, Purpose.PAYEE.label))


def payee_service_post(*, region: Region, payee_code: str, payee_name: str, amount_fen: int, reference: str,
                       actor=None) -> Journal | None:
    """The journal of one subsidised service (None for nothing owed). Posted once per reference: the same
    reference again returns the first journal."""
    if amount_fen <= 0:
        return None
    memo = f"{payee_code} {reference}"[:200]
    existing = Journal.objects.filter(kind=Journal.Kind.SERVICE, memo=memo).first()
    if existing is not None:
        return existing
    return journal_post(kind=Journal.Kind.SERVICE, actor=actor, memo=memo, lines=[
        Line(region_subsidy_account(region), amount_fen, Role.PRINCIPAL),
        Line(payee_account(payee_code=payee_code, payee_name=payee_name, region=region), -amount_fen,
             Role.PRINCIPAL)])


def payee_service_entries(*, payee_code: str, month: date):
    """The payee's services posted in `month` (entries on its account, the journal's memo naming each)."""
    start, end = month_bounds(month)
    return (LedgerEntry.objects.filter(account__code=f"payee:{payee_code}", journal__kind=Journal.Kind.SERVICE,
                                       journal__posted_at__gte=start, journal__posted_at__lt=end)
            .select_related("journal").order_by("journal__posted_at", "pk"))


def payee_month_figures(*, payee_code: str, month: date) -> tuple[int, int]:
    """(services, total owed in fen) posted to the payee in `month`."""
    row = payee_service_entries(payee_code=payee_code, month=month).aggregate(
        n=Count("pk"), total=Sum("amount_fen"))
    return row["n"] or 0, -(row["total"] or 0)


def _require_county_admin(actor, region: Region) -> None:
    require(scope_for(actor).covers(region.path, county_only=True),
            _("Only a county admin of %(region)s settles its payees.") % {"region": region.name})


def payee_statement_generate(*, actor, region: Region, payee_code: str, payee_name: str,
                             month: date) -> PayeeStatement:
    """The payee's statement for an ended month (generating again returns it unchanged)."""
    _require_county_admin(actor, region)
    month = month_start(month)
    if month >= month_start(local_date()):
        raise ValidationError({"month": _("A month is settled once it has ended.")})
    count, total = payee_month_figures(payee_code=payee_code, month=month)

    def build() -> PayeeStatement:
        return PayeeStatement(region=region, payee_code=payee_code, payee_name=payee_name[:120], month=month,
                              service_count=count, total_fen=total, generated_by=actor, generated_at=timezone.now())

    with transaction.atomic():
        statement, created = create_once(PayeeStatement, key={"payee_code": payee_code, "month": month},
                                         build=build)
        if created:
            audit_event_record(actor=actor, action="agency.payee_statement.generate", target=statement,
                               data={"services": count, "total_fen": total})
    return statement


def payee_statement_approve(*, actor, statement: PayeeStatement) -> PayeeStatement:
    """The checker: a county admin other than the one who generated it."""
    _require_county_admin(actor, statement.region)
    return statement_approve(statement, actor=actor, action="agency.payee_statement.approve")


def payee_statement_mark_paid(*, actor, statement: PayeeStatement, payment_reference: str) -> PayeeStatement:
    """Record the bank payment of an approved statement and post it (payee's account → platform bank)."""
    _require_county_admin(actor, statement.region)
    require_payment_reference(payment_reference)
    with transaction.atomic():
        statement = PayeeStatement.objects.select_for_update().select_related("region").get(pk=statement.pk)
        statement_paid_record(
            statement, actor=actor, payment_reference=payment_reference, amount_fen=statement.total_fen,
            paid_from=lambda: payee_account(payee_code=statement.payee_code, payee_name=statement.payee_name,
                                            region=statement.region),
            kind=Journal.Kind.PAYEE_PAID, memo=statement.payee_code, action="agency.payee_statement.pay")
    return statement
