"""What the till's counter and county pages share: who gets in, and how a service's errors are shown.

The counter pages (views_counter.py, views_payment.py, views_transactions.py) are for the operators of a
station (`TillAccessMixin`); the back-office pages (views_county.py, views_statements.py) for township and
county admins (`BackOfficeMixin`), their
county-wide acts for county admins (`CountyOfficeMixin`); anyone else gets 403. Which rows someone may see is always the selectors' business (agency.selectors, scoped by
stations/scope: a foreign row is a 404); whether they may act, the services' (they raise
PermissionDenied with a message that says why) — the pages offer a button where the same scope
predicate allows it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from stations.mixins import CountyAdminMixin, CountyStaffMixin, TillKeeperMixin
from stations.models import Region, Station
from stations.scope import scope_for

# Service error keys → the form field that shows them.
FIELD_OF_SERVICE_KEY = {
    "amount_fen": "amount",
    "counted_fen": "counted",
    "low_threshold_fen": "low_threshold",
}


class TillAccessMixin(TillKeeperMixin):
    """The till is kept by the station's operators; `self.station` is theirs."""

    station: Station | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.station = scope_for(request.user).till_station
        return super().dispatch(request, *args, **kwargs)

    def own(self, row):
        """`row` (already in the user's scope) if it belongs to this till's station; 404 otherwise."""
        if row.station_id != self.station.pk:
            raise Http404(_("Not found."))
        return row


class BackOfficeMixin(CountyStaffMixin):
    """Township and county admins (and superusers); `self.region` is the widest region they hold."""

    region: Region | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.region = scope_for(request.user).admin_region
        return super().dispatch(request, *args, **kwargs)


class CountyOfficeMixin(CountyAdminMixin, BackOfficeMixin):
    """The back office's county-only acts (top-ups, thresholds, statements): a township admin gets 403
    before the form is read, as anyone else without the workspace."""


def error_text(error: Exception) -> str:
    """One line for a flash message from a ValidationError or PermissionDenied."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")
