"""Acts that need a role's permission as well as the place: `can_*(user, …)` combine the user's
Django permission with their scope's rule, for the services that refuse and the views that offer."""

from __future__ import annotations

from stations.models import Grid, Region, StaffAssignment, Station
from stations.scope.building import scope_for


def can_edit_station(user, station: Station) -> bool:
    """Edit its details, change its status (suspend, close …): its region's admins."""
    return user.has_perm("stations.change_station") and scope_for(user).can_run_station(station)


def can_change_station_status(user, station: Station) -> bool:
    return can_edit_station(user, station)


def can_set_up_station(user, village: Region) -> bool:
    """Create a station in `village` (by hand or by import): an admin whose region holds it."""
    return user.has_perm("stations.add_station") and scope_for(user).covers(village.path)


def can_set_up_departments(user) -> bool:
    """The departments' set-up screens: county admins (with the role's permission)."""
    return user.has_perm("gov_services.change_department") and scope_for(user).is_county_admin


def can_set_up_department_at(user, region: Region) -> bool:
    """Register a department serving `region`: see Scope.sets_up_department_at."""
    return can_set_up_departments(user) and scope_for(user).sets_up_department_at(region.path, region.level)


def can_add_station_staff(user, station: Station) -> bool:
    return user.has_perm("stations.add_staffassignment") and scope_for(user).can_run_station(station)


def can_plan_grids(user, station: Station) -> bool:
    """Set up a station's grids: the admins who run the station."""
    return user.has_perm("stations.add_grid") and scope_for(user).can_run_station(station)


def can_change_grid_liaison(user, grid: Grid) -> bool:
    return user.has_perm("stations.change_grid") and scope_for(user).can_run_station(grid.station)


def can_keep_households(user, grid: Grid) -> bool:
    """Add and edit a grid's households: its liaison and the admins (operators only read them)."""
    return user.has_perm("stations.change_household") and scope_for(user).can_see_households_in_full(grid)


def can_import_households(user) -> bool:
    """Import households (into the stations of their region, row by row): township and county admins."""
    return user.has_perm("stations.add_household") and scope_for(user).is_county_staff


def can_end_staff_assignment(user, assignment: StaffAssignment) -> bool:
    scope = scope_for(user)
    place = assignment.station.village.path if assignment.station_id else assignment.region.path
    return user.has_perm("stations.change_staffassignment") and scope.covers(place)


def can_open_county(user) -> bool:
    """Open a county on the platform (its city and county regions, its first county admin): the superuser."""
    return user.is_superuser and scope_for(user).is_platform_admin


def can_manage_admin_posts(user) -> bool:
    """The admin posts screen (/county/setup/admins/): county admins with the role's permission to assign
    staff, and the superuser. A township admin gives no admin posts (403)."""
    return user.has_perm("stations.add_staffassignment") and scope_for(user).is_county_admin


def can_give_admin_post(user, region: Region, role: str) -> bool:
    return can_manage_admin_posts(user) and scope_for(user).can_give_admin_post(region, role)


def can_end_admin_post(user, assignment: StaffAssignment) -> bool:
    return (user.has_perm("stations.change_staffassignment") and can_manage_admin_posts(user)
            and scope_for(user).can_end_admin_post(assignment))


def can_change_region(user, region: Region) -> bool:
    return user.has_perm("stations.change_region") and scope_for(user).can_change_region(region)


def can_place_region(user, region: Region) -> bool:
    return user.has_perm("stations.change_region") and scope_for(user).can_place_region(region)


def can_add_region(user, parent: Region | None) -> bool:
    return user.has_perm("stations.add_region") and scope_for(user).can_add_region_under(parent)


def can_set_up_till(user, permission: str = "agency.change_product") -> bool:
    """Providers, products and commission plans are one catalogue shared by every county on the platform
    (they carry no region): county admins holding the role's permission set them up; township admins
    only read them (the back office's workspace)."""
    return user.has_perm(permission) and scope_for(user).is_county_admin
