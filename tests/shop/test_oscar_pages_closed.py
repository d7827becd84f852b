"""Oscar's pages the village store does not offer (reviews, offers, ranges, the e-mail password reset)
are not reachable in Oscar's own templates: they answer 404, or lead to the accounts app's SMS reset,
to every method, while their names still resolve for Oscar's and the dashboard's links."""

import pytest
from django.urls import reverse

from tests.shop import factories

pytestmark = pytest.mark.django_db


def _urls(product):
    kwargs = {"product_slug": product.slug, "product_pk": product.pk}
    return [reverse("offer:list"), reverse("offer:detail", kwargs={"slug": "summer"}),
            reverse("catalogue:range", kwargs={"slug": "summer"}),
            reverse("catalogue:reviews-list", kwargs=kwargs), reverse("catalogue:reviews-add", kwargs=kwargs),
            reverse("catalogue:reviews-detail", kwargs={**kwargs, "pk": 1}),
            reverse("catalogue:reviews-vote", kwargs={**kwargs, "pk": 1})]


def test_reviews_offers_and_ranges_are_not_found(client, resident, merchant_a):
    product = factories.product(merchant_a.partner, title="农家土鸡蛋（30枚）", price="36.00")
    for signed_in in (False, True):
        if signed_in:
            client.force_login(resident)
        for url in _urls(product):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"title": "好", "score": 5, "body": "好"}).status_code == 404, url
    assert not product.reviews.exists()
    assert client.get(product.get_absolute_url()).status_code == 200


def test_the_email_password_reset_leads_to_the_sms_reset(client):
    for url in (reverse("password-reset"), reverse("password-reset-done"), reverse("password-reset-complete"),
                reverse("password-reset-confirm", kwargs={"uidb64": "MQ", "token": "set-password"})):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset"), url


def test_a_guests_order_page_from_the_e_mail_link_is_ours_and_asks_for_the_address_first(client, merchant_a, station):
    product = factories.product(merchant_a.partner, title="农家土鸡蛋（30枚）", price="36.00")
    placed = factories.order((product, 2), station=station)
    placed.guest_email = "liu@example.cn"
    placed.save()
    kwargs = {"order_number": placed.number, "hash": placed.verification_hash()}
    asked = client.get(reverse("customer:anon-order", kwargs=kwargs), follow=True)
    html = asked.content.decode()
    assert asked.redirect_chain and "下单时填写的电子邮箱" in html and "btn-secondary" not in html
    wrong = client.post(reverse("customer:anon-order-form", kwargs=kwargs), {"email": "someone@example.cn"})
    assert wrong.status_code == 200 and "农家土鸡蛋" not in wrong.content.decode() and 'role="alert"' in wrong.content.decode()
    shown = client.post(reverse("customer:anon-order-form", kwargs=kwargs), {"email": "liu@example.cn"}, follow=True)
    html = shown.content.decode()
    assert shown.status_code == 200 and str(placed.number) in html and "农家土鸡蛋" in html
    assert "cz-store" in html and "oscar/css" not in html and "bootstrap" not in html.lower()


def test_the_django_admin_edits_none_of_the_stores_records(client, superuser, merchant_a):
    """Orders, stock and the catalogue change through the store's screens, which keep their history
    (shop/admin.py): the admin lists none of Oscar's models, and their admin addresses are not found."""
    from django.contrib import admin

    from shop.admin import STORE_APP_LABELS

    assert not {model._meta.app_label for model in admin.site._registry} & STORE_APP_LABELS
    product = factories.product(merchant_a.partner, title="农家土鸡蛋（30枚）", price="36.00")
    client.force_login(superuser)
    for url in ("/admin/order/order/", "/admin/catalogue/product/", f"/admin/catalogue/product/{product.pk}/change/",
                "/admin/partner/stockrecord/", "/admin/payment/transaction/add/"):
        assert client.get(url).status_code == 404, url
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b"/admin/accounts/user/" in page.content and b"/admin/order/" not in page.content
