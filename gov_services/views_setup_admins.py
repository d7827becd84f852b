"""Admin posts: a county admin gives and ends the township-admin posts of their county's townships
and the county-admin posts of their county, and reads who held which post when.

County admins (and the superuser) only: a township admin and everyone else gets 403
(stations/scope can_manage_admin_posts); a post or region outside the admin's county is a 404, or is
refused as a bad choice in the form. Views parse, call one service (stations/services_admins.py), render.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.service_errors import errors_onto
from gov_services.forms_setup_departments import AdminPostForm
from gov_services.selectors import departments as department_selectors
from stations import selectors
from stations.scope import can_end_admin_post, can_manage_admin_posts
from stations.services_admins import admin_post_end, admin_post_give


class AdminPostsMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_admin_posts(request.user):
            raise PermissionDenied(_("Admin posts are given by county admins."))
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        user = self.request.user
        return AdminPostForm(data, regions=selectors.admin_post_region_choices(user=user),
                             accounts=department_selectors.staff_account_list(user=user))


class AdminPostListView(AdminPostsMixin, View):
    """The posts in force (with their end buttons), the ended ones with their dates, and the form."""

    def get(self, request):
        return self.render_page(self.form())

    def render_page(self, form, status=200):
        user = self.request.user
        current = list(selectors.admin_posts_current(user=user))
        for post in current:
            post.can_end = can_end_admin_post(user, post)
        return TemplateResponse(self.request, "gov_services/setup/admin_post_list.html", {
            "current": current, "past": selectors.admin_posts_past(user=user)[:200], "form": form,
        }, status=status)


class AdminPostGiveView(AdminPostListView):
    """Give a post to an account chosen explicitly, or to a new account (its password shown once)."""

    http_method_names = ["post"]

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                post, password = admin_post_give(region=data["region"], role=data["role"], actor=request.user,
                                                 account=data["account"], full_name=data["full_name"],
                                                 phone=data["phone"])
            except ValidationError as error:
                errors_onto(form, error)
            else:
                # Rendered, not redirected: the one-time password must not travel in a message cookie.
                return TemplateResponse(request, "gov_services/setup/admin_post_given.html",
                                        {"post": post, "account": post.user, "initial_password": password})
        return self.render_page(form, status=422)


class AdminPostEndView(AdminPostsMixin, View):
    """The post ends today: from their next request the person no longer has that region's back office."""

    def post(self, request, pk):
        post = selectors.access_admin_post_by_id(user=request.user, assignment_id=pk)
        try:
            admin_post_end(assignment=post, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(user)s is no longer %(role)s of %(region)s.")
                             % {"user": post.user, "role": post.get_role_display(), "region": post.region.name})
        return HttpResponseRedirect(reverse("gov_services:setup-admin-list"))
