"""The county's delivery-fee screen: townships in the admin's region, fees typed in yuan and kept in fen,
delivery turned on and off, every change audited and shown, nothing outside the admin's region."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEvent
from shop.models import DeliveryFee, Fulfilment
from shop.services.delivery_fees import delivery_fee_set
from tests.concurrency import run_together
from tests.factories import StationFactory, county_tree
from tests.shop import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("shop:county-delivery-fees")


def _edit_url(township) -> str:
    return reverse("shop:county-delivery-fee-edit", args=[township.pk])


def _fee_events():
    return AuditEvent.objects.filter(action__startswith="delivery_fee.")


@pytest.fixture
def admin_client(client, county_admin):
    client.force_login(county_admin)
    return client


# --- Who sees what ------------------------------------------------------------------------------

def test_a_county_admin_sees_every_township_of_the_county_with_its_fee_or_no_delivery(
        admin_client, tree, county_admin, django_assert_num_queries):
    first, second = tree["townships"]
    delivery_fee_set(user=county_admin, township_id=first.pk, fee_fen=350, active=True)
    county_tree()  # another county: its townships are not listed
    admin_client.get(LIST_URL)  # the first request keeps the user and roles in the cache (accounts/user_cache.py)
    # Savepoints (2), the scope (assignments, department and merchant posts), townships with fees, last
    # changes (the session, the user and their permissions come from the cache).
    with django_assert_num_queries(7):
        response = admin_client.get(LIST_URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["township"] for row in rows] == [first, second]
    assert rows[0]["fee"].fee_fen == 350 and rows[0]["last_change"].actor == county_admin
    assert rows[1]["fee"] is None and rows[1]["last_change"] is None
    page = response.content.decode()
    assert "¥3.50" in page and "不配送" in page and response.context["can_change"]


def test_a_township_admin_sees_only_their_own_township_and_may_not_change_it(client, tree, township_admin,
                                                                             county_admin):
    own, other = tree["townships"]
    delivery_fee_set(user=county_admin, township_id=own.pk, fee_fen=500, active=True)
    client.force_login(township_admin)
    response = client.get(LIST_URL)
    assert [row["township"] for row in response.context["rows"]] == [own]
    assert not response.context["can_change"]
    page = client.get(_edit_url(own))
    assert page.status_code == 200 and page.context["form"] is None and b'name="fee"' not in page.content
    assert client.get(_edit_url(other)).status_code == 404
    assert client.post(_edit_url(own), {"fee": "0.00", "active": "on"}).status_code == 403
    assert DeliveryFee.objects.get(township=own).fee_fen == 500
    with pytest.raises(PermissionDenied):
        delivery_fee_set(user=township_admin, township_id=own.pk, fee_fen=0, active=True)


def test_operators_merchants_and_residents_are_refused_and_visitors_sent_to_sign_in(
        client, tree, operator, merchant_a_user, resident):
    township = tree["townships"][0]
    for user in (operator, merchant_a_user, resident):
        client.force_login(user)
        assert client.get(LIST_URL).status_code == 403, user
        assert client.get(_edit_url(township)).status_code == 403, user
        assert client.post(_edit_url(township), {"fee": "1.00", "active": "on"}).status_code == 403, user
    client.logout()
    assert client.get(LIST_URL).status_code == 302
    assert client.post(_edit_url(township), {"fee": "1.00", "active": "on"}).status_code == 302
    assert not DeliveryFee.objects.exists()


def test_another_countys_township_is_refused_by_url(admin_client, county_admin):
    foreign = county_tree()["townships"][0]
    assert admin_client.get(_edit_url(foreign)).status_code == 404
    assert admin_client.post(_edit_url(foreign), {"fee": "3.00", "active": "on"}).status_code == 404
    with pytest.raises(PermissionDenied):
        delivery_fee_set(user=county_admin, township_id=foreign.pk, fee_fen=300, active=True)
    assert not DeliveryFee.objects.exists() and not _fee_events().exists()


def test_the_back_office_links_to_the_delivery_fees(client, county_admin, township_admin):
    for user in (county_admin, township_admin):
        client.force_login(user)
        assert LIST_URL in client.get(reverse("stations:county-home")).content.decode()


# --- Setting a fee --------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "fen"), [("3.50", 350), ("3.5", 350), ("0.10", 10), ("12", 1200),
                                            ("0", 0), ("¥1,000.00", 100_000)])
def test_a_fee_typed_in_yuan_is_kept_as_exact_fen(admin_client, tree, typed, fen):
    township = tree["townships"][0]
    response = admin_client.post(_edit_url(township), {"fee": typed, "active": "on"})
    assert response.status_code == 302 and response.url == LIST_URL
    fee = DeliveryFee.objects.get(township=township)
    assert (fee.fee_fen, fee.active) == (fen, True)


@pytest.mark.parametrize(("typed", "message"), [
    ("-1.00", "配送费不能为负数。"),
    ("3.505", "金额最多两位小数（到分）。"),
    ("三块五", "请用数字填写金额（元），例如 125.50。"),
    ("3.5.0", "请用数字填写金额（元），例如 125.50。"),
    ("NaN", "请用数字填写金额（元），例如 125.50。"),
    ("1000.01", "配送费最多 ¥1,000.00。"),
    ("99999999999999999", "金额过大。"),
    ("", "请以元为单位填写配送费，例如 3.50。"),
])
def test_a_bad_fee_is_refused_in_chinese_and_nothing_is_saved(admin_client, tree, county_admin, typed, message):
    township = tree["townships"][0]
    delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=400, active=True)
    response = admin_client.post(_edit_url(township), {"fee": typed, "active": "", "reason": "试试"})
    assert response.status_code == 422
    assert message in response.context["form"].errors["fee"]
    assert message in response.content.decode()
    fee = DeliveryFee.objects.get(township=township)
    assert (fee.fee_fen, fee.active) == (400, True) and _fee_events().count() == 1


def test_the_service_refuses_a_negative_or_huge_fee_whoever_calls_it(tree, county_admin):
    township = tree["townships"][0]
    for fen in (-1, 100_001):
        with pytest.raises(ValidationError):
            delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=fen, active=True)
    assert not DeliveryFee.objects.exists()


def test_a_double_submit_makes_one_row_and_one_history_entry(admin_client, tree):
    township = tree["townships"][1]
    form = {"fee": "6.00", "active": "on", "reason": "新开通"}
    assert admin_client.post(_edit_url(township), form).status_code == 302
    second = admin_client.post(_edit_url(township), form, follow=True)
    assert "没有任何修改。" in second.content.decode()
    assert DeliveryFee.objects.filter(township=township).count() == 1
    assert _fee_events().count() == 1


# --- History ----------------------------------------------------------------------------------------

def test_every_change_is_audited_and_shown_with_who_when_from_to_and_reason(admin_client, tree, county_admin):
    township = tree["townships"][0]
    admin_client.post(_edit_url(township), {"fee": "3.50", "active": "on"})
    admin_client.post(_edit_url(township), {"fee": "4.00", "active": "on", "reason": "油价上涨"})
    admin_client.post(_edit_url(township), {"fee": "4.00", "reason": "道路施工"})  # unchecked: delivery off
    fee = DeliveryFee.objects.get(township=township)
    assert (fee.fee_fen, fee.active) == (400, False)
    changed, raised, created = _fee_events().filter(target_id=str(fee.pk))
    assert created.action == "delivery_fee.created" and created.data["to_fen"] == 350
    assert raised.data == {"township_id": township.pk, "from_fen": 350, "to_fen": 400, "from_active": True,
                           "to_active": True, "reason": "油价上涨"}
    assert changed.data["from_active"] and not changed.data["to_active"] and changed.actor == county_admin
    page = admin_client.get(_edit_url(township)).content.decode()
    for text in ("开通送货上门，配送费 ¥3.50", "配送费 ¥3.50 → ¥4.00", "油价上涨", "停止配送", "道路施工",
                 str(county_admin)):
        assert text in page, text
    assert "已停止" in admin_client.get(LIST_URL).content.decode()


# --- What residents and orders see ----------------------------------------------------------------------

def _fulfilment_form(client):
    client.get(reverse("checkout:index"))
    return client.get(reverse("checkout:shipping-address")).context["form"]


def test_turning_delivery_off_hides_home_delivery_at_checkout_for_that_township(shopper, tree, county_admin):
    township = tree["townships"][0]  # merchant A delivers here
    StationFactory(village=tree["villages"][0], services=["shop_pickup"])
    delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=500, active=True)
    form = _fulfilment_form(shopper)
    assert "delivery" in dict(form.fields["method"].choices) and form.fees == {township.pk: 500}
    delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=500, active=False, reason="停运")
    form = _fulfilment_form(shopper)
    assert list(dict(form.fields["method"].choices)) == ["pickup"] and form.fees == {}


def test_a_new_fee_does_not_touch_orders_already_placed(tree, county_admin, merchant_a, station):
    township = tree["townships"][0]
    delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=500, active=True)
    eggs = factories.product(merchant_a.partner, title="甲的鸡蛋", price="12.00")
    placed = factories.order((eggs, 1), station=station, method="delivery", township=township,
                             address="城关村三组12号", delivery_fee_fen=500)
    delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=800, active=True)
    assert Fulfilment.objects.get(order=placed).fee_fen == 500
    assert [part.delivery_fen for part in placed.parts.all()] == [500]


# --- PostgreSQL: two submits at the same moment ---------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_make_one_row_and_one_history_entry(tree, county_admin):
    township = tree["townships"][0]
    def submit():
        return delivery_fee_set(user=county_admin, township_id=township.pk, fee_fen=300, active=True)

    results = run_together(submit, submit, timeout=30)
    assert all(isinstance(result, tuple) for result in results), results
    assert sorted(changed for _fee, changed in results) == [False, True]
    assert DeliveryFee.objects.filter(township=township).count() == 1 and _fee_events().count() == 1
