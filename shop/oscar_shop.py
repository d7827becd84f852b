"""Oscar's store URLs, less the pages the village store does not offer.

Oscar also serves product reviews, offer and range pages and a password reset by e-mail, all in its own
Bootstrap templates. Residents sign in with a mobile number and reset their password by SMS (the accounts
app); the store has no reviews and shows its offers in the basket. Those addresses keep their names, so
Oscar's own code and the staff dashboard can still build links to them (an offer's or a review's "view on
site"), but they answer "not found", and the e-mail reset leads to the accounts app's SMS reset."""

from django.http import Http404
from django.urls import URLPattern, URLResolver, reverse_lazy
from django.views.generic import RedirectView
from oscar.config import Shop as OscarShop

NOT_SERVED = ("catalogue:range", "catalogue:reviews-", "offer:")
TO_ACCOUNTS = "password-reset"  # password-reset, -done, -confirm, -complete


def not_served(request, *args, **kwargs):
    raise Http404("not offered by the village store")


_to_sms_reset = RedirectView.as_view(url=reverse_lazy("accounts:password-reset"))  # (the e-mailed token is dropped)


def _closed(patterns: list, namespace: str = "") -> list:
    """The same patterns and names, with the views of the pages not offered replaced."""
    kept = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            kept.append(URLResolver(pattern.pattern, _closed(pattern.url_patterns, inner), pattern.default_kwargs,
                                    pattern.app_name, pattern.namespace))
            continue
        full_name = f"{namespace}{pattern.name or ''}"
        if pattern.name and full_name.startswith(NOT_SERVED):
            pattern = URLPattern(pattern.pattern, not_served, pattern.default_args, pattern.name)
        elif pattern.name and full_name.startswith(TO_ACCOUNTS):
            pattern = URLPattern(pattern.pattern, _to_sms_reset, pattern.default_args, pattern.name)
        kept.append(pattern)
    return kept


class Shop(OscarShop):
    def get_urls(self):
        return _closed(super().get_urls())
