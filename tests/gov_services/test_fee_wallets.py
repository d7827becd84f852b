"""A government fee paid by WeChat Pay at filing (gov_services/requests/services/fees.py with agency's till wallets): the
operator chooses the wallet, the QR page follows the filing, the fee is recorded (and joins the visit) only once
the wallet confirms, cash is not due for it, and a request refused before acceptance gives the fee back to the
wallet. Against the WeChat Pay simulator; only the HTTP transport is the test's."""

import uuid

import pytest
from django.urls import reverse

from agency import services as till
from agency.models import CounterTransaction, TillWalletPayment
from agency.wallets import simulator
from gov_services.models import RequestFee, ServiceRequest
from gov_services.requests import services as services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]


def test_a_fee_paid_by_wechat_at_filing_joins_the_visit_once_the_wallet_confirms(
        operator_client, operator, officer, station, fee_item, application_data, django_capture_on_commit_callbacks):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王秀英")
    form = operator_client.get(reverse("gov_services:counter-application-create", args=[fee_item.pk]))
    assert 'name="fee_method" value="wechat"' in form.content.decode()
    for _twice in range(2):  # a double submit: one request, one wallet payment, one QR
        filed = operator_client.post(reverse("gov_services:counter-application-create", args=[fee_item.pk]),
                                     application_data(visit=visit.pk, next=f"/counter/visits/{visit.pk}/",
                                                      fee_method="wechat"))
    payment = TillWalletPayment.objects.get()
    assert filed.status_code == 302 and filed["Location"].startswith(reverse("agency:till-wallet", args=[payment.pk]))
    request = ServiceRequest.objects.get()
    assert not RequestFee.objects.exists() and not CounterTransaction.objects.exists()
    assert list(visit.errands.values_list("kind", flat=True)) == ["application"]

    page = operator_client.get(filed["Location"]).content.decode()
    assert "<svg" in page and 'data-paid="0"' in page and "20.00" in page
    check = reverse("agency:till-wallet-check", args=[payment.pk])
    assert operator_client.post(check, HTTP_ACCEPT="application/json").json()["paid"] is False

    simulator.order_pay(simulator.order_get("wechat", payment.out_trade_no))  # the resident pays on the phone
    state = operator_client.post(check, HTTP_ACCEPT="application/json").json()
    assert state["paid"] is True and state["status"] == "paid"
    page = operator_client.get(filed["Location"]).content.decode()
    assert 'data-paid="1"' in page and reverse("gov_services:counter-request-fee", args=[request.pk]) in page

    done = operator_client.post(reverse("gov_services:counter-request-fee", args=[request.pk]),
                                {"payment_method": "wechat", "visit": visit.pk, "next": f"/counter/visits/{visit.pk}/"})
    assert done.status_code == 302 and done["Location"] == f"/counter/visits/{visit.pk}/"
    fee = RequestFee.objects.get()
    payment.refresh_from_db()
    assert fee.counter_transaction.payment_method == "wechat" and fee.counter_transaction == payment.counter_transaction
    assert sorted(visit.errands.values_list("kind", flat=True)) == ["application", "gov_fee"]
    assert till.visit_cash_due_fen(visit) == 0 and till.expected_cash_fen(station) == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_reject(request=request, actor=officer, note="材料不全，不予受理")
    payment.refresh_from_db()
    fee.refresh_from_db()
    assert fee.refunded_at is not None and payment.status == "refunded"
    assert [r["amount_fen"] for r in simulator.order_get("wechat", payment.out_trade_no)["refunds"]] == [2_000]
    assert till.expected_cash_fen(station) == 0  # the drawer pays nothing back: the wallet did


def test_cash_stays_the_default_at_filing(operator_client, fee_item, application_data):
    operator_client.post(reverse("gov_services:counter-application-create", args=[fee_item.pk]), application_data())
    assert RequestFee.objects.get().counter_transaction.payment_method == "cash"
    assert not TillWalletPayment.objects.exists()
