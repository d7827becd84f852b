from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from accounts.forms import StaffAuthenticationForm
from accounts.roles import ROLE_WORKSPACES


def workspace_url_for(user) -> str:
    """Where a person works: the workspace of their most senior role."""
    for role, url_name in ROLE_WORKSPACES:
        if role in user.roles:
            return reverse(url_name)
    if user.is_superuser:
        return reverse("stations:county-home")
    return reverse("gov_services:resident-service-request-list")


class LoginView(auth_views.LoginView):
    """One sign-in page for everyone; each person is sent on to their own workspace."""

    template_name = "accounts/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return workspace_url_for(self.request.user)


class LandingView(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        return redirect(workspace_url_for(request.user))


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the old one asked first); staff passwords meet accounts/passwords.py.
    An expired staff password leads here (accounts.middleware.PasswordExpiryMiddleware)."""

    template_name = "accounts/password_change.html"

    def get_success_url(self):
        return workspace_url_for(self.request.user)

    def form_valid(self, form):
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from accounts.middleware import PASSWORD_EXPIRED
        from core.audit import audit_event_record

        response = super().form_valid(form)
        self.request.session.pop(PASSWORD_EXPIRED, None)
        audit_event_record(actor=self.request.user, action="user.password_changed", target=self.request.user)
        messages.success(self.request, _("Your password is changed."))
        return response
