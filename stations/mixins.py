"""Who gets into a workspace, for class-based views: the scope's workspace predicates as 403s.

Anonymous visitors are sent to the login page (LoginRequiredMixin); someone signed in without the
workspace's post gets 403. Which rows they then see is the selectors' business (a foreign row: 404).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from stations.scope import scope_for


class WorkspaceMixin(LoginRequiredMixin):
    """Lets in whoever's scope has `required_post` (a Scope property name, or a tuple: any of them);
    403 for anyone else."""

    required_post: str | tuple[str, ...] = ()
    refusal = _("You may not open this page.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            scope = scope_for(request.user)
            posts = (self.required_post,) if isinstance(self.required_post, str) else self.required_post
            if not any(getattr(scope, post) for post in posts):
                raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)


class CounterStaffMixin(WorkspaceMixin):
    """The counter (/counter/…): a station's operators and liaisons."""

    required_post = "is_counter_staff"
    refusal = _("The counter is for the operators and liaisons of a station.")


class TillKeeperMixin(WorkspaceMixin):
    """The station till (/counter/till/…): a station's operators."""

    required_post = "is_till_keeper"
    refusal = _("The till is kept by the operators of a station.")


class CountyStaffMixin(WorkspaceMixin):
    """The back office (/county/…): township and county admins."""

    required_post = "is_county_staff"
    refusal = _("The back office is for township and county admins.")


class RequestStaffMixin(WorkspaceMixin):
    """A request's files and certificates behind the counter: officers and admins."""

    required_post = ("is_department_staff", "is_county_staff")
    refusal = _("These files are for the department's officers and the region's admins.")


class DepartmentStaffMixin(WorkspaceMixin):
    """The department queue (/dept/…): officers and heads of a department."""

    required_post = "is_department_staff"
    refusal = _("Your account is not a member of any department.")


class MerchantMixin(WorkspaceMixin):
    """A member merchant's own pages (/merchant/…): the users of a merchant. Not the superuser, who has no
    merchant of their own to act for."""

    required_post = "is_merchant"
    refusal = _("These pages are for the users of a member merchant.")
