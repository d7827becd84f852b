"""The store's checkout up to the preview page, for the wallet tests (fixtures in tests/shop/conftest.py)."""

from django.urls import reverse


def preview_with(client, station, provider="wechat"):
    client.get(reverse("checkout:index"))
    assert client.post(reverse("checkout:shipping-address"), {
        "method": "pickup", "station": station.pk, "recipient": "刘桂兰", "phone": "13935000001"}).status_code == 302
    client.get(reverse("checkout:shipping-method"))
    assert client.post(reverse("checkout:payment-method"), {"provider": provider}).status_code == 302
    preview = client.get(reverse("checkout:preview"))
    assert preview.status_code == 200
    return preview


def place(client, preview):
    payment = preview.context["card_payment"]
    return client.post(reverse("checkout:preview"), {"action": "place_order", "card_attempt": payment.attempt_key,
                                                     "order_number": preview.context["order_number"]})
