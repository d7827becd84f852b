"""Helpers for the stations' services tests: the audit trail as written."""

from core.models import AuditEvent


def actions() -> list[str]:
    """Audit actions in the order they were written."""
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
