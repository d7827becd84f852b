"""No English on the zh-hans merchant pages and the counter's store pages: every visible label and every
placeholder, aria-label, title and alt inside <main> carries Chinese or is not a word (codes, amounts,
references). A label left untranslated reads as Latin letters only."""

import re
import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from shop.services import merchant_catalogue
from shop.services import orders as order_services
from shop.services.counter import counter_sale_create
from tests.shop import factories

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")
ALLOWED = {"PDF", "JPEG", "PNG", "WebP", "GIF", "WEBP"}  # format names stay Latin in Chinese too
LABEL_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "data-label")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class LatinLabels(HTMLParser):
    """Texts and label attributes inside <main> that have Latin words and no Chinese character; script,
    JSON, templates, codes (cz-mono) and text marked lang="en" are not labels."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.found = []

    @property
    def reading(self) -> bool:
        return any(tag == "main" for tag, _ in self.stack) and not any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (tag in ("script", "style", "template") or "cz-mono" in (attrs.get("class") or "")
                   or (attrs.get("lang") == "en" and tag != "html"))
        if tag not in VOID:
            self.stack.append((tag, skipped))
        if self.reading and not skipped:
            for name in LABEL_ATTRIBUTES:
                self._check(attrs.get(name) or "", f"{tag}[{name}]")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self.reading:
            self._check(data, "text")

    def _check(self, text, where):
        words = [w for w in WORD.findall(text) if w not in ALLOWED]
        if words and not HAN.search(text):
            self.found.append((where, text.strip()))


def latin_labels(html: str) -> list:
    parser = LatinLabels()
    parser.feed(html)
    return parser.found


@pytest.fixture
def world(merchant_a, merchant_a_user, operator, station, resident):
    category = create_from_breadcrumbs("农产品 > 禽蛋")
    record = merchant_catalogue.merchant_product_save(user=merchant_a_user, title="土鸡蛋", category_id=category.pk,
                                                      price_fen=1250, stock=3)
    part = factories.order((record.product, 2), station=station, user=resident).parts.get()
    sale = counter_sale_create(user=operator, idempotency_key=uuid.uuid4(), mode="hand_over",
                               items=[(record.product.pk, 1)], cash_received_fen=2000)
    ready = factories.order((record.product, 1), station=station, user=resident).parts.get()
    ready = factories.part_ready(ready, merchant_user=merchant_a_user, operator=operator)
    order_services.order_part_hand_over(user=operator, part_id=ready.pk, code=ready.pickup_code)
    return {"product": record.product, "part": part, "sale": sale, "handed": ready}


def _merchant_pages(world):
    return [reverse("shop:merchant-home"), reverse("shop:merchant-products"),
            reverse("shop:merchant-product-create"),
            reverse("shop:merchant-product-edit", args=[world["product"].pk]),
            reverse("shop:merchant-orders"), f"{reverse('shop:merchant-orders')}?tab=moving",
            f"{reverse('shop:merchant-orders')}?tab=done",
            reverse("shop:merchant-order-detail", args=[world["part"].pk]), reverse("shop:merchant-statements"),
            reverse("shop:merchant-product-import")]


def _counter_pages(world):
    return [reverse("shop:counter-sale-create"), reverse("shop:counter-sale-receipt", args=[world["sale"].pk]),
            reverse("shop:counter-parcels"), reverse("shop:counter-parcel-receipt", args=[world["handed"].pk])]


def test_the_detector_finds_an_english_label_and_passes_chinese_codes_and_amounts():
    found = latin_labels('<main><h1>Products</h1><p>商品 SKU</p><span class="cz-mono">AB-1</span>'
                         '<input placeholder="Name or code"><p>¥12.50 · 2026-01</p></main>')
    assert [text for _where, text in found] == ["Products", "Name or code"]


def test_no_latin_only_label_on_any_merchant_page(client, world, merchant_a_user):
    client.force_login(merchant_a_user)
    client.cookies["django_language"] = "en"
    assert latin_labels(client.get(reverse("shop:merchant-products")).content.decode()), "the crawler reads labels"
    del client.cookies["django_language"]
    problems = {}
    for url in _merchant_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        if found := latin_labels(response.content.decode()):
            problems[url] = found
    assert problems == {}


def test_no_latin_only_label_on_the_counters_store_pages(client, world, operator):
    client.force_login(operator)
    problems = {}
    for url in _counter_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        if found := latin_labels(response.content.decode()):
            problems[url] = found
    assert problems == {}


def test_no_latin_only_label_on_the_membership_and_the_countys_store_pages(client, world, merchant_a,
                                                                          merchant_a_user, county_admin):
    """The membership application, a merchant due for re-vetting, and county staff's scoped view of the
    merchants, their products, orders and statements and the delivery fees."""
    from datetime import timedelta

    from django.utils import timezone

    problems = {}

    def crawl(url):
        response = client.get(url)
        assert response.status_code == 200, url
        if found := latin_labels(response.content.decode()):
            problems[url] = found

    crawl(reverse("shop:merchant-apply"))
    merchant_a.revet_on = timezone.localdate() + timedelta(days=3)
    merchant_a.save(update_fields=["revet_on"])
    client.force_login(merchant_a_user)
    crawl(reverse("shop:merchant-home"))
    client.force_login(county_admin)
    for url in (reverse("shop:county-merchant-list"), reverse("shop:county-merchant-detail", args=[merchant_a.pk]),
                reverse("shop:county-merchant-products"), reverse("shop:county-merchant-orders"),
                reverse("shop:county-merchant-statements"), reverse("shop:county-delivery-fees")):
        crawl(url)
    assert problems == {}
