import pytest

from tests.shop import factories


@pytest.fixture
def merchant_a(tree):
    return factories.merchant(name="甲商户", townships=[tree["townships"][0]])


@pytest.fixture
def merchant_a_user(merchant_a):
    return merchant_a.partner.users.get()
