"""Reads of grids, households and their members. Who sees which is stations/scope's rule (grid_q);
access_*_by_id answer 404 for a row out of scope, as for one that does not exist. Whether a household
may be shown in full is the view's question (Scope.can_see_households_in_full), asked of the row found."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from stations.models import Grid, Household, Region, StaffAssignment, Station
from stations.scope import get_in_scope, scope_for
from stations.selectors import grid_list

LOW, HIGH = Grid.RECOMMENDED_HOUSEHOLDS


def grid_overview(*, user, township_id: int | None = None, station_id: int | None = None,
                  outside_only: bool = False) -> QuerySet[Grid]:
    """The grids in the user's scope with their household counts, by station and name; `outside_only`
    keeps those outside the 50–100 households a liaison should walk. Two queries with the count."""
    grids = grid_list(user=user, station_id=station_id).select_related("station__village")
    if township_id:
        township = Region.objects.filter(pk=township_id, level=Region.Level.TOWNSHIP).first()
        grids = grids.filter(station__village__path__startswith=township.path) if township else grids.none()
    if outside_only:
        grids = grids.filter(Q(household_count__lt=LOW) | Q(household_count__gt=HIGH))
    return grids.order_by("station__code", "name")


def access_grid_by_id(*, user, grid_id: int) -> Grid:
    return get_in_scope(grid_list(user=user).select_related("station__village"), pk=grid_id)


def grid_households(*, grid: Grid) -> QuerySet[Household]:
    """A grid's households by house number, each with its member count. One query."""
    return grid.households.annotate(member_count=Count("members")).order_by("house_number", "pk")


def household_list(*, user) -> QuerySet[Household]:
    """The households of the grids in the user's scope."""
    scope = scope_for(user)
    if not scope.is_authenticated:
        return Household.objects.none()
    return Household.objects.filter(scope.grid_q(prefix="grid__"))


def access_household_by_id(*, user, household_id: int) -> Household:
    households = household_list(user=user).select_related("grid__station__village", "grid__liaison")
    return get_in_scope(households, pk=household_id)


def station_liaisons(*, station: Station) -> QuerySet[User]:
    """The people working at `station` as grid liaisons today: who may walk its grids."""
    today = timezone.localdate()
    posts = StaffAssignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today), station=station,
                                           role=StaffAssignment.Role.LIAISON, started_on__lte=today)
    return User.objects.filter(pk__in=posts.values("user_id")).order_by("full_name", "username")


def low_income_household_of(*, id_number: str) -> Household | None:
    """The low-income (低保) household a resident with this ID number is registered in, if any: the rule of
    a fee waived for low-income households asks it (not a permission-dependent read)."""
    number = id_number.strip().upper()
    if not number:
        return None
    return Household.objects.filter(low_income=True, members__id_number=number).select_related("grid").first()
