"""Two-factor sign-in pages (accounts/two_factor.py): give a code, set up an authenticator, see one's own
state and renew recovery codes. Open to a session that still owes its code (accounts.middleware)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from accounts.forms import TwoFactorCodeForm
from accounts.middleware import TWO_FACTOR_PENDING
from accounts.two_factor import (
    authenticator_confirm,
    authenticator_draft,
    authenticator_for,
    authenticator_qr_svg,
    authenticator_secret_text,
    recovery_codes_left,
    recovery_codes_renew,
    two_factor_required,
    two_factor_verify,
)
from accounts.views import workspace_url_for
from core.http import safe_next


def _next_url(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next")) or workspace_url_for(request.user)


def _codes_page(request, codes: list[str], *, status: int = 200) -> TemplateResponse:
    return TemplateResponse(request, "accounts/two_factor_codes.html",
                            {"codes": codes, "next": _next_url(request)}, status=status)


class TwoFactorVerifyView(LoginRequiredMixin, View):
    """The code after the password."""

    def get(self, request, form=None, *, status=200, wait_seconds=0):
        if authenticator_for(request.user) is None:
            return redirect("accounts:two-factor-setup")
        return TemplateResponse(request, "accounts/two_factor_verify.html", {
            "form": form or TwoFactorCodeForm(), "next": request.POST.get("next") or request.GET.get("next", ""),
            "wait_seconds": wait_seconds}, status=status)

    def post(self, request):
        form = TwoFactorCodeForm(request.POST)
        if not form.is_valid():
            return self.get(request, form, status=422)
        result = two_factor_verify(request=request, code=form.cleaned_data["code"])
        if not result.ok:
            form.add_error("code", _("Too many wrong codes. Wait %(seconds)d seconds and try again.")
                           % {"seconds": result.wait_seconds} if result.wait_seconds else
                           _("The code is wrong or has expired. Enter the code your app shows now, "
                             "or one of your recovery codes."))
            return self.get(request, form, status=422, wait_seconds=result.wait_seconds)
        request.session.pop(TWO_FACTOR_PENDING, None)
        if result.method == "recovery":
            messages.warning(request, _("You signed in with a recovery code; it cannot be used again. "
                                        "%(left)d codes are left.") % {"left": recovery_codes_left(request.user)})
        return redirect(_next_url(request))


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Set up (or replace) one's authenticator: scan, type the first code, keep the recovery codes."""

    def _replacing_unverified(self, request) -> bool:
        # An authenticator already set up is replaced only by someone who gave its code this session,
        # or a stolen password would be enough to move the second factor to another phone.
        return authenticator_for(request.user) is not None and not request.user.is_verified()

    def get(self, request, form=None, *, status=200):
        if self._replacing_unverified(request):
            return redirect("accounts:two-factor-verify")
        draft = authenticator_draft(user=request.user)
        return TemplateResponse(request, "accounts/two_factor_setup.html", {
            "form": form or TwoFactorCodeForm(), "qr_svg": authenticator_qr_svg(draft),
            "secret": authenticator_secret_text(draft), "next": request.POST.get("next") or request.GET.get("next", ""),
            "required": two_factor_required(request.user), "replacing": authenticator_for(request.user) is not None,
        }, status=status)

    def post(self, request):
        if self._replacing_unverified(request):
            return redirect("accounts:two-factor-verify")
        form = TwoFactorCodeForm(request.POST)
        if not form.is_valid():
            return self.get(request, form, status=422)
        codes = authenticator_confirm(request=request, device=authenticator_draft(user=request.user),
                                      code=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", _("The code does not match. Check that the phone's time is right and enter "
                                     "the code the app shows now."))
            return self.get(request, form, status=422)
        request.session.pop(TWO_FACTOR_PENDING, None)
        return _codes_page(request, codes)


class TwoFactorHomeView(LoginRequiredMixin, View):
    """One's own two-factor state; new recovery codes."""

    def get(self, request):
        return TemplateResponse(request, "accounts/two_factor_home.html", {
            "authenticator": authenticator_for(request.user), "required": two_factor_required(request.user),
            "codes_left": recovery_codes_left(request.user), "verified": request.user.is_verified(),
        })

    def post(self, request):
        from django.core.exceptions import PermissionDenied

        try:
            codes = recovery_codes_renew(request=request)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
            return redirect("accounts:two-factor")
        return _codes_page(request, codes)
