from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reports.selectors.aggregates import register_sqlite_functions

        # PercentileCont on SQLite: a Python aggregate on every new connection (PostgreSQL has its own).
        connection_created.connect(register_sqlite_functions, dispatch_uid="reports.sqlite_functions")
