from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from gov_services.requests.services.figures import request_figures_listen
        from reports.rollups import request_rollups_refresh
        from reports.selectors.aggregates import register_sqlite_functions
        from reports.selectors.operations import operations_register

        # PercentileCont on SQLite: a Python aggregate on every new connection (PostgreSQL has its own).
        connection_created.connect(register_sqlite_functions, dispatch_uid="reports.sqlite_functions")
        operations_register()  # report jobs waiting, a Prometheus gauge (core/metrics.py)
        # The daily request rollups recount in the transaction of every service that changes a request.
        request_figures_listen(request_rollups_refresh)
