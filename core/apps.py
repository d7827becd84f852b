from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from core import checks  # noqa: F401  registers the system checks
        from core.db_invariants import create_sqlite_triggers, drop_sqlite_triggers

        pre_migrate.connect(drop_sqlite_triggers, sender=self, dispatch_uid="core-drop-sqlite-triggers")
        post_migrate.connect(create_sqlite_triggers, dispatch_uid="core-create-sqlite-triggers")
