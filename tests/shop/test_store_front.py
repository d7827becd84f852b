"""The resident's store front, flow by flow over HTTP: our own light pages (no Oscar CSS, jQuery,
Bootstrap or icon font), the station and search on the home page, everyday Chinese words in search,
the basket and its messages in Chinese, the thank-you texts for every payment and delivery case, and
the pick-up code under "my orders" once the parcel is at the station."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shop.models import DeliveryFee, OrderPart, Payment
from tests.factories import StationFactory
from tests.shop import factories
from tests.shop.test_checkout import _add, _checkout

pytestmark = pytest.mark.django_db

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
HEAVY = ("oscar/css", "jquery", "bootstrap", "fontawesome", "font-awesome", ".woff")


@pytest.fixture
def pickup_station(tree):
    return StationFactory(village=tree["villages"][0], services=["shop_pickup"], name="城关村服务站",
                          address="村委会一楼")


@pytest.fixture
def goods(merchant_a, merchant_b):
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    items = {"eggs": factories.product(merchant_a.partner, title="农家土鸡蛋（30枚）", price="36.00"),
             "duck": factories.product(merchant_a.partner, title="散养鸭蛋（30枚）", price="32.00", stock=3),
             "cooker": factories.product(merchant_b.partner, title="电饭煲（3升）", price="199.00"),
             "boots": factories.product(merchant_b.partner, title="雨靴（40码）", price="45.00", stock=0)}
    produce, kitchen = create_from_breadcrumbs("农产品 > 禽蛋"), create_from_breadcrumbs("家用电器")
    for key, category in (("eggs", produce), ("duck", produce), ("cooker", kitchen), ("boots", kitchen)):
        ProductCategory.objects.create(product=items[key], category=category)
    return items


@pytest.fixture
def shopper(client, resident, pickup_station):
    resident.phone, resident.email = "13935000001", ""  # a phone-only account, as residents sign up
    resident.save()
    client.force_login(resident)
    client.post(reverse("shop:station-choose"), {"station": pickup_station.pk})
    return client


def _no_heavy_assets(html: str) -> None:
    lowered = html.lower()
    assert not [asset for asset in HEAVY if asset in lowered], "a store page loads Oscar's heavy assets"


def test_the_home_shows_the_station_the_search_box_the_categories_and_a_compact_grid(shopper, goods):
    html = shopper.get(reverse("catalogue:index")).content.decode()
    _no_heavy_assets(html)
    assert "取货点" in html and "城关村服务站" in html and "村委会一楼" in html
    assert 'action="/shop/search/"' in html and 'name="q"' in html
    assert ">农产品<" in html and ">家用电器<" in html  # the top categories as chips
    grid = html.split("data-product-list", 1)[1]
    for title in ("农家土鸡蛋（30枚）", "电饭煲（3升）", "¥36.00", "甲商户", 'data-stock="in"',
                  'data-stock="low"', 'data-stock="out"', "仅剩 3 件", "暂时无货"):
        assert title in grid, title


def test_a_category_lists_its_goods_and_a_product_page_offers_the_basket(shopper, goods):
    produce = Category.objects.get(name="农产品")
    html = shopper.get(produce.get_absolute_url()).content.decode()
    assert "农家土鸡蛋（30枚）" in html and "电饭煲" not in html
    page = shopper.get(goods["eggs"].get_absolute_url()).content.decode()
    _no_heavy_assets(page)
    assert "¥36.00" in page and "甲商户" in page and "data-add-to-basket" in page
    assert "data-not-buyable" in shopper.get(goods["boots"].get_absolute_url()).content.decode()


@pytest.mark.parametrize(("words", "found", "not_found"), [
    ("电饭锅", "电饭煲（3升）", "农家土鸡蛋"),  # a resident's word for the merchant's
    ("我想买点鸡蛋", "农家土鸡蛋（30枚）", "电饭煲"),  # a sentence: the goods are found, not the filler
    ("雨鞋", "雨靴（40码）", "鸭蛋"),
    ("土鸡蛋 30枚", "农家土鸡蛋（30枚）", "电饭煲"),
])
def test_search_understands_everyday_words(client, goods, words, found, not_found):
    html = client.get(reverse("search:search"), {"q": words}).content.decode()
    _no_heavy_assets(html)
    results = html.split("data-product-list", 1)[1] if "data-product-list" in html else ""
    assert found in results and not_found not in results


def test_search_ranks_what_matches_more_words_first_and_says_when_nothing_matches(client, goods):
    html = client.get(reverse("search:search"), {"q": "土鸡蛋"}).content.decode()
    assert html.index("农家土鸡蛋") < html.index("散养鸭蛋") if "散养鸭蛋" in html else "农家土鸡蛋" in html
    empty = client.get(reverse("search:search"), {"q": "拖拉机"}).content.decode()
    assert "data-no-results" in empty and "没有找到" in empty


def test_adding_to_the_basket_tells_the_new_total_in_chinese(shopper, goods):
    response = shopper.post(reverse("basket:add", args=[goods["eggs"].pk]), {"quantity": 2}, follow=True)
    html = response.content.decode()
    assert "已加入购物车" in html and "购物车合计现为" in html and "¥72.00" in html
    assert "Your basket" not in html and "has been added" not in html


def test_the_basket_updates_a_quantity_and_removes_a_line_without_javascript(shopper, goods):
    _add(shopper, goods["eggs"])
    _add(shopper, goods["cooker"])
    page = shopper.get(reverse("basket:summary"))
    html = page.content.decode()
    _no_heavy_assets(html)
    assert "data-basket-line" in html and "去结算" in html
    lines = {form.instance.product_id: form.prefix for form in page.context["formset"]}
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for form in page.context["formset"]:
        data[f"{form.prefix}-id"] = str(form.instance.pk)
        data[f"{form.prefix}-quantity"] = "3" if form.instance.product_id == goods["eggs"].pk else "1"
    data[f"{lines[goods['cooker'].pk]}-DELETE"] = "on"  # the line's "Remove" button
    shopper.post(reverse("basket:summary"), data)
    basket = shopper.get(reverse("basket:summary")).context["basket"]
    assert [(line.product_id, line.quantity) for line in basket.all_lines()] == [(goods["eggs"].pk, 3)]


def test_cash_at_pick_up_thanks_say_where_and_what_to_pay_and_mention_no_email(shopper, goods, pickup_station):
    _add(shopper, goods["eggs"])
    response = _checkout(shopper, {"method": "pickup", "station": pickup_station.pk, "recipient": "刘桂兰",
                                   "phone": "13935000001"})
    thanks = shopper.get(response.url).content.decode()
    _no_heavy_assets(thanks)
    assert 'data-pay-state="cash_at_pickup"' in thanks
    assert "到服务站取货时付现金" in thanks and "¥36.00" in thanks and "城关村服务站" in thanks
    assert "取货码会以短信发到 13935000001" in thanks
    assert "邮" not in thanks and "email" not in thanks.lower() and "无需付款" not in thanks


def test_cash_on_delivery_thanks_include_the_townships_fee(shopper, goods, pickup_station, tree, merchant_a):
    township = tree["townships"][0]
    DeliveryFee.objects.create(township=township, fee_fen=500)
    merchant_a.townships.add(township)
    _add(shopper, goods["eggs"])
    response = _checkout(shopper, {"method": "delivery", "station": pickup_station.pk, "township": township.pk,
                                   "address": "城关村三组12号", "recipient": "刘桂兰", "phone": "13935000001"})
    thanks = shopper.get(response.url).content.decode()
    assert 'data-pay-state="cash_on_delivery"' in thanks
    assert "送货上门时付现金 <strong>¥41.00</strong>" in thanks and "含送货费 ¥5.00" in thanks
    assert "城关村三组12号" in thanks and "data-delivery-fee" in thanks


def test_a_card_order_thanks_say_paid_or_show_the_pay_button(client, resident, goods, pickup_station):
    order = factories.order((goods["eggs"], 1), user=resident, station=pickup_station, payment_method="card_sim")
    client.force_login(resident)
    session = client.session
    session["checkout_order_id"] = order.pk
    session.save()
    due = client.get(reverse("checkout:thank-you")).content.decode()
    assert 'data-pay-state="card_due"' in due and "data-pay-now" in due and "还没有付款" in due
    Payment.objects.create(order=order, provider="card_sim", amount_fen=3600, status=Payment.Status.PAID)
    session = client.session
    session["checkout_order_id"] = order.pk
    session.save()
    paid = client.get(reverse("checkout:thank-you")).content.decode()
    assert 'data-pay-state="card_paid"' in paid and "已用银行卡付款 ¥36.00" in paid and "data-pay-now" not in paid


def test_an_account_with_an_email_is_told_where_the_confirmation_went(client, resident, goods, pickup_station):
    resident.email = "liu@example.cn"
    resident.save()
    order = factories.order((goods["eggs"], 1), user=resident, station=pickup_station)
    client.force_login(resident)
    session = client.session
    session["checkout_order_id"] = order.pk
    session.save()
    assert "liu@example.cn" in client.get(reverse("checkout:thank-you")).content.decode()


def test_my_orders_show_the_pick_up_code_only_once_the_parcel_is_at_the_station(client, resident, goods,
                                                                                pickup_station,
                                                                                django_assert_max_num_queries):
    order = factories.order((goods["eggs"], 1), user=resident, station=pickup_station)
    for _ in range(3):
        factories.order((goods["duck"], 1), user=resident, station=pickup_station)
    part = order.parts.get()
    part.status, part.pickup_code = OrderPart.Status.SENT, ""
    part.save()
    client.force_login(resident)
    listing = client.get(reverse("customer:order-list")).content.decode()
    _no_heavy_assets(listing)
    assert str(order.number) in listing and "data-pickup-code" not in listing
    part.status, part.pickup_code = OrderPart.Status.READY, "482913"
    part.save()
    with django_assert_max_num_queries(25):  # four orders: a fixed number of queries, not one set per order
        listing = client.get(reverse("customer:order-list")).content.decode()
    assert "482913" in listing and "取货码" in listing
    detail = client.get(reverse("customer:order", args=[order.number])).content.decode()
    assert "482913" in detail and f'data-pickup-code="{part.reference}"' in detail and "再买一次" in detail
    part.status, part.pickup_code = OrderPart.Status.COLLECTED, ""
    part.save()
    assert "482913" not in client.get(reverse("customer:order", args=[order.number])).content.decode()
