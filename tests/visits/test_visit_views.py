"""The visit screen (/counter/visits/): find the resident across the apps, start the visit, see what
concerns them, add errands through each app's counter page and come back, close with the cash
received, one receipt (58/80 mm, A4, PDF; reprints marked) whose total is the cash drawn."""

import re
import uuid

import pytest
from django.urls import reverse

from agency import services as till
from agency.models import CounterTransaction, Visit, VisitErrand
from gov_services.requests import services as request_services
from shop.models import OrderPart
from shop.services import orders as shop_services
from tests.agency.factories import ProductFactory, account_number, fund
from tests.factories import upload, valid_id_number
from tests.gov_services.counter_helpers import scan_png
from tests.shop import factories as shop_factories
from visits.lookup import Who, classify

pytestmark = pytest.mark.django_db
PHONE = "13911112222"


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def returned_request(operator, officer, station, request_item):
    request = request_services.service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="刘桂兰", applicant_id_number=valid_id_number(3), applicant_phone=PHONE,
        consent="witnessed", channel="counter", station=station, form_data={"purpose": "就业"},
        attachments=[upload("id.png", scan_png(), request_item.materials.get(name="身份证"))])
    return request_services.service_request_return(request=request, actor=officer, note="请补交户口簿首页")


@pytest.fixture
def parcel(merchant_a, merchant_a_user, station, operator):
    item = shop_factories.product(merchant_a.partner, title="电热水壶", price="80.00")
    part = shop_factories.order((item, 1), station=station, phone=PHONE).parts.get()
    for user, status in ((merchant_a_user, "confirmed"), (merchant_a_user, "sent"), (operator, "ready")):
        part = shop_services.order_part_move(user=user, part_id=part.pk, to_status=status)
    return part


@pytest.mark.parametrize("text, who", [
    ("139 1111 2222", Who(phone=PHONE)), ("13022519800101031x", Who(id_number="13022519800101031X")),
    ("刘桂兰", Who(name="刘桂兰")), ("", Who()),
])
def test_what_the_operator_typed_is_told_apart(text, who):
    assert classify(text) == who


def test_a_tracking_code_is_recognised(returned_request):
    assert classify(returned_request.tracking_code.lower()).tracking_code == returned_request.tracking_code


def test_the_search_finds_the_resident_by_phone_tracking_code_and_name(operator_client, returned_request, parcel):
    for q in (PHONE, returned_request.tracking_code, "刘桂兰"):
        page = operator_client.get(reverse("visits:visit-find"), {"q": q})
        assert page.status_code == 200
        assert [(c.name, c.phone) for c in page.context["candidates"]] == [("刘桂兰", PHONE)], q
    nobody = operator_client.get(reverse("visits:visit-find"), {"q": "13700000000"})
    assert nobody.context["candidates"] == [] and "13700000000" in nobody.content.decode()


def test_starting_a_visit_twice_with_one_key_makes_one(operator_client):
    data = {"idempotency_key": str(uuid.uuid4()), "resident_name": "刘桂兰", "resident_phone": PHONE}
    first = operator_client.post(reverse("visits:visit-find"), data)
    second = operator_client.post(reverse("visits:visit-find"), data)
    visit = Visit.objects.get()
    assert first["Location"] == second["Location"] == reverse("visits:visit-detail", args=[visit.pk])
    empty = operator_client.post(reverse("visits:visit-find"), {"idempotency_key": str(uuid.uuid4())})
    assert empty.status_code == 400 and Visit.objects.count() == 1


def test_the_visit_shows_what_concerns_the_resident(operator_client, operator, station, returned_request, parcel):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="刘桂兰",
                            resident_phone=PHONE)
    page = operator_client.get(reverse("visits:visit-detail", args=[visit.pk]))
    html = page.content.decode()
    summary = page.context["summary"]
    assert [r.pk for r in summary.open_requests] == [returned_request.pk]
    assert summary.open_requests[0].return_note == "请补交户口簿首页" and "请补交户口簿首页" in html
    assert [p.pk for p in summary.parcels] == [parcel.pk]
    carry = f"visit={visit.pk}&amp;next=%2Fcounter%2Fvisits%2F{visit.pk}%2F"
    assert f"{reverse('gov_services:counter-request-create')}?{carry}" in html
    assert f"{reverse('agency:product-pick')}?{carry}" in html


@pytest.fixture
def product(db):
    return ProductFactory()


