"""Every page of the resident's store front, walked in zh-hans as a resident buys, fails on any visible
label left in English: text that has Latin words and no Chinese (page text, button values, placeholders,
aria-labels, titles, alt texts), outside elements marked with another language (the brand's
<span lang="en">, the language switch)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from shop.models import OrderPart
from tests.shop.test_checkout import _add
from tests.shop.test_store_front import goods, pickup_station, shopper  # noqa: F401  fixtures

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LABEL_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")


class VisibleText(HTMLParser):
    """The texts a reader sees or hears, with the element they sit in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden: script/style or another language)
        self.texts: list[tuple[str, str]] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        hidden = self._hidden() or tag in ("script", "style", "template") or bool(lang and not lang.startswith("zh"))
        if not hidden:
            for name in LABEL_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append((f"<{tag} {name}>", attrs[name]))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(("<input value>", attrs["value"]))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.texts.append((self.stack[-1][0] if self.stack else "", data.strip()))


def latin_only_labels(html: str) -> list[tuple[str, str]]:
    parser = VisibleText()
    parser.feed(html)
    return [(where, text) for where, text in parser.texts if LATIN_WORD.search(text) and not CJK.search(text)]


def _page(client, url, data=None, *, what=""):
    response = client.get(url, data or {})
    assert response.status_code == 200, f"{what or url}: HTTP {response.status_code}"
    return url if not data else f"{url}?{data}", response.content.decode()


def test_latin_only_labels_are_found():
    html = '<p>订单</p><button>Place order</button><span lang="en">Cunzhan</span><input placeholder="Search">'
    assert latin_only_labels(html) == [("button", "Place order"), ("<input placeholder>", "Search")]


def test_every_store_page_a_resident_walks_through_is_in_chinese(shopper, goods, pickup_station):  # noqa: F811
    from oscar.core.loading import get_model

    Category = get_model("catalogue", "Category")
    pages = [
        _page(shopper, reverse("catalogue:index")),
        _page(shopper, Category.objects.get(name="农产品").get_absolute_url()),
        _page(shopper, Category.objects.get(name="禽蛋").get_absolute_url()),
        _page(shopper, reverse("search:search"), {"q": "鸡蛋"}),
        _page(shopper, reverse("search:search"), {"q": "拖拉机"}),
        _page(shopper, goods["eggs"].get_absolute_url()),
        _page(shopper, goods["boots"].get_absolute_url()),
        _page(shopper, reverse("shop:station-choose")),
        _page(shopper, reverse("basket:summary"), what="empty basket"),
    ]
    shopper.post(reverse("basket:add", args=[goods["eggs"].pk]), {"quantity": 1})
    pages.append(_page(shopper, reverse("basket:summary"), what="basket with its messages"))
    pages.append(_page(shopper, reverse("checkout:shipping-address")))
    shopper.post(reverse("checkout:shipping-address"), {"method": "pickup", "station": pickup_station.pk,
                                                        "recipient": "刘桂兰", "phone": "13935000001"})
    shopper.get(reverse("checkout:shipping-method"))  # one method: on to the payment step
    pages.append(_page(shopper, reverse("checkout:payment-method")))
    shopper.post(reverse("checkout:payment-method"), {"provider": "cash"})
    pages.append(_page(shopper, reverse("checkout:preview")))
    placed = shopper.post(reverse("checkout:preview"), {"action": "place_order"})
    assert placed.status_code == 302
    pages.append(_page(shopper, reverse("checkout:thank-you")))
    part = OrderPart.objects.get()
    part.status, part.pickup_code = OrderPart.Status.READY, "482913"
    part.save()
    pages.append(_page(shopper, reverse("customer:order-list")))
    pages.append(_page(shopper, reverse("customer:order", args=[part.order.number])))

    guest = Client()
    _add(guest, goods["eggs"])
    pages.append(_page(guest, reverse("checkout:index"), what="checkout for someone not signed in"))
    pages.append(_page(guest, reverse("catalogue:index"), what="home for a visitor with a basket"))

    found = {url: labels for url, html in pages if (labels := latin_only_labels(html))}
    assert not found, f"English labels on zh-hans store pages: {found}"


def _thanks_for(client, order):
    session = client.session
    session["checkout_order_id"] = order.pk
    session.save()
    return _page(client, reverse("checkout:thank-you"), what=f"thank-you for {order.number}")


def test_the_delivery_and_card_pages_are_in_chinese(shopper, resident, goods, pickup_station, tree,  # noqa: F811
                                                    merchant_a):
    """The other payment and delivery cases: home delivery with the township's fee (its checkout step and
    thanks), a card order still to pay and one paid."""
    from shop.models import DeliveryFee, Payment
    from tests.shop import factories
    from tests.shop.test_checkout import _checkout

    township = tree["townships"][0]
    DeliveryFee.objects.create(township=township, fee_fen=500)
    merchant_a.townships.add(township)
    _add(shopper, goods["eggs"])
    delivery = {"method": "delivery", "station": pickup_station.pk, "township": township.pk,
                "address": "城关村三组12号", "recipient": "刘桂兰", "phone": "13935000001"}
    pages = [_page(shopper, reverse("checkout:shipping-address"), what="checkout with a basket")]
    response = _checkout(shopper, delivery)
    pages.append(_page(shopper, response.url, what="thanks for cash on delivery"))
    card = factories.order((goods["eggs"], 1), user=resident, station=pickup_station, payment_method="card_sim")
    pages.append(_thanks_for(shopper, card))
    Payment.objects.create(order=card, provider="card_sim", amount_fen=3600, status=Payment.Status.PAID)
    pages.append(_thanks_for(shopper, card))
    pages.append(_page(shopper, reverse("customer:order", args=[card.number]), what="a paid card order"))

    found = {url: labels for url, html in pages if (labels := latin_only_labels(html))}
    assert not found, f"English labels on zh-hans store pages: {found}"
    assert not any("邮" in html or "email" in html.lower() for _url, html in pages[1:]), "email for a phone-only account"
