"""Sending a queued outbox row: claim it (a delivery handed out twice sends once), send it through the
backend outside any transaction, record the outcome on the row."""

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.db import connection
from django.utils import timezone

from core.models import SmsOutboxMessage
from core.sms.backends import (
    SmsMessage,
    SmsRejectedError,
    SmsTransientError,
    get_backend,
    sms_gateway_is_real,
)
from core.sms.sealing import outbox_unseal
from core.sms.templates import TemplateChoice, sms_render, sms_template_resolve

logger = logging.getLogger("cunzhan.sms")

ERROR_LENGTH = 1000
# A row claimed by a delivery that has not finished after this long is taken over (its worker died):
# longer than the gateway's timeout and the longest back-off between retries.
SMS_CLAIM_LEASE = timedelta(hours=1)


def sms_message_for(phone: str, purpose: str, params: Mapping[str, str], template: TemplateChoice) -> SmsMessage:
    return SmsMessage(phone=phone, text=sms_render(purpose=purpose, params=params, template=template),
                      purpose=purpose, params=dict(params), template_code=template.template_code,
                      sign_name=template.sign_name, param_names=template.param_names)


def _claim(message_id: int, expected_attempts: int | None = None) -> SmsOutboxMessage | None:
    """Count one attempt on a queued row; None when it is not queued or another worker claimed it first.

    `expected_attempts` is the count the row had when this delivery was handed out: when it has moved
    on, another delivery of the same message claimed it (and is sending it, or has failed and will
    retry it itself), so this one does nothing — unless that claim is older than SMS_CLAIM_LEASE (its
    worker died), when this one takes over."""
    message = SmsOutboxMessage.objects.filter(pk=message_id, status=SmsOutboxMessage.Status.QUEUED).first()
    if message is None:
        return None
    now = timezone.now()
    if (expected_attempts is not None and message.attempts != expected_attempts
            and message.last_attempt_at is not None and message.last_attempt_at > now - SMS_CLAIM_LEASE):
        return None
    claimed = SmsOutboxMessage.objects.filter(
        pk=message_id, status=SmsOutboxMessage.Status.QUEUED, attempts=message.attempts,
    ).update(attempts=message.attempts + 1, last_attempt_at=now)
    if not claimed:
        return None
    message.attempts += 1
    message.last_attempt_at = now
    return message


def _claim_many(tokens: Sequence[tuple[int, int]]) -> dict[int, SmsOutboxMessage]:
    """_claim for a batch in one UPDATE … RETURNING: the queued rows still at the attempt count they were
    handed out with; id → the row as claimed."""
    if not tokens:
        return {}
    table = connection.ops.quote_name(SmsOutboxMessage._meta.db_table)
    now = timezone.now()
    pairs = ", ".join(["(%s, %s)"] * len(tokens))
    sql = (f"UPDATE {table} SET attempts = attempts + 1, last_attempt_at = %s "
           f"WHERE status = %s AND (id, attempts) IN (VALUES {pairs}) RETURNING id")
    params = [connection.ops.adapt_datetimefield_value(now), SmsOutboxMessage.Status.QUEUED.value]
    for message_id, attempts in tokens:
        params += [message_id, attempts]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        claimed = [row[0] for row in cursor.fetchall()]
    return SmsOutboxMessage.objects.in_bulk(claimed)


def sms_outbox_deliver_batch(*, tokens: Sequence[tuple[int, int]], last_attempt: bool) -> list[tuple[int, int]]:
    """One attempt at each (message id, attempts when handed out) of a batch; returns the pairs to try
    again later (transient failures, with their new attempt count). Rows already sent, failed for good
    or claimed by another delivery are skipped, so a batch delivered again sends nothing twice.

    The batch is claimed in one statement; a message it could not claim is looked at alone (sent
    already, or claimed by a delivery whose worker died long ago, which this one takes over)."""
    claimed = _claim_many(tokens)
    again = []
    templates: dict = {}
    for message_id, attempts in tokens:
        try:
            if message_id in claimed:
                _attempt(claimed[message_id], last_attempt=last_attempt, templates=templates)
            else:
                sms_outbox_deliver(message_id=message_id, last_attempt=last_attempt, expected_attempts=attempts)
        except SmsTransientError:
            again.append((message_id, attempts + 1))
    return again


