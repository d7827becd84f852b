"""Oscar's dashboard permissions, forked: merchants no longer work in Oscar's dashboard.

A member merchant has their own workspace (/merchant/, shop/views_merchant.py). Oscar grants its
catalogue and order pages to `partner.dashboard_access` as an alternative to staff permissions; here
that alternative is staff too, so those pages are staff's (the county's) alone. The dashboard's index
alone still lets a merchant in (shop/dashboard/apps.py), to send them on to their workspace.
"""

from oscar.apps.dashboard.permissions import DashboardPermission as OscarDashboardPermission


class DashboardPermission(OscarDashboardPermission):
    partner_dashboard_access = OscarDashboardPermission.staff
    merchant_sent_on = ["partner.dashboard_access"]  # the index only: redirected to /merchant/
