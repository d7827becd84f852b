import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.core.management import call_command

from core.partitioning.maintenance import partitions_ensure
from core.sms import (
    SMS_MAX_RETRIES,
    SmsTransientError,
    sms_outbox_deliver,
    sms_outbox_deliver_batch,
    sms_outbox_redispatch,
)

# The back-off of the batch task: as sms_outbox_send's (30 s, doubling, at most 30 min, jittered).
SMS_RETRY_BACKOFF, SMS_RETRY_BACKOFF_MAX = 30, 30 * 60

logger = logging.getLogger(__name__)


@shared_task
def clear_expired_sessions() -> None:
    """Nightly housekeeping: a busy counter PC leaves thousands of sessions behind."""
    call_command("clearsessions")


@shared_task(bind=True, autoretry_for=(SmsTransientError,), max_retries=SMS_MAX_RETRIES,
             retry_backoff=30, retry_backoff_max=30 * 60, retry_jitter=True, acks_late=True)
def sms_outbox_send(self, message_id: int, attempts: int | None = None) -> None:
    """Try one outbox message; a transient failure raises and Celery retries it with exponential back-off.
    After the last retry the row is marked failed and shows on the outbox screen (/county/sms/).

    `attempts`: the row's count when it was handed out; each of this task's own tries counts one more.
    Another delivery of the same row (the redispatch of a batch) that claimed it first is left to finish:
    without the count this task would claim the row again while that one sends it, and send it twice.
    (None: a task queued by an earlier release, which claims whatever it finds queued.)"""
    expected = None if attempts is None else attempts + self.request.retries
    sms_outbox_deliver(message_id=message_id, last_attempt=self.request.retries >= self.max_retries,
                       expected_attempts=expected)


@shared_task(bind=True, max_retries=SMS_MAX_RETRIES, acks_late=True, ignore_result=True)
def sms_outbox_send_batch(self, tokens: list[list[int]]) -> None:
    """Try a batch of outbox messages, each given as [message id, attempts when handed out]. The ones
    that failed in a way worth retrying are retried together, with exponential back-off; those sent (or
    claimed by another delivery) are never tried again, so a redelivered batch sends nothing twice."""
    again = sms_outbox_deliver_batch(tokens=[tuple(token) for token in tokens],
                                     last_attempt=self.request.retries >= self.max_retries)
    if again:
        countdown = get_exponential_backoff_interval(SMS_RETRY_BACKOFF, self.request.retries,
                                                     SMS_RETRY_BACKOFF_MAX, full_jitter=True)
        raise self.retry(args=[[list(token) for token in again]], countdown=countdown)


@shared_task
def sms_outbox_redispatch_stale() -> int:
    """Every few minutes: re-hand to Celery messages whose first hand-off was lost (broker down)."""
    return sms_outbox_redispatch()


@shared_task
def db_partitions_ahead() -> dict:
    """Daily: make the coming months' partitions of the month-partitioned tables (PostgreSQL; a no-op on
    SQLite) and log what is old enough to archive and what fell into a default partition. Never drops."""
    reports = partitions_ensure()
    for report in reports:
        if report.created:
            logger.info("partitions created: %s", ", ".join(report.created))
        if report.blocked or report.default_rows:
            logger.warning(
                "%s: %d rows in its default partition; months not created: %s",
                report.table,
                report.default_rows,
                ", ".join(f"{m:%Y-%m}" for m in report.blocked) or "none",
            )
        if report.archivable:
            logger.info(
                "%s: %d partitions older than the retention may be archived: %s",
                report.table,
                len(report.archivable),
                ", ".join(p.name for p in report.archivable),
            )
    return {
        report.table: {
            "created": report.created,
            "default_rows": report.default_rows,
            "blocked": [f"{m:%Y-%m}" for m in report.blocked],
            "archivable": [p.name for p in report.archivable],
        }
        for report in reports
    }


@shared_task
def backup_nightly() -> str:
    """The nightly encrypted backup (core/backup.py); refused, with an error in the log, while
    BACKUP_PASSPHRASE is unset. Returns the backup's folder."""
    from core.backup import backup_create

    return str(backup_create().path)


@shared_task
def audit_chain_seal() -> int:
    """Every minute: link the settled audit events into the hash chain (core/audit_chain.py)."""
    from core.audit_chain import audit_chain_seal as seal

    return seal()


@shared_task(ignore_result=True)
def personal_data_retention() -> None:
    """Nightly: personal data past its period deleted or anonymised (core/retention.py), with a report."""
    from core.retention import personal_data_retention_run

    run = personal_data_retention_run()
    logger.info("personal data retention run", extra={"run": run.pk, "outcome": run.outcome})
