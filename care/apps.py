from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def care_desk_posts(user_id: int) -> list:
    """The user's care-desk posts in force today, for stations.scope (one query)."""
    from care.models import CareDesk
    from stations.scope import CareDeskPost

    rows = CareDesk.objects.active().filter(user_id=user_id).order_by("pk").values_list("region_id", "region__path")
    return [CareDeskPost(region_id, path) for region_id, path in rows]


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care for vulnerable residents")

    def ready(self):
        from care import notifications  # noqa: F401  declares the care desk's SMS purposes
        from stations.scope import register_posts

        register_posts("care_desks", care_desk_posts)

        from care.retention import RULES as RETENTION_RULES
        from core.retention import register_retention_rule

        for rule in RETENTION_RULES:
            register_retention_rule(rule)
