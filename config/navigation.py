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
    NavLink(_("Webhook deliveries"), "gov_services:webhook-outbox-list"),  # to the channels that filed them
    NavLink(_("Channels (hotline, WeChat, Open311)"), "gov_services:channel-list", allowed=COUNTY_ADMIN),
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
    NavLink(_("Merchants' products"), "shop:county-merchant-products"),
    NavLink(_("Merchants' orders"), "shop:county-merchant-orders"),
    NavLink(_("Merchant statements and payouts"), "shop:county-merchant-statements"),
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
    NavLink(_("Search words"), "gov_services:search-words", allowed=COUNTY_ADMIN),
    NavLink(_("Certificate templates"), "gov_services:certificate-type-list", allowed=COUNTY_ADMIN),
    NavLink(_("Officials' keys and seals"), "gov_services:official-key-departments", allowed=COUNTY_ADMIN),
    NavLink(_("Till set-up"), "agency:setup-home"),
))

COUNTY_NAVIGATION = (REQUESTS, SUPERVISION, MONEY, STORE, CARE, SETUP)

# The merchant's workspace (/merchant/…): the same data, rendered by stations on every merchant page.
MERCHANT = "is_merchant"
MERCHANT_NAVIGATION = (
    NavGroup("merchant", pgettext_lazy("navigation group", "My shop"), (
        NavLink(_("Overview"), "shop:merchant-home", allowed=MERCHANT),
        NavLink(_("Products"), "shop:merchant-products", allowed=MERCHANT),
        NavLink(_("New product"), "shop:merchant-product-create", allowed=MERCHANT),
        NavLink(_("Import products"), "shop:merchant-product-import", allowed=MERCHANT),
        NavLink(_("Orders"), "shop:merchant-orders", allowed=MERCHANT),
        NavLink(_("Statements"), "shop:merchant-statements", allowed=MERCHANT),
    )),
)
