"""Who may see and act on what: the one place where Cunzhan decides it.

Everything that depends on *who is asking* starts here: selectors narrow their querysets with
`Scope.q(...)`, services refuse with the `can_*` predicates, views turn the same predicates into
buttons (or a 404), templates ask `{% scope as scope %}` (stations/templatetags/scope.py).

A person's scope is computed once per user object (cached on it, so once per web request) from
their posts:

* a station post: operator (代办员) or grid liaison (民情联络员) of one station (StaffAssignment);
* a region post: township or county admin of one region (StaffAssignment);
* a department post: officer, or head, of one department (gov_services' DepartmentMembership);
* a merchant post: a user of one member merchant's partner account (shop's Merchant / Oscar Partner);
* a care-desk post: a care operator taking calls for the residents of one region (care's CareDesk).

Ended assignments give no scope (`ended_on` is the first day without access). gov_services and shop
(and care) sit above stations, so they contribute their posts through `register_posts` in their AppConfig.ready();
the rules below stay here.

Who sees what (a user holding several posts sees the union):

| who | sees | acts on |
| --- | --- | --- |
| anonymous visitor | public pages only; every staff page sends them to /login/ | nothing |
| resident (any signed-in account) | the requests, certificates and orders filed for their own account | resubmits and rates their own requests |
| … holding the resident role (`is_resident`) | also their requests' scans and signature and their certificates' pages (an editor or merchant without the role: 403) | |
| operator | their station: its requests, ledger, till, floats, closes, statements, parcels, grids and households (in full) | files requests at their station only (the catalogue of the station's place); keeps the till; hands parcels over |
| grid liaison | their station's requests; the grids they walk (a liaison with no other post: only those), their households in full | files relayed requests at their station; keeps the households of the grids they walk |
| department officer | the requests and certificates of their departments; their departments' catalogue items | moves requests of their department (once assigned: the assignee only); claims unassigned ones |
| department head | as an officer | also assigns and moves any request of the department |
| township admin | everything whose place lies in their township: stations, requests, certificates, till rows, order parts, merchants serving it, the text messages about it, grids and households (in full); the county's catalogue and settings read-only | reroutes and closes requests there; decides cash variances; sends a failed text message again; adds, renames and merges its villages; creates, edits, imports, suspends and closes its stations; sets up grids, chooses their liaisons, keeps and imports households |
| county admin | the same for the whole county | the same for its townships and villages (imports the tree); also edits the catalogue, settings, certificates set-up and supervision; decides top-ups and statements; sets up the till's providers, products and commission plans (shared by the platform's counties; township admins read them); vets merchants and sets delivery fees; sets up departments (the county's, its townships', and the city-level ones at its city) and their staff (with the role's permission); gives and ends the township-admin posts of its townships and the county-admin posts of its county (never ends its own) |
| merchant | their own membership, products and order parts | moves their order parts |
| … at the counter (operator, liaison) | the care residents of the stations they operate and those they are liaison for, and those residents' calls | take a care call for them (offered to the responders at once); the liaison confirms and rates on the resident's behalf |
| care operator (a care-desk post, care's CareDesk) | the care registry, calls, check-ins and alerts of the residents of their region (in full on a resident's own page, audited); the responders serving it | takes calls, dispatches, records check-ins, keeps the registry of residents (the township and county admins do the same for their region, and contract the responders) |
| superuser | everything | everything staff may do (not what only the resident may do: resubmit, rate); opens a county (its city and county regions and its first county admin) |

Households' personal data (names, ID and phone numbers) is shown masked wherever it is listed
(core/masking.py); in full only on a household's own page, to those `can_see_households_in_full` names
(the grid's liaison, the station's operators, the admins of its place), and every such showing is an
audit event. The operator reads households but does not keep them (the role has no change_household):
the liaison who walks the grid and the admins do. Setting up a grid and choosing its liaison is
running the station (`can_run_station`): the admins' work, as putting staff there is.

A place is a Region path (city › county › township › village, treebeard materialised paths): a row lies
in a region when its place's path starts with the region's path. A request's place is its village, else
its station's village, else its department's region.

Answers: an anonymous visitor is sent to the login page; someone without the workspace's post gets 403
(the `is_*` workspace predicates); a row that exists but lies outside the scope is a 404, the same answer
as for a row that does not exist (`get_in_scope`); a foreign POST changes nothing.
"""

from __future__ import annotations

from stations.scope.answers import get_in_scope, is_resident, require
from stations.scope.building import active_assignments, scope_for, scope_forget
from stations.scope.filters import NOTHING, grants_q, place_q
from stations.scope.permissions import (
    can_add_region,
    can_add_station_staff,
    can_change_grid_liaison,
    can_change_region,
    can_change_station_status,
    can_edit_station,
    can_end_admin_post,
    can_end_staff_assignment,
    can_give_admin_post,
    can_import_households,
    can_keep_households,
    can_manage_admin_posts,
    can_open_county,
    can_place_region,
    can_plan_grids,
    can_set_up_department_at,
    can_set_up_departments,
    can_set_up_station,
    can_set_up_till,
)
from stations.scope.posts import (
    STATION_ROLES,
    CareDeskPost,
    DepartmentPost,
    MerchantPost,
    RegionPost,
    StationPost,
    register_posts,
)
from stations.scope.rules import Casework
from stations.scope.scope import Scope

__all__ = [
    "NOTHING",
    "STATION_ROLES",
    "CareDeskPost",
    "Casework",
    "DepartmentPost",
    "MerchantPost",
    "RegionPost",
    "Scope",
    "StationPost",
    "active_assignments",
    "can_add_region",
    "can_add_station_staff",
    "can_change_grid_liaison",
    "can_change_region",
    "can_change_station_status",
    "can_edit_station",
    "can_end_admin_post",
    "can_end_staff_assignment",
    "can_give_admin_post",
    "can_import_households",
    "can_keep_households",
    "can_manage_admin_posts",
    "can_open_county",
    "can_place_region",
    "can_plan_grids",
    "can_set_up_department_at",
    "can_set_up_departments",
    "can_set_up_station",
    "can_set_up_till",
    "get_in_scope",
    "grants_q",
    "is_resident",
    "place_q",
    "register_posts",
    "require",
    "scope_for",
    "scope_forget",
]
