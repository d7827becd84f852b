from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _inventory_sync(**kwargs) -> None:
    from core.personal_data import personal_data_inventory_sync

    personal_data_inventory_sync()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_migrate, pre_migrate
        from PIL import Image

        from core import checks  # noqa: F401  registers the system checks
        from core.db_invariants import create_sqlite_triggers, drop_sqlite_triggers
        from core.logging import logging_signals_connect
        from core.metrics import register_core_gauges

        # Every Pillow in the process (Oscar's thumbnails, Wagtail's renditions, the QR reader) refuses
        # an image of more than twice this many pixels; our own upload checks refuse more than this.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS
        pre_migrate.connect(drop_sqlite_triggers, sender=self, dispatch_uid="core-drop-sqlite-triggers")
        post_migrate.connect(create_sqlite_triggers, dispatch_uid="core-create-sqlite-triggers")
        post_migrate.connect(_inventory_sync, sender=self, dispatch_uid="core-personal-data-inventory")
        register_core_gauges()
        logging_signals_connect()

        from core.audit_chain import audit_chain_restore_problems
        from core.restore_checks import register_restore_check

        register_restore_check("audit chain", audit_chain_restore_problems)

        from core.retention import RetentionRule, register_retention_rule
        from core.sms_retention import SMS_TEXT_DAYS, sms_texts_anonymise

        register_retention_rule(RetentionRule("sms_texts", _("Text messages sent (number masked, text emptied)"),
                                              SMS_TEXT_DAYS, sms_texts_anonymise))
