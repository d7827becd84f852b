"""Retention of personal data (个人信息保护法 art. 19, 47): what is past its period is deleted or
anonymised by a scheduled job, with a report.

Each app registers the rules for the data it owns (in its AppConfig.ready): a code, a label, a default
period in days and a function that removes or anonymises what is older than a cut-off and returns how
many records it touched (on a dry run: how many it would). The county sets the periods by
PERSONAL_DATA_RETENTION_DAYS (`code=days;…`); the inventory (core/personal_data_inventory.py) says the
same periods in words. `personal_data_retention_run` runs every rule in its own transaction, records a
RetentionRun (the data officer's report at /ops/personal-data/) and an audit event.

core stays at the bottom of the house: it knows the registry, not the apps' rules.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.models import RetentionRun

logger = logging.getLogger(__name__)

# (cut-off, dry_run) → records removed or anonymised (or that would be).
RetentionApply = Callable[[datetime.datetime, bool], int]


@dataclass(frozen=True)
class RetentionRule:
    code: str
    label: str
    default_days: int
    apply: RetentionApply


RULES: dict[str, RetentionRule] = {}


def register_retention_rule(rule: RetentionRule) -> None:
    RULES[rule.code] = rule


def retention_days(rule: RetentionRule) -> int:
    return int(settings.PERSONAL_DATA_RETENTION_DAYS.get(rule.code, rule.default_days))


def retention_rules() -> list[tuple[RetentionRule, int]]:
    """Every rule with the period in force, for the data officer's page."""
    return [(rule, retention_days(rule)) for rule in RULES.values()]


def personal_data_retention_run(*, dry_run: bool = False, now: datetime.datetime | None = None) -> RetentionRun:
    """Apply every rule once. A rule that fails rolls back alone (its error is in the report) so that one
    broken rule does not keep the others' data past its time; the job runs again the next night."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(dry_run=dry_run)
    outcome = {}
    for rule, days in retention_rules():
        cutoff = now - datetime.timedelta(days=days)
        entry = {"days": days, "cutoff": cutoff.isoformat()}
        try:
            with transaction.atomic():
                entry["records"] = rule.apply(cutoff, dry_run)
        except Exception as error:  # reported (and to Sentry), and the other rules still run
            logger.exception("retention rule %s failed", rule.code)
            entry["error"] = f"{error.__class__.__name__}: {error}"[:300]
        outcome[rule.code] = entry
    run.outcome = outcome
    run.finished_at = timezone.now()
    run.save(update_fields=["outcome", "finished_at"])
    if not dry_run:
        audit_event_record(actor=None, action="personal_data.retention_run", target=run, data=outcome)
    return run
