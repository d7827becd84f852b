"""config.urls with the residents' sign-up pages in the accounts namespace, as the lead will add them to
accounts/urls.py. Used by tests/accounts/test_signup.py through @pytest.mark.urls; once accounts/urls.py
names "signup" itself this module changes nothing.
"""

from django.urls import include, path
from django.urls.resolvers import URLResolver

from accounts import urls as accounts_urls
from accounts import views_signup
from config import urls as config_urls

SIGNUP_PATTERNS = [
    path("signup/", views_signup.SignupView.as_view(), name="signup"),
    path("signup/verify/", views_signup.SignupVerifyView.as_view(), name="signup-verify"),
    path("password/reset/", views_signup.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/verify/", views_signup.PasswordResetVerifyView.as_view(), name="password-reset-verify"),
]

_already = any(getattr(p, "name", None) == "signup" for p in accounts_urls.urlpatterns)
_accounts_patterns = list(accounts_urls.urlpatterns) if _already else [*accounts_urls.urlpatterns, *SIGNUP_PATTERNS]

urlpatterns = [
    path("", include((_accounts_patterns, "accounts")))
    if isinstance(p, URLResolver) and p.namespace == "accounts" else p
    for p in config_urls.urlpatterns
]
