"""The counter sale screen with WeChat Pay / Alipay: 现金 stays the default; a wallet leads to the till's QR page,
its "done" step to the receipt (with the wallet line) and into the visit; a refused sale leads back."""

import uuid

import pytest
from django.urls import reverse

from agency import services as till
from agency.models import TillWalletPayment, VisitErrand
from agency.wallets import simulator
from shop.models import CounterSale
from tests.shop import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wallet_http")]


@pytest.fixture
def goods(merchant_a):
    return factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00", stock=10)


def sale_form(goods, *, method="wechat", key=None, **extra):
    return {"idempotency_key": str(key or uuid.uuid4()), "mode": "hand_over", "payment_method": method,
            "product_0": goods.pk, "quantity_0": 2, **extra}


def test_the_screen_offers_cash_first_then_each_wallet(client, operator, goods):
    client.force_login(operator)
    page = client.get(reverse("shop:counter-sale-create")).content.decode()
    for method in ("cash", "wechat", "alipay"):
        assert f'name="payment_method" value="{method}"' in page
    assert "微信支付" in page and "支付宝" in page


@pytest.mark.parametrize("wallet", ["wechat", "alipay"])
def test_a_wallet_sale_shows_the_qr_then_the_receipt_with_the_wallet_line(client, operator, goods, wallet):
    client.force_login(operator)
    key = uuid.uuid4()
    response = client.post(reverse("shop:counter-sale-create"), sale_form(goods, method=wallet, key=key))
    payment = TillWalletPayment.objects.get()
    assert response.status_code == 302 and response.url == reverse("agency:till-wallet", args=[payment.pk])
    again = client.post(reverse("shop:counter-sale-create"), sale_form(goods, method=wallet, key=key))
    assert again.url == response.url and TillWalletPayment.objects.count() == 1  # a double click: one QR
    assert not CounterSale.objects.exists()
    qr_page = client.get(response.url).content.decode()
    assert "<svg" in qr_page and "¥24.00" in qr_page

    simulator.order_pay(simulator.order_get(wallet, payment.out_trade_no))
    state = client.post(reverse("agency:till-wallet-check", args=[payment.pk]), HTTP_ACCEPT="application/json").json()
    assert state["paid"] is True
    done = client.post(payment.done_url)
    sale = CounterSale.objects.get()
    assert done.status_code == 302 and done.url == reverse("shop:counter-sale-receipt", args=[sale.pk])
    receipt = client.get(done.url).content.decode()
    assert "data-receipt-wallet" in receipt and payment.out_trade_no in receipt and sale.till_reference in receipt
    assert ("微信支付收款" if wallet == "wechat" else "支付宝收款") in receipt
    pdf = client.get(reverse("shop:counter-sale-receipt-pdf", args=[sale.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_refused_sale_says_why_on_the_qr_page_and_leads_back(client, operator, goods):
    client.force_login(operator)
    client.post(reverse("shop:counter-sale-create"), sale_form(goods))
    payment = TillWalletPayment.objects.get()
    record = goods.stockrecords.get()
    record.num_in_stock = 1
    record.save()
    simulator.order_pay(simulator.order_get("wechat", payment.out_trade_no))
    page = client.get(reverse("agency:till-wallet", args=[payment.pk])).content.decode()
    assert "已退回村民的钱包" in page or "退回" in page
    assert "甲的鸡蛋" in page and 'id="wallet-back"' in page
    back = client.post(payment.done_url, follow=True)
    assert back.redirect_chain[-1][0] == reverse("shop:counter-sale-create")
    assert "没有售出" in back.content.decode() or "Nothing was sold" in back.content.decode()
    assert not CounterSale.objects.exists()


def test_an_order_to_collect_later_is_not_paid_by_wallet_and_bad_input_is_a_form_error(client, operator, goods):
    client.force_login(operator)
    response = client.post(reverse("shop:counter-sale-create"),
                           sale_form(goods, mode="order", phone="13944445555"))
    assert response.status_code == 422 and not TillWalletPayment.objects.exists()
    response = client.post(reverse("shop:counter-sale-create"), sale_form(goods, quantity_0=11))
    assert response.status_code == 422 and "甲的鸡蛋" in response.content.decode()
    response = client.post(reverse("shop:counter-sale-create"), sale_form(goods, method="bitcoin"))
    assert response.status_code == 422 and not TillWalletPayment.objects.exists()


def test_a_wallet_sale_joins_the_visit_as_a_wallet_line(client, operator, station, goods):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王大爷")
    client.force_login(operator)
    query = f"?visit={visit.pk}"
    response = client.post(reverse("shop:counter-sale-create") + query, sale_form(goods, visit=visit.pk))
    assert response.status_code == 302 and f"visit={visit.pk}" in response.url
    payment = TillWalletPayment.objects.get()
    simulator.order_pay(simulator.order_get("wechat", payment.out_trade_no))
    done = client.post(payment.done_url, {"visit": visit.pk})
    assert done.status_code == 302
    errand = VisitErrand.objects.get(visit=visit)
    assert (errand.kind, errand.payment_method, errand.amount_fen) == ("sale", "wechat", 2_400)
    from django.utils import translation

    from visits.receipt import receipt_html

    with translation.override("zh-hans"):
        receipt = receipt_html(visit=visit, copy=1, paper="80")
    assert "data-receipt-wallet" in receipt and "微信支付收款" in receipt and "¥24.00" in receipt
