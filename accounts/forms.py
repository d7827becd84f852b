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
