from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def department_posts(user_id: int) -> list:
    """The user's department posts in force today, for stations.scope (one query): a membership ended
    today gives no post on the officer's next request."""
    from gov_services.models import DepartmentMembership
    from stations.scope import DepartmentPost

    rows = DepartmentMembership.objects.active().filter(user_id=user_id).order_by("pk").values_list(
        "department_id", "is_head", "department__region__path")
    return [DepartmentPost(department_id, is_head, path) for department_id, is_head, path in rows]


class GovServicesConfig(AppConfig):
    name = "gov_services"
    verbose_name = _("Government services")

    def ready(self):
        from gov_services import checks, notifications  # noqa: F401 (the system checks; the SMS purposes)
        from gov_services.attention import SOURCES
        from gov_services.health import operations_register
        from stations.attention import register_attention
        from stations.scope import register_posts

        register_posts("departments", department_posts)
        operations_register()  # readiness checks and Prometheus gauges (core/health.py, core/metrics.py)
        from core.restore_checks import register_restore_check
        from gov_services.certificates.selectors import certificate_restore_problems

        register_restore_check("certificates", certificate_restore_problems)

        from core.audit_chain import chain_register
        from gov_services.requests.event_chain import REQUEST_EVENTS

        chain_register(REQUEST_EVENTS)

        from core.retention import register_retention_rule
        from gov_services.requests.retention import RULES as RETENTION_RULES

        for rule in RETENTION_RULES:
            register_retention_rule(rule)

        from core.personal_data_requests import register_export_section
        from gov_services.requests.personal_data import SECTION

        register_export_section(SECTION)
        for source in SOURCES:
            register_attention(source)
