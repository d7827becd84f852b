"""Who may act on the till. Each check raises PermissionDenied with a message that says why.

* counter work (payments, top-up requests, the daily count): an operator of the station;
* approving a cash variance: a township or county admin whose region holds the station;
* approving a float top-up, generating / approving / paying statements: a county admin whose
  region holds the station;
* reversing: the station's operator, or an admin whose region holds it.
A superuser passes every check. `actor=None` is the system (Celery, management commands) and is
accepted only where a service says so.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.roles import Role
from stations.models import Station
from stations.selectors import active_assignments


def require_signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))


def operates_station(actor, station: Station) -> bool:
    return active_assignments(user=actor).filter(station_id=station.pk, role=Role.OPERATOR).exists()


def admin_covers(actor, station: Station, roles=(Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)) -> bool:
    path = station.village.path
    return any(path.startswith(a.region.path)
               for a in active_assignments(user=actor).filter(region__isnull=False, role__in=roles))


def require_operator(actor, station: Station) -> None:
    require_signed_in(actor)
    if not actor.is_superuser and not operates_station(actor, station):
        raise PermissionDenied(_("Only the operators of %(station)s may do this at its counter.")
                               % {"station": station.name})


def require_region_admin(actor, station: Station, *, county_only: bool = False) -> None:
    require_signed_in(actor)
    if actor.is_superuser:
        return
    roles = (Role.COUNTY_ADMIN,) if county_only else (Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)
    if not admin_covers(actor, station, roles):
        if county_only:
            raise PermissionDenied(_("Only a county admin whose region holds %(station)s may do this.")
                                   % {"station": station.name})
        raise PermissionDenied(_("Only a township or county admin whose region holds %(station)s may do this.")
                               % {"station": station.name})


def require_operator_or_admin(actor, station: Station) -> None:
    require_signed_in(actor)
    if actor.is_superuser or operates_station(actor, station) or admin_covers(actor, station):
        return
    raise PermissionDenied(_("You may not act on transactions of %(station)s.") % {"station": station.name})
