"""The store's checkout up to the preview page, the card confirmed there (the simulator) and the order placed, for
the card and wallet tests (fixtures in tests/shop/conftest.py)."""

from django.urls import reverse

GOOD_CARD, DECLINED_CARD = "4242 4242 4242 4242", "4000 0000 0000 0002"


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


def confirm_card(client, payment, card):
    return client.post(reverse("shop:card-simulator-confirm"),
                       {"client_secret": payment.client_secret, "card_number": card})
