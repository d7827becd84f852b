"""A merchant statement's payout step: approved → paid against the bank transfer's reference, posted once to
agency's ledger (store sales held → platform bank), shown to the county and to the merchant."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse

from agency.models import Journal, LedgerEntry
from core.models import AuditEvent
from core.timeutil import last_full_month
from shop.models import MerchantStatement
from shop.services.statements import merchant_statement_approve, merchant_statement_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(merchant_a, county_admin, superuser):
    statement = MerchantStatement.objects.create(merchant=merchant_a, month=date(2026, 1, 1), parts_count=3,
                                                 sales_fen=30000, refunds_fen=0, commission_fen=900, net_fen=29100,
                                                 generated_by=superuser)
    return merchant_statement_approve(actor=county_admin, statement_id=statement.pk)


def test_an_approved_statement_is_paid_once_and_posted_to_the_ledger(county_admin, approved):
    paid = merchant_statement_pay(actor=county_admin, statement_id=approved.pk, payment_reference=" BANK-778 ")
    assert (paid.status, paid.payment_reference, paid.paid_by) == ("paid", "BANK-778", county_admin)
    journal = paid.payout_journal
    assert journal.kind == Journal.Kind.MERCHANT_PAYOUT
    entries = {e.account.code: e.amount_fen for e in LedgerEntry.objects.filter(journal=journal).select_related("account")}
    assert entries == {"store_payable": 29100, "platform_bank": -29100}
    assert LedgerEntry.objects.filter(journal=journal).aggregate(total=Sum("amount_fen"))["total"] == 0
    assert AuditEvent.objects.filter(action="merchant_statement.paid").count() == 1
    with pytest.raises(ValidationError):
        merchant_statement_pay(actor=county_admin, statement_id=approved.pk, payment_reference="BANK-779")
    assert Journal.objects.filter(kind=Journal.Kind.MERCHANT_PAYOUT).count() == 1


def test_a_statement_not_approved_or_without_a_reference_is_not_paid(county_admin, merchant_a, superuser, approved):
    with pytest.raises(ValidationError):
        merchant_statement_pay(actor=county_admin, statement_id=approved.pk, payment_reference="  ")
    generated = MerchantStatement.objects.create(merchant=merchant_a, month=date(2026, 2, 1), generated_by=superuser)
    with pytest.raises(ValidationError):
        merchant_statement_pay(actor=county_admin, statement_id=generated.pk, payment_reference="B-1")
    assert not Journal.objects.filter(kind=Journal.Kind.MERCHANT_PAYOUT).exists()


def test_only_those_who_manage_merchants_pay(merchant_a_user, township_admin, approved):
    for user in (merchant_a_user,):
        with pytest.raises(PermissionDenied):
            merchant_statement_pay(actor=user, statement_id=approved.pk, payment_reference="B-1")


def test_the_county_pays_from_its_statements_page_and_the_merchant_sees_it_paid(
        client, county_admin, merchant_a_user, approved):
    client.force_login(county_admin)
    url = reverse("shop:county-merchant-statements")
    page = client.get(f"{url}?month=2026-01").content.decode()
    assert 'name="pay"' in page
    response = client.post(url, {"month": "2026-01", "pay": approved.pk, "payment_reference": "BANK-9"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "paid"
    client.force_login(merchant_a_user)
    mine = client.get(reverse("shop:merchant-statements")).content.decode()
    assert "BANK-9" in mine


def test_a_bad_pay_post_is_a_message_not_a_500(client, county_admin, approved):
    client.force_login(county_admin)
    url = reverse("shop:county-merchant-statements")
    response = client.post(url, {"month": last_full_month().strftime("%Y-%m"), "pay": approved.pk}, follow=True)
    assert response.status_code == 200
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_agency_refuses_a_payout_of_nothing(county_admin):
    from agency import services as agency

    with pytest.raises(ValidationError):
        agency.merchant_payout_post(actor=county_admin, amount_fen=0, external_reference="x", payment_reference="B")
