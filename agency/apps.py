from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgencyConfig(AppConfig):
    name = "agency"
    verbose_name = _("Station till")

    def ready(self):
        from agency.attention import SOURCES
        from agency.selectors_operations import operations_register
        from stations.attention import register_attention

        for source in SOURCES:
            register_attention(source)
        operations_register()  # the till's Prometheus gauge (core/metrics.py)

        from django.db.models.signals import post_migrate

        from agency.chart import chart_cache_clear

        # `flush` (and so a transactional test's teardown) empties the tables and then sends post_migrate.
        post_migrate.connect(chart_cache_clear, dispatch_uid="agency_chart_cache_clear")

        from agency.selectors import ledger_restore_problems
        from core.restore_checks import register_restore_check

        register_restore_check("ledger", ledger_restore_problems)
