from celery import shared_task
from django.core.management import call_command

from core.sms import SMS_MAX_RETRIES, SmsTransientError, sms_outbox_deliver, sms_outbox_redispatch


@shared_task
def clear_expired_sessions() -> None:
    """Nightly housekeeping: a busy counter PC leaves thousands of sessions behind."""
    call_command("clearsessions")


@shared_task(bind=True, autoretry_for=(SmsTransientError,), max_retries=SMS_MAX_RETRIES,
             retry_backoff=30, retry_backoff_max=30 * 60, retry_jitter=True, acks_late=True)
def sms_outbox_send(self, message_id: int) -> None:
    """Try one outbox message; a transient failure raises and Celery retries it with exponential back-off.
    After the last retry the row is marked failed and shows on the outbox screen (/county/sms/)."""
    sms_outbox_deliver(message_id=message_id, last_attempt=self.request.retries >= self.max_retries)


@shared_task
def sms_outbox_redispatch_stale() -> int:
    """Every few minutes: re-hand to Celery messages whose first hand-off was lost (broker down)."""
    return sms_outbox_redispatch()