def sms_outbox_deliver(*, message_id: int, last_attempt: bool, expected_attempts: int | None = None) -> None:
    """Make one attempt at a queued message and record the outcome on its row.

    Raises SmsTransientError when the attempt failed in a way worth retrying and it was not the
    last attempt (the Celery task retries it with back-off); otherwise the row ends sent or failed.
    The HTTP call runs outside any transaction: no row lock is held while the gateway thinks.
    """
    message = _claim(message_id, expected_attempts)
    if message is None:
        return
    _attempt(message, last_attempt=last_attempt)


def _attempt(message: SmsOutboxMessage, *, last_attempt: bool, templates: dict | None = None) -> None:
    """Send a claimed row and record the outcome (see sms_outbox_deliver). The template is looked up
    again: a county that changed it since the message was queued sends with the one now approved."""
    try:
        sealed = json.loads(outbox_unseal(message.sealed_text)) if message.sealed_text else None
    except InvalidToken:
        record_failure(message, SmsRejectedError("the sealed parameters cannot be opened with the current "
                                                  "SECRET_KEY or its fallbacks"), final=True)
        return
    except ValueError:  # a row sealed before purposes had parameters: its sealed text is the message
        sealed = None
    if message.sealed_text and not (isinstance(sealed, dict) and "params" in sealed):
        sealed = {"text": outbox_unseal(message.sealed_text)}
    params = sealed["params"] if isinstance(sealed, dict) and "params" in sealed else dict(message.params or {})
    try:
        place = (message.purpose, message.region_path)
        templates = {} if templates is None else templates  # a batch looks each (purpose, region) up once
        if place not in templates:
            templates[place] = sms_template_resolve(purpose=message.purpose, region_path=message.region_path)
        template = templates[place]
        if template is None:
            raise SmsRejectedError(f"no approved template for {message.purpose} at "
                                   f"{message.region_path or 'the platform'}")
        if params or not isinstance(sealed, dict) or "text" not in sealed:
            outgoing = sms_message_for(message.phone, message.purpose, params, template)
        else:
            outgoing = SmsMessage(phone=message.phone, text=sealed["text"], purpose=message.purpose)
    except ValueError:  # a purpose nobody declares any more (a row queued by an older release)
        if sms_gateway_is_real():
            record_failure(message, SmsRejectedError(f"unknown purpose {message.purpose}"), final=True)
            return
        template = None
        outgoing = SmsMessage(phone=message.phone, text=(sealed or {}).get("text", message.text), purpose=message.purpose)
    except SmsRejectedError as error:
        record_failure(message, error, final=True)
        return
    try:
        gateway_id = get_backend().send(outgoing)
    except SmsRejectedError as error:
        record_failure(message, error, final=True)
        return
    except Exception as error:  # timeouts, 5xx, a bug in a backend: all worth another try
        record_failure(message, error, final=last_attempt)
        if last_attempt:
            return
        raise SmsTransientError(str(error)) from error
    # The secret has done its work: the clear parameters are wiped, only the masked ones stay.
    changes = {"status": SmsOutboxMessage.Status.SENT, "gateway_id": gateway_id[:100], "sent_at": timezone.now(),
               "last_error": "", "sealed_text": ""}
    if template is not None:
        changes.update(template_code=template.template_code[:64], sign_name=template.sign_name[:30])
    SmsOutboxMessage.objects.filter(pk=message.pk).update(**changes)


def record_failure(message: SmsOutboxMessage, error: Exception, *, final: bool) -> None:
    changes = {"last_error": f"{error.__class__.__name__}: {error}"[:ERROR_LENGTH]}
    if final:
        changes["status"] = SmsOutboxMessage.Status.FAILED
        logger.warning("SMS %s to %s failed for good: %s", message.pk, message.phone, error)
    SmsOutboxMessage.objects.filter(pk=message.pk).update(**changes)
