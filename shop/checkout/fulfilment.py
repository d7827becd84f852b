"""The fulfilment the resident chose, kept in Oscar's checkout session under our own namespace."""

NAMESPACE = "cunzhan"
SESSION_KEY = "checkout_data"  # oscar.apps.checkout.utils.CheckoutSessionData.SESSION_KEY


def fulfilment_set(checkout_session, data: dict) -> None:
    checkout_session._set(NAMESPACE, "fulfilment", data)


def fulfilment_get(checkout_session) -> dict | None:
    return checkout_session._get(NAMESPACE, "fulfilment")


def fulfilment_from_request(request) -> dict | None:
    if request is None:
        return None
    return request.session.get(SESSION_KEY, {}).get(NAMESPACE, {}).get("fulfilment")
