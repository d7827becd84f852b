"""The store's account area is the resident's orders. Oscar's customer app offers more, and none of it
is the store's to offer here: signing in, signing up and passwords are the accounts app's (by mobile
number, with its throttles and audit), so those addresses lead there; an e-mail history, an address
book, a notifications inbox, stock alerts by e-mail, wish lists and "delete my account" (a resident asks
the county for that: it holds their requests and payments) are not served at all."""

import oscar.apps.customer.apps as apps
from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

ORDER_PAGES = frozenset({"order-list", "order", "order-line", "anon-order", "anon-order-form"})
OURS = {
    "login": "accounts:login",
    "logout": "accounts:login",  # signing out is a POST to accounts:logout; a GET here only finds the sign-in
    "register": "accounts:signup",
    "change-password": "accounts:password-change",
    "summary": "customer:order-list",
    "profile-view": "accounts:landing",
    "profile-update": "accounts:landing",
}


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def get_urls(self):
        kept = []
        for pattern in super().get_urls():
            if pattern.name in ORDER_PAGES:
                kept.append(pattern)
            elif pattern.name in OURS:
                kept.append(path(str(pattern.pattern), _to(OURS[pattern.name], pattern.name), name=pattern.name))
        return kept


def _to(pattern_name: str, name: str):
    view = RedirectView.as_view(pattern_name=pattern_name, query_string=True)  # keeps ?next=
    return view if name in ("login", "logout", "register") else login_required(view)
