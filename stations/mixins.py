"""Who gets into a workspace, for class-based views: the scope's workspace predicates as 403s.

Anonymous visitors are sent to the login page (LoginRequiredMixin); someone signed in without the
workspace's post gets 403. Which rows they then see is the selectors' business (a foreign row: 404).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from stations import selectors
from stations.scope import can_edit_station, is_resident, scope_for


class WorkspaceMixin(LoginRequiredMixin):
    """Lets in whoever's scope has `required_post` (a Scope property name, or a tuple: any of them);
    403 for anyone else, before the view reads its object or its form."""

    required_post: str | tuple[str, ...] = ()
    refusal = _("You may not open this page.")

    def has_workspace(self, user) -> bool:
        scope = scope_for(user)
        posts = (self.required_post,) if isinstance(self.required_post, str) else self.required_post
        return any(getattr(scope, post) for post in posts)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.has_workspace(request.user):
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


class CountyAdminMixin(WorkspaceMixin):
    """The back office's county-wide acts (top-ups, thresholds, statements, station staff): county
    admins only, refused before any form is read."""

    required_post = "is_county_admin"
    refusal = _("Only county admins may do this.")


class PlatformAdminMixin(WorkspaceMixin):
    """The platform's own pages (/county/counties/…): the superuser, who opens counties."""

    required_post = "is_platform_admin"
    refusal = _("Counties are opened by the platform's administrator.")


class RequestFilesMixin(WorkspaceMixin):
    """A request's files and its certificates: the staff who may see requests (station, department,
    region) and residents (their own; which rows is the selectors' business)."""

    required_post = "is_any_staff"
    refusal = _("These files are for the staff who handle requests and for the applicants.")

    def has_workspace(self, user) -> bool:
        return super().has_workspace(user) or is_resident(user)


class DepartmentStaffMixin(WorkspaceMixin):
    """The department queue (/dept/…): officers and heads of a department."""

    required_post = "is_department_staff"
    refusal = _("Your account is not a member of any department.")


class GridStaffMixin(WorkspaceMixin):
    """Grids and households (/grids/…, /households/…): a station's operators and liaisons, and township and
    county admins. Which grids each sees is the selectors' business (Scope.grid_q)."""

    required_post = ("is_counter_staff", "is_county_staff")
    refusal = _("Grids and households are for a station's staff and the region's admins.")


class HouseholdKeeperMixin(GridStaffMixin):
    """Adding and editing households: liaisons and admins (their role's change_household); operators read them."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("stations.change_household"):
            raise PermissionDenied(_("Households are kept by the grid's liaison and the region's admins."))
        return super().dispatch(request, *args, **kwargs)


class MerchantMixin(WorkspaceMixin):
    """A member merchant's own pages (/merchant/…): the users of a merchant. Not the superuser, who has no
    merchant of their own to act for."""

    required_post = "is_merchant"
    refusal = _("These pages are for the users of a member merchant.")


class StationEditMixin(CountyStaffMixin):
    """A page that edits the station of the URL's `pk` (self.station): the back office first (403 for staff
    without it), then the station (404 outside the admin's region, 403 if they may not edit it)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and scope_for(request.user).is_county_staff:
            self.station = selectors.access_station_by_id(user=request.user, station_id=kwargs["pk"])
            if not can_edit_station(request.user, self.station):
                raise PermissionDenied(_("You may not edit this station."))
        return super().dispatch(request, *args, **kwargs)
