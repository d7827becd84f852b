from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEvent


def audit_event_record(*, actor, action: str, target: models.Model, data: dict | None = None) -> AuditEvent:
    """Record a state change; call inside the service's transaction so both land or neither."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        data=data or {},
    )


def audit_events_for(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")
