from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    """The operator's visit screen (/counter/visits/): one resident, their concerns across every app, and
    the errands of one sitting ending in one receipt. Top layer: it reads gov_services', shop's and
    agency's selectors and writes only through agency's visit services; it owns no models."""

    name = "visits"
    verbose_name = _("Visits at the counter")
