"""Residents sign up with their mobile number, and reset a forgotten password, by SMS code.

Two steps each: (1) the number, to which a code is sent; (2) the code with a name and password
(sign-up) or a new password (reset). The number travels between the steps in the session, never
in the page, and the code is checked against that number only. On success the resident is signed
in and taken on to `next` (when it is a page of this site) or to "my requests".
"""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts import phone_codes
from accounts.forms_signup import PasswordResetForm, PhoneForm, SignupForm
from accounts.lockout import code_guard
from accounts.signup import (
    phone_account_exists,
    resident_account_create,
    resident_password_reset,
    sms_resettable_account,
)
from core.http import client_address, safe_next
from core.masking import mask_mobile
from core.service_errors import errors_onto

SIGNUP_SESSION_KEY = "cz_signup"
RESET_SESSION_KEY = "cz_password_reset"
_BACKEND = "accounts.backends.UsernameBackend"


def resident_home_url() -> str:
    return reverse("gov_services:resident-service-request-list")


class _PhoneStepView(View):
    """Step 1: ask for the number and send the code."""

    template_name = ""
    session_key = ""
    purpose = ""
    next_step = ""

    def dispatch(self, request, *args, **kwargs):
        self.next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, **extra):
        return TemplateResponse(self.request, self.template_name, {"form": form, "next": self.next_url, **extra})

    def get(self, request):
        saved = request.session.get(self.session_key) or {}
        return self.render(PhoneForm(initial={"phone": saved.get("phone", "")}))

    def post(self, request):
        form = PhoneForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        return self.answer(form, form.cleaned_data["phone"])

    def answer(self, form, phone: str):
        raise NotImplementedError

    def go_on(self, phone: str):
        """To step 2, the number remembered."""
        self.request.session[self.session_key] = {"phone": phone, "next": self.next_url}
        return redirect(self.next_step)

    def send(self, form, phone: str):
        try:
            phone_codes.phone_code_send(phone=phone, purpose=self.purpose, ip=client_address(self.request))
        except ValidationError as error:
            if error.code != phone_codes.THROTTLED:
                form.add_error("phone", error)
                return self.render(form)
            # A code sent less than a minute ago is still good: go on and type it.
        return self.go_on(phone)

    def charge_refusal(self, form):
        """An answer that says something about the number costs like a send: None, or the page refusing it."""
        try:
            phone_codes.ip_charge(ip=client_address(self.request))
        except ValidationError as error:
            form.add_error("phone", error)
            return self.render(form)
        return None


class SignupView(_PhoneStepView):
    template_name = "accounts/signup.html"
    session_key = SIGNUP_SESSION_KEY
    purpose = phone_codes.SIGNUP
    next_step = "accounts:signup-verify"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect(self.next_url or resident_home_url())
        return super().get(request)

    def answer(self, form, phone: str):
        if phone_account_exists(phone=phone):
            refusal = self.charge_refusal(form)
            return refusal if refusal is not None else self.render(form, account_exists=True)
        return self.send(form, phone)


class PasswordResetView(_PhoneStepView):
    """Forgot password: only plain resident accounts (staff ask their administrator). The page says
    the same whether or not the number has such an account."""

    template_name = "accounts/signup_reset.html"
    session_key = RESET_SESSION_KEY
    purpose = phone_codes.PASSWORD_RESET
    next_step = "accounts:password-reset-verify"

    def answer(self, form, phone: str):
        if sms_resettable_account(phone=phone) is not None:
            return self.send(form, phone)
        refusal = self.charge_refusal(form)
        return refusal if refusal is not None else self.go_on(phone)


class _CodeStepView(View):
    """Step 2: the code and the rest; "resend" asks for a new code."""

    template_name = ""
    session_key = ""
    purpose = ""
    first_step = ""
    form_class = None

    def dispatch(self, request, *args, **kwargs):
        self.saved = request.session.get(self.session_key) or {}
        if not self.saved.get("phone"):
            return redirect(self.first_step)
        self.phone = self.saved["phone"]
        return super().dispatch(request, *args, **kwargs)

    def render(self, form):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "phone_masked": mask_mobile(self.phone), "first_step": self.first_step,
            "resend_wait": phone_codes.seconds_until_resend(phone=self.phone, purpose=self.purpose),
            "password_help": form.password_help(),
        })

    def get(self, request):
        return self.render(self.form_class(phone=self.phone))

    def post(self, request):
        if "resend" in request.POST:
            return self.resend()
        form = self.form_class(request.POST, phone=self.phone)
        if not form.is_valid():
            return self.render(form)
        try:
            with code_guard(request, phone=self.phone, failed=phone_codes.is_wrong_code):
                phone_codes.phone_code_verify(phone=self.phone, purpose=self.purpose, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            return self.render(form)
        return self.done(form)

    def resend(self):
        try:
            phone_codes.phone_code_send(phone=self.phone, purpose=self.purpose,
                                        ip=client_address(self.request))
        except ValidationError as error:
            messages.error(self.request, error.messages[0])
        else:
            messages.success(self.request, _("A new code has been sent to %(phone)s.")
                             % {"phone": mask_mobile(self.phone)})
        return redirect(self.request.path)

    def done(self, form):
        raise NotImplementedError

    def sign_in(self, user):
        next_url = self.saved.get("next") or resident_home_url()
        self.request.session.pop(self.session_key, None)
        login(self.request, user, backend=_BACKEND)
        return redirect(next_url)


class SignupVerifyView(_CodeStepView):
    template_name = "accounts/signup_verify.html"
    session_key = SIGNUP_SESSION_KEY
    purpose = phone_codes.SIGNUP
    first_step = "accounts:signup"
    form_class = SignupForm

    def done(self, form):
        try:
            user = resident_account_create(phone=self.phone, full_name=form.cleaned_data["full_name"],
                                           password=form.cleaned_data["password1"])
        except ValidationError as error:
            if getattr(error, "code", None) == "phone_taken":
                self.request.session.pop(self.session_key, None)
                messages.info(self.request, error.messages[0])
                return redirect("accounts:login")
            errors_onto(form, error, fields={"password": "password1"})
            return self.render(form)
        messages.success(self.request, _("Welcome, %(name)s. Your account is ready and you are signed in.")
                         % {"name": user.full_name})
        return self.sign_in(user)


class PasswordResetVerifyView(_CodeStepView):
    template_name = "accounts/signup_reset_verify.html"
    session_key = RESET_SESSION_KEY
    purpose = phone_codes.PASSWORD_RESET
    first_step = "accounts:password-reset"
    form_class = PasswordResetForm

    def done(self, form):
        try:
            user = resident_password_reset(phone=self.phone, password=form.cleaned_data["password1"])
        except ValidationError as error:
            errors_onto(form, error, fields={"password": "password1"})
            return self.render(form)
        messages.success(self.request, _("Your password has been changed and you are signed in."))
        return self.sign_in(user)
