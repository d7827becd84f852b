"""The offline counter, declared once (settings.OFFLINE_COUNTER names this module; agency/offline_sync.py
and agency/views_offline.py read it, as stations renders the navigation config declares).

KINDS: what an outbox item may be, and the handler (in its own app) that does it at sync.
PAGES: the counter's online pages (a path prefix) and the offline page (a URL name) the service worker
shows in their place when the network is down; the first prefix that matches wins.
DATA: the JSON the service worker keeps fresh while online (the service catalogue and its e-forms, the
station's waiting parcels with hashed pick-up codes, the goods the counter sells, the till's products).
SHELL: the pages cached whole for offline use.
"""

from django.utils.translation import gettext_lazy as _

KINDS = {
    "application": "gov_services.requests.offline.application_sync",
    "sale": "shop.offline.sale_sync",
    "parcel_handover": "shop.offline.parcel_handover_sync",
}

PAGES = (
    ("/counter/requests/new/", "gov_services:offline-apply"),
    ("/counter/parcels/", "shop:offline-parcels"),
    ("/counter/sales/new/", "shop:offline-sale"),
    ("/counter/till/", "agency:offline-desk"),
    ("/counter/", "agency:offline-desk"),
)

DATA = (
    "gov_services:offline-catalogue",
    "shop:offline-shelf",
    "agency:offline-till-products",
)

SHELL = (
    "stations:counter-home",
    "agency:offline-desk",
    "agency:offline-conflicts",
    "agency:offline-receipt",
    "gov_services:offline-apply",
    "shop:offline-parcels",
    "shop:offline-sale",
)

# The offline desk's links (label, URL name): what the counter can do with the network down.
LINKS = (
    (_("File an application"), "gov_services:offline-apply"),
    (_("Hand over a parcel"), "shop:offline-parcels"),
    (_("Sell goods for cash"), "shop:offline-sale"),
    (_("Conflicts to resolve"), "agency:offline-conflicts"),
)
