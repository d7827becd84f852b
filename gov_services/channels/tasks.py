"""Celery: send a webhook delivery, retried with exponential back-off (30 s doubling, at most an hour,
jittered) until the receiver answers 2xx; after WEBHOOK_MAX_RETRIES the row is marked failed and waits
on the outbox screen (/county/webhooks/) for an admin to replay it."""

from celery import shared_task

from gov_services.channels.services import webhook_deliveries_redispatch, webhook_delivery_attempt

WEBHOOK_MAX_RETRIES = 8


class WebhookNotDelivered(Exception):
    """The receiver could not be reached or did not answer 2xx: try again later."""


@shared_task(bind=True, autoretry_for=(WebhookNotDelivered,), max_retries=WEBHOOK_MAX_RETRIES, retry_backoff=30,
             retry_backoff_max=60 * 60, retry_jitter=True, acks_late=True, ignore_result=True)
def webhook_deliver(self, delivery_id: int, replayed_by: int | None = None) -> None:
    if not webhook_delivery_attempt(delivery_id=delivery_id, replayed_by=replayed_by,
                                    last_attempt=self.request.retries >= self.max_retries):
        raise WebhookNotDelivered(delivery_id)


@shared_task(ignore_result=True)
def webhook_deliveries_redispatch_stale() -> int:
    """Every few minutes: deliveries whose first hand-off to Celery was lost."""
    return webhook_deliveries_redispatch()
