"""Money: a confirmed, subsidised service is one journal in agency's ledger; the month is settled with each
responder in a statement (maker-checker) and paid."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from agency.models import Journal, LedgerEntry, PayeeStatement
from agency.services.payees import payee_statement_approve, payee_statement_mark_paid
from care.services import calls as services
from care.services.settlements import care_statements_generate
from core.timeutil import month_start
from stations.models import StaffAssignment
from tests.clock import clock_at
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def served(world, *, confirm=True):
    call = services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                   urgency="routine", description="送药", idempotency_key=uuid.uuid4())
    services.care_call_dispatch(actor=world["operator"], call=call)
    offer = call.offers.get()
    services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="ok", amount_fen=500)
    if confirm:
        services.care_call_confirm(actor=world["operator"], call=call, rating=5)
    return call


def test_a_confirmed_service_posts_its_subsidy_once_balanced(world):
    call = served(world)
    services.care_call_confirm(actor=world["operator"], call=call, rating=5)  # again: no second journal
    journal = Journal.objects.get(kind=Journal.Kind.SERVICE)
    entries = {e.account.code: e.amount_fen for e in journal.entries.select_related("account")}
    assert entries == {f"subsidy:R{world['county'].code}": 1500, f"payee:care:{world['first'].pk}": -1500}
    assert call.reference in journal.memo


def test_a_service_not_yet_confirmed_is_not_owed(world):
    served(world, confirm=False)
    assert not Journal.objects.filter(kind=Journal.Kind.SERVICE).exists()


def test_the_month_is_settled_maker_checker_then_paid(world):
    last_month = month_start(timezone.localdate(), -1)
    with clock_at(timezone.now() - timedelta(days=timezone.localdate().day + 1)):
        served(world)
        served(world)
    finance = UserFactory()
    StaffAssignmentFactory(user=finance, region=world["county"], role=StaffAssignment.Role.COUNTY_ADMIN)
    [statement] = care_statements_generate(actor=world["county_admin"], month=last_month)
    assert care_statements_generate(actor=world["county_admin"], month=last_month) == [statement]
    assert (statement.service_count, statement.total_fen) == (2, 3000)
    with pytest.raises(PermissionDenied):
        payee_statement_approve(actor=world["county_admin"], statement=statement)
    payee_statement_approve(actor=finance, statement=statement)
    statement = payee_statement_mark_paid(actor=finance, statement=statement, payment_reference="BANK-0001")
    assert statement.status == PayeeStatement.Status.PAID
    owed = sum(LedgerEntry.objects.filter(account__code=f"payee:care:{world['first'].pk}")
               .values_list("amount_fen", flat=True))
    assert owed == 0


def test_the_settlement_screens_for_county_admins_and_not_for_the_care_desk(client, world):
    client.force_login(world["operator"])
    assert client.get(reverse("care:settlement-list")).status_code == 403
    township_admin = UserFactory()
    StaffAssignmentFactory(user=township_admin, region=world["townships"][0],
                           role=StaffAssignment.Role.TOWNSHIP_ADMIN)
    client.force_login(township_admin)
    assert client.get(reverse("care:settlement-list")).status_code == 403
    client.force_login(world["county_admin"])
    assert client.get(reverse("care:settlement-list")).status_code == 200
    last_month = month_start(timezone.localdate(), -1)
    with clock_at(timezone.now() - timedelta(days=timezone.localdate().day + 1)):
        served(world)
    response = client.post(reverse("care:settlement-list"), {"month": f"{last_month:%Y-%m}"})
    assert response.status_code == 302
    statement = PayeeStatement.objects.get()
    page = client.get(reverse("care:settlement-detail", kwargs={"pk": statement.pk})).content.decode()
    assert "15.00" in page
