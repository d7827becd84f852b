"""Forms of the residents' sign-up and password reset by SMS code. They parse and check input only;
the views send and verify codes (accounts/phone_codes.py) and call the services (accounts/signup.py)."""

import re
import unicodedata

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User, mainland_mobile
from accounts.phone_codes import CODE_LENGTH

_MOBILE_NOISE = re.compile(r"[\s\-()‐‑–—]+")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=\d{11}$)")


def normalise_mobile(value: str) -> str:
    """The 11-digit number from what was typed: full-width digits, spaces, dashes and +86 are fine.
    (The same rules as gov_services.identifiers.validate_mobile, which accounts may not import.)"""
    number = _MOBILE_NOISE.sub("", unicodedata.normalize("NFKC", value or ""))
    number = _COUNTRY_PREFIX.sub("", number)
    mainland_mobile(number)
    return number


class PhoneForm(forms.Form):
    """Step 1: the mobile number the code goes to."""

    phone = forms.CharField(
        label=_("Mobile number"), max_length=24,
        help_text=_("We will send a 6-digit code to this number by text message."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel-national",
                                      "placeholder": "13812345678"}))

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])


class CodeField(forms.CharField):
    """The six digits from the text message; full-width digits and spaces typed with an IME are fine."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code from the text message"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"[0-9０-９ ]*",
            "maxlength": 20, "class": "cz-code-input"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(unicodedata.normalize("NFKC", value or "").split())

    def validate(self, value):
        super().validate(value)
        if value and (len(value) != CODE_LENGTH or not value.isdigit()):
            raise ValidationError(_("The code has 6 digits; please type it as it is in the text message."),
                                  code="code_malformed")


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(
        label=_("Type the password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def password_user(self) -> User:
        """A stand-in user for the similarity check (the name and number must not be the password)."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same. Please type them again."))
        elif first:
            try:
                validate_password(first, user=self.password_user())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    @staticmethod
    def password_help() -> list[str]:
        return password_validators_help_texts()


class SignupForm(_NewPasswordMixin):
    """Step 2: the code, the resident's name and a password."""

    code = CodeField()
    full_name = forms.CharField(
        label=_("Full name"), max_length=60,
        help_text=_("As on your ID card; departments use it on your applications."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}))
    field_order = ["code", "full_name", "password1", "password2"]

    def __init__(self, *args, phone: str, **kwargs):
        self.phone = phone
        super().__init__(*args, **kwargs)

    def password_user(self) -> User:
        return User(username=self.phone, phone=self.phone, full_name=self.cleaned_data.get("full_name", ""))


class PasswordResetForm(_NewPasswordMixin):
    """Step 2 of the reset: the code and a new password."""

    code = CodeField()
    field_order = ["code", "password1", "password2"]

    def __init__(self, *args, phone: str, **kwargs):
        self.phone = phone
        super().__init__(*args, **kwargs)

    def password_user(self) -> User:
        return User(username=self.phone, phone=self.phone)
