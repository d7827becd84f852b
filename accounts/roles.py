"""The roles people hold, as Django groups with permissions.

A role says what kind of work someone does; *where* they do it (which station, region,
department or merchant) is a scoped assignment kept by the app that owns that place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    OPERATOR = "operator", _("Station operator")
    LIAISON = "liaison", _("Grid liaison")
    OFFICER = "officer", _("Department officer")
    MERCHANT = "merchant", _("Merchant")
    TOWNSHIP_ADMIN = "township_admin", _("Township admin")
    COUNTY_ADMIN = "county_admin", _("County admin")
    EDITOR = "editor", _("Portal editor")
    CARE_OPERATOR = "care_operator", _("Care operator")
    # 等保 2.0 three-role administration (三员分立), and the personal-information officer (PIPL art. 52).
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")
    DATA_OFFICER = "data_officer", _("Personal information officer")


# No one holds two of these, and no one grants one to themselves (accounts.services.user_role_grant):
# the system admin runs the system but reads no audit log and changes no security setting; the security
# admin manages accounts, roles and policies; the audit admin only reads the audit trail.
SEPARATED_ROLES: frozenset[Role] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


# Model permissions each role's group carries ("app_label.codename").
# Scope is never expressed here: selectors narrow every query by assignment.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.RESIDENT: [],
    Role.OPERATOR: ["stations.view_station", "stations.view_grid", "stations.view_household"],
    Role.LIAISON: ["stations.view_station", "stations.view_grid", "stations.view_household",
                   "stations.change_household", "stations.add_household"],
    Role.OFFICER: ["stations.view_station", "gov_services.view_department", "gov_services.view_serviceitem"],
    Role.MERCHANT: ["partner.dashboard_access"],
    # Into the CMS; what an editor may do to which pages is Wagtail's (its Editors and Moderators groups).
    Role.EDITOR: ["wagtailadmin.access_admin"],
    # The care desk (care/): which region's calls is the scope's (a care desk post), like every post.
    Role.CARE_OPERATOR: [],
    Role.TOWNSHIP_ADMIN: ["stations.view_region", "stations.add_region", "stations.change_region",
                          "stations.view_station", "stations.add_station", "stations.change_station",
                          "stations.view_staffassignment", "stations.view_grid", "gov_services.view_serviceitem",
                          "shop.view_merchantapplication", "shop.view_merchant", "shop.view_deliveryfee"],
    Role.COUNTY_ADMIN: ["stations.view_region", "stations.add_region", "stations.change_region",
                        "stations.view_station", "stations.add_station",
                        "stations.change_station", "stations.view_staffassignment",
                        "stations.add_staffassignment", "stations.change_staffassignment",
                        "stations.view_grid", "gov_services.view_department",
                        "gov_services.add_department", "gov_services.change_department",
                        "gov_services.view_serviceitem", "gov_services.add_serviceitem",
                        "gov_services.change_serviceitem",
                        "shop.view_merchantapplication", "shop.change_merchantapplication",
                        "shop.view_merchant", "shop.change_merchant", "shop.view_deliveryfee",
                        "shop.change_deliveryfee"],
}

# The three administrators and the data officer (docs: README "Operating Cunzhan"). Audit models are read
# only by the audit admin (and, for the log of views of personal data, the data officer); security settings
# and accounts only by the security admin; health and metrics only by the system admin.
ROLE_PERMISSIONS[Role.SYSTEM_ADMIN] = ["core.view_operations", "core.view_smsoutboxmessage"]
ROLE_PERMISSIONS[Role.SECURITY_ADMIN] = ["accounts.view_user", "accounts.add_user", "accounts.change_user",
                                         "accounts.view_apikey", "axes.view_accessattempt",
                                         "axes.delete_accessattempt", "core.view_personaldataitem",
                                         "core.add_personaldataitem", "core.change_personaldataitem"]
ROLE_PERMISSIONS[Role.AUDIT_ADMIN] = ["core.view_auditevent", "core.view_auditseal",
                                      "core.view_personal_data_access", "axes.view_accesslog",
                                      "axes.view_accessattempt", "core.view_personaldataitem"]
ROLE_PERMISSIONS[Role.DATA_OFFICER] = ["core.view_personaldataitem", "core.view_personal_data_access",
                                       "core.view_personaldatarequest", "core.change_personaldatarequest"]

# Grids and households: the admins set up grids and keep (and import) households; liaisons keep theirs.
_GRIDS_AND_HOUSEHOLDS = ["stations.add_grid", "stations.change_grid", "stations.view_household",
                         "stations.add_household", "stations.change_household"]
ROLE_PERMISSIONS[Role.TOWNSHIP_ADMIN] += _GRIDS_AND_HOUSEHOLDS
ROLE_PERMISSIONS[Role.COUNTY_ADMIN] += _GRIDS_AND_HOUSEHOLDS

# The station till (agency). Which station or region is still the selectors' business.
_AGENCY_VIEW = ["agency.view_product", "agency.view_countertransaction", "agency.view_floatwallet",
                "agency.view_floattopuprequest", "agency.view_dailycashclose", "agency.view_commissionstatement"]
ROLE_PERMISSIONS[Role.OPERATOR] += [*_AGENCY_VIEW, "agency.add_countertransaction",
                                    "agency.reverse_countertransaction", "agency.add_floattopuprequest",
                                    "agency.add_dailycashclose"]
ROLE_PERMISSIONS[Role.TOWNSHIP_ADMIN] += [*_AGENCY_VIEW, "agency.approve_dailycashclose",
                                          "agency.reverse_countertransaction"]
ROLE_PERMISSIONS[Role.COUNTY_ADMIN] += [*_AGENCY_VIEW, "agency.approve_dailycashclose",
                                        "agency.reverse_countertransaction", "agency.approve_floattopuprequest",
                                        "agency.change_floatwallet", "agency.add_commissionstatement",
                                        "agency.approve_commissionstatement", "agency.pay_commissionstatement",
                                        "agency.view_provider", "agency.add_provider", "agency.change_provider",
                                        "agency.add_product", "agency.change_product",
                                        "agency.view_commissionplan", "agency.add_commissionplan",
                                        "agency.change_commissionplan", "agency.view_commissionplanversion",
                                        "agency.add_commissionplanversion"]

# Where each role works after sign-in, most senior first: someone holding two roles
# lands in the workspace of the first one listed.
ROLE_WORKSPACES: list[tuple[Role, str]] = [
    (Role.SECURITY_ADMIN, "accounts:ops-home"),
    (Role.AUDIT_ADMIN, "accounts:ops-home"),
    (Role.SYSTEM_ADMIN, "accounts:ops-home"),
    (Role.DATA_OFFICER, "accounts:ops-home"),
    (Role.COUNTY_ADMIN, "stations:county-home"),
    (Role.TOWNSHIP_ADMIN, "stations:county-home"),
    (Role.OFFICER, "gov_services:dept-home"),
    (Role.OPERATOR, "stations:counter-home"),
    (Role.LIAISON, "stations:counter-home"),
    (Role.CARE_OPERATOR, "care:desk"),
    (Role.MERCHANT, "shop:merchant-home"),
    (Role.EDITOR, "wagtailadmin_home"),
]
