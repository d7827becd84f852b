from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs):
    # post_migrate fires once per app; permissions of every app exist only after the last.
    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    if sender is last:
        from accounts.services import role_groups_sync

        role_groups_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        post_migrate.connect(_sync_role_groups, dispatch_uid="accounts.sync_role_groups")
        from accounts import checks, lockout, middleware, phone_codes, user_cache  # noqa: F401  receivers; checks; SMS purposes
        from accounts.personal_data import SECTION
        from core.personal_data_requests import register_export_section

        register_export_section(SECTION)
        from accounts.retention import RULES as RETENTION_RULES
        from core.retention import register_retention_rule

        for rule in RETENTION_RULES:
            register_retention_rule(rule)
