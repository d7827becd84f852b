"""Why an act on the till is refused. The rules are stations/scope's predicates (the same ones the
till's pages ask to offer their buttons):

* counter work (payments, top-up requests, the daily count): an operator of the station;
* approving a cash variance: a township or county admin whose region holds the station;
* approving a float top-up, generating / approving / paying statements: a county admin whose
  region holds the station;
* reversing: the station's operator, or an admin whose region holds it.
A superuser passes every check. `actor=None` is the system (Celery, management commands) and is
accepted only where a service says so. Each check raises PermissionDenied with a message that says why.
"""

from django.utils.translation import gettext as _

from stations.models import Station
from stations.scope import require, scope_for


def require_signed_in(actor) -> None:
    require(actor is not None and actor.is_authenticated, _("Sign in first."))


def require_operator(actor, station: Station) -> None:
    require_signed_in(actor)
    require(scope_for(actor).can_keep_till(station),
            _("Only the operators of %(station)s may do this at its counter.") % {"station": station.name})


def require_region_admin(actor, station: Station, *, county_only: bool = False) -> None:
    require_signed_in(actor)
    if county_only:
        message = _("Only a county admin whose region holds %(station)s may do this.")
    else:
        message = _("Only a township or county admin whose region holds %(station)s may do this.")
    require(scope_for(actor).can_decide_for_station(station, county_only=county_only),
            message % {"station": station.name})


def require_operator_or_admin(actor, station: Station) -> None:
    require_signed_in(actor)
    require(scope_for(actor).can_reverse_at(station),
            _("You may not act on transactions of %(station)s.") % {"station": station.name})
