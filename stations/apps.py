from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Stations and regions")

    def ready(self):
        from stations.attention import SOURCES, register_attention

        for source in SOURCES:
            register_attention(source)

        from core.retention import register_retention_rule
        from stations.retention import RULES as RETENTION_RULES

        for rule in RETENTION_RULES:
            register_retention_rule(rule)
