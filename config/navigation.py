"""The back office's navigation (the county home), declared once: groups of links by topic, each with
who may see it (a stations.scope.Scope predicate; the page's own mixin applies the same rule).
stations renders it (stations/navigation.py; settings.COUNTY_NAVIGATION names this list).

To link a new screen, add one NavLink to its group — a set-up screen to SETUP.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stations.navigation import NavGroup, NavLink

COUNTY_ADMIN = "is_county_admin"  # county-wide work; a township admin gets 403 there
PLATFORM = "is_platform_admin"  # the superuser's own work: opening counties

REQUESTS = NavGroup("requests", pgettext_lazy("navigation group", "Service requests"), (
    NavLink(_("Requests"), "gov_services:county-request-list"),
    NavLink(_("Log a call or WeChat message"), "gov_services:county-appeal-create"),
    NavLink(_("Service catalogue"), "gov_services:service-item-list"),
    NavLink(_("Text messages"), "gov_services:sms-outbox-list"),  # a township admin reads their township's
))

SUPERVISION = NavGroup("supervision", pgettext_lazy("navigation group", "Supervision"), (
    NavLink(_("Supervision board"), "gov_services:supervision-board"),
    NavLink(_("Overdue requests"), "gov_services:county-request-list", query="overdue=on"),
    NavLink(_("Reports"), "reports:gov-kpis"),
))

MONEY = NavGroup("money", pgettext_lazy("navigation group", "Settlement and funds"), (
    NavLink(_("Daily cash closes"), "agency:county-closes"),
    NavLink(_("Station floats"), "agency:county-floats"),
    NavLink(_("Commission statements"), "agency:county-statements"),
    NavLink(_("Commission report"), "reports:commissions"),
))

STORE = NavGroup("store", pgettext_lazy("navigation group", "Store"), (
    NavLink(_("Member merchants"), "shop:county-merchant-list"),
    NavLink(_("Delivery fees"), "shop:county-delivery-fees"),
))

CARE = NavGroup("care", pgettext_lazy("navigation group", "Care for vulnerable residents"), (
    NavLink(_("Care desk"), "care:desk", allowed="is_care_staff"),
    NavLink(_("Care calls"), "care:call-list", allowed="is_care_staff"),
    NavLink(_("Map of open calls"), "care:call-map", allowed="is_care_staff"),
    NavLink(_("Care figures"), "reports:care-figures", allowed="is_care_staff"),
    NavLink(_("Care residents"), "care:resident-list", allowed="is_care_staff"),
    NavLink(_("Care responders"), "care:responder-list", allowed="is_care_staff"),
    NavLink(_("Settlement with the responders"), "care:settlement-list", allowed=COUNTY_ADMIN),
    NavLink(_("Care desk staff"), "care:desk-staff"),
))

SETUP = NavGroup("setup", pgettext_lazy("navigation group", "Set-up"), (
    NavLink(_("Counties"), "stations:county-list", allowed=PLATFORM),
    NavLink(_("Regions"), "stations:region-list"),
    NavLink(_("Township outlines (map)"), "stations:township-outlines", allowed=COUNTY_ADMIN),
    NavLink(_("All stations"), "stations:station-list"),
    NavLink(_("Grids and households"), "stations:grid-list"),
    NavLink(_("Departments and staff"), "gov_services:setup-department-list", allowed=COUNTY_ADMIN),
    NavLink(_("Admin posts"), "gov_services:setup-admin-list", allowed=COUNTY_ADMIN),
    NavLink(_("Appeal routing"), "gov_services:routing-rule-list"),
    NavLink(_("Holiday calendar"), "gov_services:calendar-day-list"),
    NavLink(_("Certificate templates"), "gov_services:certificate-type-list", allowed=COUNTY_ADMIN),
    NavLink(_("Till set-up"), "agency:setup-home"),
))

COUNTY_NAVIGATION = (REQUESTS, SUPERVISION, MONEY, STORE, CARE, SETUP)
