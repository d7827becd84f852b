from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyConfig(AppConfig):
    name = "agency"
    verbose_name = _("Station till")

    def ready(self):
        from agency.attention import SOURCES
        from stations.attention import register_attention

        for source in SOURCES:
            register_attention(source)