def test_a_whole_visit_ends_in_one_receipt_whose_total_is_the_cash(operator_client, operator, station, product,
                                                                   parcel, request_item):
    fund(station, product.provider.float_group, 100_000)
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="刘桂兰",
                            resident_phone=PHONE)
    here = reverse("visits:visit-detail", args=[visit.pk])
    cash_before = till.expected_cash_fen(station)
    # A bill through the till's own pages, carried by the visit.
    key = str(uuid.uuid4())
    pay = {"idempotency_key": key, "account_number": account_number(5), "amount": "50.00", "payment_method": "cash",
           "step": "pay", "visit": visit.pk, "next": here}
    for _twice in range(2):
        response = operator_client.post(reverse("agency:payment-create", args=[product.pk]), pay)
        assert response.status_code == 302 and response["Location"] == here
    # The parcel handed over from the visit screen (cash on pick-up: 80 yuan into the till).
    for _twice in range(2):
        response = operator_client.post(reverse("shop:counter-parcel-hand-over", args=[parcel.pk]),
                                        {"code": parcel.pickup_code, "visit": visit.pk, "next": here})
        assert response["Location"] == here
    assert OrderPart.objects.get(pk=parcel.pk).status == "collected"
    errands = list(visit.errands.order_by("pk"))
    assert [e.kind for e in errands] == ["bill", "parcel"]
    due = till.visit_cash_due_fen(visit)
    assert due == sum(e.amount_fen for e in errands) == till.expected_cash_fen(station) - cash_before
    bill_total = CounterTransaction.objects.get(kind="provider", account_number=account_number(5)).total_fen
    assert due == bill_total + 8_000
    # Close: 200 yuan received; the change.
    short = operator_client.post(reverse("visits:visit-close", args=[visit.pk]), {"cash_received": "1.00"})
    assert short.status_code == 400 and "cash_received" in short.context["close_form"].errors
    operator_client.post(reverse("visits:visit-close", args=[visit.pk]), {"cash_received": "200.00"})
    visit.refresh_from_db()
    assert visit.status == "closed" and visit.change_fen == 20_000 - due
    # Print: the original, then a reprint marked as such; 58 mm, A4 and the PDF.
    printed = operator_client.post(reverse("visits:visit-receipt-print", args=[visit.pk]),
                                   {"idempotency_key": str(uuid.uuid4()), "paper": "80", "format": "html"})
    first = operator_client.get(printed["Location"])
    html = first.content.decode()
    total = re.search(r'id="receipt-total">([^<]*)<', html).group(1)
    assert "REPRINT" not in html and total.replace("¥", "").replace(",", "").strip() == f"{due / 100:.2f}"
    assert re.search(r'id="receipt-change">[^<]*' + re.escape(f"{(20_000 - due) / 100:.2f}"), html)
    again = operator_client.post(reverse("visits:visit-receipt-print", args=[visit.pk]),
                                 {"idempotency_key": str(uuid.uuid4()), "paper": "a4", "format": "html"})
    assert "REPRINT" in operator_client.get(again["Location"]).content.decode()
    assert "58mm" in operator_client.get(reverse("visits:visit-receipt", args=[visit.pk, 1]),
                                         {"paper": "58"}).content.decode().replace(" ", "")
    pdf = operator_client.get(reverse("visits:visit-receipt-pdf", args=[visit.pk, 2]), {"paper": "a4"})
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])[:4] == b"%PDF"
    assert operator_client.get(reverse("visits:visit-receipt", args=[visit.pk, 3])).status_code == 404
    # A closed visit takes no more errands: a late payment is made outside it.
    late = dict(pay, idempotency_key=str(uuid.uuid4()), account_number=account_number(6))
    assert operator_client.post(reverse("agency:payment-create", args=[product.pk]), late)["Location"] != here
    assert visit.errands.count() == 2


def test_the_receipt_lists_an_application_with_its_tracking_code_and_qr(operator, station, request_item,
                                                                         operator_client):
    request_item.fee_fen = 1_500
    request_item.save()
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王秀英")
    from gov_services.requests.services.fees import service_request_fee_charge
    from gov_services.requests.services.visits import service_request_visit_register
    from tests.gov_services.test_fees_and_visits import file

    request = file(operator, station, request_item, request_item.materials.get(name="身份证"))
    service_request_fee_charge(actor=operator, service_request=request)
    service_request_visit_register(actor=operator, visit=visit, service_request=request)
    till.visit_close(actor=operator, visit=visit, cash_received_fen=1_500)
    till.visit_receipt_print_record(actor=operator, visit=visit, width="58", idempotency_key=uuid.uuid4())
    html = operator_client.get(reverse("visits:visit-receipt", args=[visit.pk, 1]), {"paper": "58"}).content.decode()
    assert "data:image/svg+xml" in html and f"code={request.tracking_code}" in html
    assert re.search(r'id="receipt-total">[^<]*15\.00', html) and re.search(r'id="receipt-change">[^<]*0\.00', html)
    assert VisitErrand.objects.filter(visit=visit, kind="gov_fee").get().amount_fen == 1_500


def test_another_stations_visit_is_not_found_and_a_liaison_is_refused(client, operator, other_station, superuser,
                                                                      liaison, station):
    from tests.factories import StaffAssignmentFactory, UserFactory

    other_operator = UserFactory()
    StaffAssignmentFactory(user=other_operator, role="operator", station=other_station)
    visit = till.visit_open(actor=other_operator, station=other_station, idempotency_key=uuid.uuid4(),
                            resident_name="外站")
    client.force_login(operator)
    assert client.get(reverse("visits:visit-detail", args=[visit.pk])).status_code == 404
    client.force_login(liaison)
    assert client.get(reverse("visits:visit-find")).status_code == 403


def test_a_counter_sale_inside_a_visit_joins_it_once(operator_client, operator, station, merchant_a):
    from shop.models import CounterSale

    eggs = shop_factories.product(merchant_a.partner, title="鸡蛋", price="12.50")
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="刘桂兰")
    here = reverse("visits:visit-detail", args=[visit.pk])
    page = operator_client.get(reverse("shop:counter-sale-create"), {"visit": visit.pk, "next": here})
    assert f'name="visit" value="{visit.pk}"' in page.content.decode()
    data = {"idempotency_key": str(uuid.uuid4()), "mode": "hand_over", "product_0": eggs.pk, "quantity_0": 2,
            "visit": visit.pk, "next": here}
    for _twice in range(2):
        assert operator_client.post(reverse("shop:counter-sale-create"), data)["Location"] == here
    errand = visit.errands.get()
    sale = CounterSale.objects.get()
    assert (errand.kind, errand.amount_fen, errand.reference) == ("sale", 2_500, str(sale.order.number))
    assert errand.counter_transaction.reference == sale.till_reference
