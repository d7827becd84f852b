from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username, phone or e-mail"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        "invalid_login": _("The username or password is wrong. Both are case-sensitive; check and try again."),
        "inactive": _("This account has been disabled. Ask the county platform to re-enable it."),
    }


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "inputmode": "text", "autofocus": True}),
        error_messages={"required": _("Enter the six-digit code from your authenticator app.")},
    )
