import pytest
from django.urls import reverse

from shop.payments import stripe_card
from tests.factories import StationFactory
from tests.shop import factories
from tests.shop.card_sweep import StripeApi
from tests.shop.stripe_fixtures import WEBHOOK_SECRET, RecordedStripe


@pytest.fixture
def merchant_a(tree):
    return factories.merchant(name="甲商户", townships=[tree["townships"][0]])


@pytest.fixture
def merchant_b(tree):
    return factories.merchant(name="乙商户", townships=[tree["townships"][1]])


@pytest.fixture
def merchant_a_user(merchant_a):
    return merchant_a.partner.users.get()


@pytest.fixture
def merchant_b_user(merchant_b):
    return merchant_b.partner.users.get()


@pytest.fixture
def eggs(merchant_a):
    return factories.product(merchant_a.partner, title="土鸡蛋", price="12.50", stock=10)


@pytest.fixture
def waiting(eggs, merchant_a_user, operator, station, resident):
    """A cash-on-pick-up parcel of two eggs waiting at the operator's station."""
    part = factories.order((eggs, 2), station=station, user=resident, phone="13911112222").parts.get()
    return factories.part_ready(part, merchant_user=merchant_a_user, operator=operator)


@pytest.fixture
def pickup_station(tree):
    return StationFactory(village=tree["villages"][0], services=["shop_pickup"], name="城关村服务站")


@pytest.fixture
def shopper(client, resident, merchant_a):
    resident.email, resident.phone = "liu@example.cn", "13935000001"
    resident.save()
    client.force_login(resident)
    eggs = factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00")
    assert client.post(reverse("basket:add", args=[eggs.pk]), {"quantity": 2}).status_code == 302
    return client


@pytest.fixture
def simulator_on(settings):
    """The demo's card gateway (the simulator) in place of Stripe."""
    settings.SHOP_CARD_SIMULATOR = True
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""


def _stripe_with(settings, monkeypatch, http_client):
    """Stripe configured with test keys, its HTTP answered by `http_client`."""
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = "sk_test_cunzhan", "pk_test_cunzhan"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    monkeypatch.setattr(stripe_card, "http_client", http_client)
    return http_client


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """The recorded Stripe API (tests/shop/card_sweep.py) in place of Stripe, with test keys."""
    return _stripe_with(settings, monkeypatch, StripeApi())


@pytest.fixture
def stripe_on(settings, monkeypatch):
    """Stripe's recorded HTTP responses (tests/shop/stripe_fixtures.py), with test keys."""
    return _stripe_with(settings, monkeypatch, RecordedStripe())
