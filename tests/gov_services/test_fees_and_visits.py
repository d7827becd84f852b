"""Government fees at the counter (gov_services/requests/services/fees.py) and a request's errands in a visit
(gov_services/requests/services/visits.py): charged at filing into the department's account, waived by the item's
rule for low-income households with the reason, refunded once when the request is not accepted; the
counter's pages carry the visit and come back to it."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agency import selectors as till_selectors
from agency import services as till
from agency.models import Account, CounterTransaction, Journal, VisitErrand
from gov_services.models import RequestFee, ServiceRequest
from gov_services.requests import services as services
from gov_services.requests.services.fees import service_request_fee_charge, service_request_fee_refund
from gov_services.requests.services.visits import service_request_visit_register
from stations.models import HouseholdMember
from tests.factories import GridFactory, HouseholdFactory, upload, valid_id_number
from tests.gov_services.counter_helpers import scan_png

# The counter views' fixtures, under their own names here.

pytestmark = pytest.mark.django_db


def file(operator, station, item, id_card, n=7):
    return services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=item,
        applicant_name="李淑芬", applicant_id_number=valid_id_number(n), applicant_phone="13987654321",
        consent="witnessed", channel="counter", station=station, form_data={"purpose": "就业"},
        attachments=[upload("id-front.png", scan_png(), id_card)])


def payee(item):
    return Account.objects.get(code=f"gov_payable:payee:{item.department.code}")


def test_a_fee_is_charged_once_into_the_departments_account(operator, station, fee_item, id_card):
    request = file(operator, station, fee_item, id_card)
    fee = service_request_fee_charge(actor=operator, service_request=request)
    again = service_request_fee_charge(actor=operator, service_request=request)
    assert fee.pk == again.pk and not fee.is_exempt and fee.amount_fen == 2_000
    tx = fee.counter_transaction
    assert (tx.kind, tx.amount_fen, tx.external_reference, tx.status) == ("gov_fee", 2_000, request.tracking_code,
                                                                          "succeeded")
    assert CounterTransaction.objects.count() == 1
    assert till_selectors.account_balance_fen(account=payee(fee_item)) == -2_000
    rows = list(till_selectors.payee_entries(payee_code=fee_item.department.code))
    assert [r.amount_fen for r in rows] == [-2_000]


def test_a_free_item_charges_nothing(operator, station, request_item, id_card):
    request = file(operator, station, request_item, id_card)
    assert service_request_fee_charge(actor=operator, service_request=request) is None
    assert not CounterTransaction.objects.exists()


def test_a_low_income_household_is_exempt_by_the_items_rule_with_the_reason(operator, station, fee_item, id_card):
    household = HouseholdFactory(grid=GridFactory(station=station), low_income=True, head_name="李大山")
    HouseholdMember.objects.create(household=household, name="李淑芬", id_number=valid_id_number(7), relation="head")
    request = file(operator, station, fee_item, id_card)
    fee = service_request_fee_charge(actor=operator, service_request=request)
    assert not fee.is_exempt and fee.counter_transaction.amount_fen == 2_000  # no rule on the item yet
    fee_item.fee_waived_low_income = True
    fee_item.save()
    fee = service_request_fee_charge(actor=operator, service_request=file(operator, station, fee_item, id_card))
    assert fee.is_exempt and fee.counter_transaction is None and "李大山" in fee.exemption_reason
    assert CounterTransaction.objects.count() == 1


def test_the_waiver_rule_needs_the_household_to_be_low_income(operator, station, fee_item, id_card):
    fee_item.fee_waived_low_income = True
    fee_item.save()
    household = HouseholdFactory(grid=GridFactory(station=station), low_income=False)
    HouseholdMember.objects.create(household=household, name="李淑芬", id_number=valid_id_number(7), relation="head")
    fee = service_request_fee_charge(actor=operator, service_request=file(operator, station, fee_item, id_card))
    assert not fee.is_exempt and fee.counter_transaction.amount_fen == 2_000


def test_a_request_not_accepted_refunds_its_fee_once(operator, officer, station, fee_item, id_card):
    request = file(operator, station, fee_item, id_card)
    fee = service_request_fee_charge(actor=operator, service_request=request)
    cash_before = till.expected_cash_fen(station)
    services.service_request_reject(request=request, actor=officer, note="材料不全，不予受理")
    fee.refresh_from_db()
    assert fee.refunded_at is not None and fee.counter_transaction.status == "reversed"
    assert till_selectors.account_balance_fen(account=payee(fee_item)) == 0
    assert till.expected_cash_fen(station) == cash_before - 2_000
    service_request_fee_refund(actor=officer, service_request=request, reason="again")
    assert Journal.objects.filter(kind="reversal").count() == 1
    assert [r.amount_fen for r in till_selectors.payee_entries(payee_code=fee_item.department.code)] == [-2_000, 2_000]


def test_an_accepted_request_keeps_its_fee(operator, officer, station, fee_item, id_card):
    request = file(operator, station, fee_item, id_card)
    service_request_fee_charge(actor=operator, service_request=request)
    services.service_request_accept(request=request, actor=officer)
    assert not Journal.objects.filter(kind="reversal").exists()


def test_a_liaison_cannot_take_a_fee(liaison, station, fee_item, id_card):
    request = file(liaison, station, fee_item, id_card)
    with pytest.raises(PermissionDenied):
        service_request_fee_charge(actor=liaison, service_request=request)
    assert not RequestFee.objects.exists()


def test_the_request_and_its_fee_join_a_visit_once(operator, station, fee_item, id_card):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="李淑芬")
    request = file(operator, station, fee_item, id_card)
    service_request_fee_charge(actor=operator, service_request=request)
    for _twice in range(2):
        errands = service_request_visit_register(actor=operator, visit=visit, service_request=request)
    assert [e.kind for e in errands] == ["application", "gov_fee"]
    assert VisitErrand.objects.count() == 2 and till.visit_cash_due_fen(visit) == 2_000
    supplement = service_request_visit_register(actor=operator, visit=visit, service_request=request, supplement=True)
    assert supplement[0].kind == "supplement" and supplement[0].amount_fen == 0


# --- HTTP ----------------------------------------------------------------------------------------

def test_filing_inside_a_visit_takes_the_fee_and_returns_to_the_visit(operator_client, operator, station, fee_item,
                                                                      application_data):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王秀英",
                            resident_phone="13812345678")
    page = operator_client.get(reverse("gov_services:counter-application-create", args=[fee_item.pk]),
                               {"visit": visit.pk, "next": "/counter/visits/1/"})
    assert page.context["form"]["applicant_phone"].value() == "13812345678"
    assert f'name="visit" value="{visit.pk}"' in page.content.decode()
    for _twice in range(2):
        response = operator_client.post(reverse("gov_services:counter-application-create", args=[fee_item.pk]),
                                        application_data(visit=visit.pk, next="/counter/visits/1/"))
        assert response.status_code == 302 and response["Location"] == "/counter/visits/1/"
    request = ServiceRequest.objects.get()
    assert request.fee.counter_transaction.amount_fen == 2_000
    assert sorted(visit.errands.values_list("kind", flat=True)) == ["application", "gov_fee"]
    assert CounterTransaction.objects.count() == 1


def test_an_outside_next_is_ignored(operator_client, fee_item, application_data):
    response = operator_client.post(reverse("gov_services:counter-application-create", args=[fee_item.pk]),
                                    application_data(next="https://evil.example/"))
    assert response["Location"] == reverse("gov_services:counter-request-receipt",
                                           args=[ServiceRequest.objects.get().pk])


def test_a_fee_left_due_is_taken_from_the_request_page(client, liaison, operator, station, fee_item, id_card):
    request = file(liaison, station, fee_item, id_card)
    client.force_login(operator)
    page = client.get(reverse("gov_services:counter-request-detail", args=[request.pk]))
    assert page.context["fee_due_yuan"] == "20.00"
    response = client.post(reverse("gov_services:counter-request-fee", args=[request.pk]))
    assert response.status_code == 302 and RequestFee.objects.get().counter_transaction.amount_fen == 2_000
    client.post(reverse("gov_services:counter-request-fee", args=[request.pk]))
    assert CounterTransaction.objects.count() == 1
    client.force_login(liaison)
    assert client.post(reverse("gov_services:counter-request-fee", args=[request.pk])).status_code == 403


def test_a_fee_charge_refused_by_the_till_is_said_and_the_request_stands(operator, station, fee_item, id_card):
    request = file(operator, station, fee_item, id_card)
    fee_item.fee_fen = 10**12  # beyond what the till takes
    fee_item.save()
    with pytest.raises(ValidationError):
        service_request_fee_charge(actor=operator, service_request=ServiceRequest.objects.get(pk=request.pk))
    assert not RequestFee.objects.exists()


def test_the_departments_statement_shows_its_fees_and_refunds(client, operator, officer, station, fee_item,
                                                               id_card):
    kept = file(operator, station, fee_item, id_card)
    service_request_fee_charge(actor=operator, service_request=kept)
    refused = file(operator, station, fee_item, id_card, n=8)
    service_request_fee_charge(actor=operator, service_request=refused)
    services.service_request_reject(request=refused, actor=officer, note="不予受理")
    client.force_login(officer)
    page = client.get(reverse("gov_services:dept-fees"))
    assert page.status_code == 200 and page.context["department"] == fee_item.department
    assert (page.context["charged_fen"], page.context["refunded_fen"], page.context["net_fen"]) == (4_000, 2_000, 2_000)
    html = page.content.decode()
    assert kept.tracking_code in html and refused.tracking_code in html
    assert client.get(reverse("gov_services:dept-fees"), {"month": "bad"}).status_code == 200
    client.force_login(operator)
    assert client.get(reverse("gov_services:dept-fees")).status_code == 403
