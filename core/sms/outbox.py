"""The outbox: messages queued in the caller's transaction and handed to Celery after it commits
(sms_enqueue, sms_enqueue_many), sent at once for a person who is waiting (sms_send), retried, handed over
again when a hand-off was lost, and read for the outbox screen."""

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.handoff import hand_off
from core.models import SmsOutboxMessage
from core.sms.backends import SmsLimitError, SmsRejectedError, SmsTransientError, get_backend
from core.sms.delivery import (
    SMS_CLAIM_LEASE,
    record_failure,
    sms_message_for,
    sms_outbox_deliver,
    sms_outbox_deliver_batch,
)
from core.sms.purposes import SmsPurpose, sms_daily_limit, sms_purpose
from core.sms.sealing import SECRET_MASK, mask_secrets, outbox_seal
from core.sms.templates import TemplateChoice, sms_render, sms_template_resolve

logger = logging.getLogger("cunzhan.sms")

# Retries after the first attempt; with a broker, Celery spaces them 30 s, 1, 2, 4, 8, 16 min
# apart (capped at 30, jittered): a gateway outage of half an hour still gets the message out.
SMS_MAX_RETRIES = 6
MAX_TEXT_LENGTH = 500  # gateways split long texts into 67-character parts and refuse beyond ~500
# Messages per Celery task when many are queued at once (sms_enqueue_many, the redispatch).
SMS_BATCH_SIZE = 200


@dataclass(frozen=True)
class OutgoingSms:
    """One message for sms_enqueue_many (no secrets: those go through sms_enqueue)."""

    phone: str
    purpose: str
    params: Mapping[str, object]
    reference: str = ""
    region_path: str = ""

def _clean_params(spec: SmsPurpose, params: Mapping[str, object]) -> dict[str, str]:
    unknown = set(params) - set(spec.params)
    missing = set(spec.params) - set(params)
    if unknown or missing:
        raise ValueError(f"SMS purpose {spec.key!r} takes {spec.params}; got {sorted(params)}")
    return {name: "" if params[name] is None else str(params[name]) for name in spec.params}


def _mask_params(params: Mapping[str, str], secrets: Sequence[str], secret_params: Sequence[str]) -> dict[str, str]:
    return {name: SECRET_MASK if name in secret_params and value else mask_secrets(value, secrets)
            for name, value in params.items()}

class _Dispatch:
    """The on-commit hook that hands one outbox row to Celery.

    It carries its (purpose, reference, phone) key so that sms_enqueue can see, in the connection's
    pending on-commit hooks, whether this transaction has already queued the same message. Django
    drops those hooks on rollback (also of a savepoint), exactly when the row itself disappears.
    """

    def __init__(self, message_id: int, key: tuple[str, str, str], attempts: int = 0) -> None:
        self.message_id = message_id
        self.key = key
        self.attempts = attempts

    def __call__(self) -> None:
        sms_dispatch(message_id=self.message_id, attempts=self.attempts)


def sms_dispatch(*, message_id: int, attempts: int | None = None) -> None:
    """Hand a queued row to Celery with the attempts it has now (see _claim: a delivery that finds them
    moved on leaves the row to the one that claimed it). A broker that is down leaves it queued for
    sms_outbox_redispatch."""
    from core.tasks import sms_outbox_send  # the task module imports this one

    if not sms_outbox_send.app.conf.task_always_eager:
        hand_off(sms_outbox_send, args=(message_id, attempts), what=f"SMS {message_id}")
        return
    try:
        _deliver_inline(message_id)
    except Exception:  # never let a failure reach the request that triggered the message
        logger.exception("SMS %s could not be sent; it stays queued", message_id)


def sms_dispatch_batch(*, tokens: Sequence[tuple[int, int]]) -> None:
    """Hand Celery one task for these (message id, attempts when handed out) pairs; without a broker,
    deliver them now. A broker that is down leaves them queued for sms_outbox_redispatch."""
    from core.tasks import sms_outbox_send_batch  # the task module imports this one

    tokens = [(int(message_id), int(attempts)) for message_id, attempts in tokens]
    if not tokens:
        return
    if not sms_outbox_send_batch.app.conf.task_always_eager:
        hand_off(sms_outbox_send_batch, args=([list(token) for token in tokens],), what=f"{len(tokens)} SMS")
        return
    try:
        _deliver_batch_inline(tokens)
    except Exception:
        logger.exception("%s SMS could not be sent; they stay queued", len(tokens))


def _deliver_batch_inline(tokens: list[tuple[int, int]]) -> None:
    """sms_outbox_send_batch without a broker: the failed ones are tried again at once, up to
    SMS_MAX_RETRIES more times (as _deliver_inline does for one message)."""
    for attempt in range(SMS_MAX_RETRIES + 1):
        tokens = sms_outbox_deliver_batch(tokens=tokens, last_attempt=attempt == SMS_MAX_RETRIES)
        if not tokens:
            return


def _chunks(items: Sequence, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _deliver_inline(message_id: int) -> None:
    """Without a broker (the embedded demo, tests) there is nobody to wait for a back-off: try up to
    SMS_MAX_RETRIES more times at once. Eager Celery cannot do this itself while it propagates errors."""
    for attempt in range(SMS_MAX_RETRIES + 1):
        try:
            sms_outbox_deliver(message_id=message_id, last_attempt=attempt == SMS_MAX_RETRIES)
            return
        except SmsTransientError:
            continue


def _queued_in_this_transaction(key: tuple[str, str, str]) -> bool:
    if not connection.in_atomic_block:
        return False
    return any(isinstance(hook, _Dispatch) and hook.key == key
               for _savepoints, hook, *_rest in connection.run_on_commit)


def _day_start():
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time.min))


def _sent_today(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many messages (not refused) each (phone, purpose) got since local midnight."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = (SmsOutboxMessage.objects.filter(created_at__gte=_day_start(), phone__in={p for p, _k in pairs},
                                            purpose__in={k for _p, k in pairs})
            .exclude(status=SmsOutboxMessage.Status.REFUSED)
            .order_by().values_list("phone", "purpose").annotate(n=Count("pk")))
    return {(phone, purpose): n for phone, purpose, n in rows}


def _limit_error(purpose: str, limit: int) -> str:
    return f"daily limit: {limit} {purpose} messages per number per day"


def _new_row(*, phone: str, purpose: str, params: dict[str, str], reference: str, region_path: str,
             secrets: Sequence[str], template: TemplateChoice | None, seal: bool) -> SmsOutboxMessage:
    spec = sms_purpose(purpose)
    masked = _mask_params(params, secrets, spec.secret_params)
    text = sms_render(purpose=purpose, params=masked, template=template)[:MAX_TEXT_LENGTH]
    sealed = outbox_seal(json.dumps({"params": params}, ensure_ascii=False)) if seal and masked != params else ""
    return SmsOutboxMessage(
        phone=phone[:20], text=text, params=masked, sealed_text=sealed, purpose=purpose[:40],
        reference=reference[:64], region_path=region_path[:64],
        template_code=(template.template_code if template else "")[:64],
        sign_name=(template.sign_name if template else "")[:30])


def sms_enqueue(*, phone: str, purpose: str, params: Mapping[str, object], reference: str = "",
                region_path: str = "", secrets: Iterable[str] = ()) -> SmsOutboxMessage | None:
    """Record the message in the outbox and send it through Celery after the current transaction commits.

    `params` are the purpose's parameters (every one, nothing else: ValueError otherwise); `region_path`
    is the Region path of the place the message is about (its county's template; who may read it);
    `secrets` are one-time values among the parameters (a pick-up code, a link's token) that the outbox
    keeps only masked, and encrypted until sent. Beyond the purpose's daily limit for the number the row
    is recorded as refused and nothing is sent. Never raises into the caller's business flow otherwise:
    a failure to even queue is logged and dropped. The same (purpose, reference, phone) queued twice
    inside one transaction is queued once. Returns the row (None when nothing was recorded).
    """
    spec = sms_purpose(purpose)
    clean = _clean_params(spec, params)
    phone = (phone or "").strip()
    if not phone:
        return None
    key = (purpose, reference, phone)
    try:
        if _queued_in_this_transaction(key):
            return None
        secrets = [secret for secret in secrets if secret]
        with transaction.atomic():  # a savepoint: a failed insert must not poison the caller's transaction
            template = sms_template_resolve(purpose=purpose, region_path=region_path)
            row = _new_row(phone=phone, purpose=purpose, params=clean, reference=reference, region_path=region_path,
                           secrets=secrets, template=template, seal=True)
            limit = sms_daily_limit(purpose)
            if limit is not None and _sent_today([(row.phone, purpose)]).get((row.phone, purpose), 0) >= limit:
                row.status, row.last_error, row.sealed_text = (SmsOutboxMessage.Status.REFUSED,
                                                               _limit_error(purpose, limit), "")
            elif template is None:
                row.status, row.sealed_text = SmsOutboxMessage.Status.FAILED, ""
                row.last_error = f"no approved template for {purpose} at {region_path or 'the platform'}"
            row.save(force_insert=True)
        if row.status == SmsOutboxMessage.Status.QUEUED:
            transaction.on_commit(_Dispatch(row.pk, key))
        else:
            logger.warning("SMS %s/%s to %s not sent: %s", purpose, reference, phone, row.last_error)
        return row
    except Exception:
        logger.exception("SMS %s/%s to %s could not be queued", purpose, reference, phone)
        return None


def sms_enqueue_many(messages: Iterable[OutgoingSms]) -> int:
    """Record many messages in the outbox in the caller's transaction (bulk INSERTs) and, once it commits,
    hand them to Celery one task per SMS_BATCH_SIZE messages. Each (purpose, reference, phone) once;
    messages without a number are skipped, those beyond their daily limit recorded as refused. Never raises
    into the caller (a failure to queue is logged and the caller's transaction goes on), except ValueError
    for an undeclared purpose or parameters. Returns how many rows were queued."""
    wanted: dict[tuple[str, str, str], tuple[OutgoingSms, dict[str, str]]] = {}
    for message in messages:
        clean = _clean_params(sms_purpose(message.purpose), message.params)
        phone = (message.phone or "").strip()
        key = (message.purpose, message.reference, phone)
        if phone and key not in wanted:
            wanted[key] = (message, clean)
    if not wanted:
        return 0
    try:
        with transaction.atomic():  # a savepoint: a failed insert must not poison the caller's transaction
            counts = _sent_today((phone[:20], purpose) for purpose, _r, phone in wanted
                                 if sms_daily_limit(purpose) is not None)
            templates: dict[tuple[str, str], TemplateChoice | None] = {}
            rows = []
            for (purpose, reference, phone), (message, clean) in wanted.items():
                place = (purpose, message.region_path)
                if place not in templates:
                    templates[place] = sms_template_resolve(purpose=purpose, region_path=message.region_path)
                row = _new_row(phone=phone, purpose=purpose, params=clean, reference=reference,
                               region_path=message.region_path, secrets=(), template=templates[place], seal=False)
                limit = sms_daily_limit(purpose)
                sent = counts.get((row.phone, purpose), 0)
                if limit is not None and sent >= limit:
                    row.status, row.last_error = SmsOutboxMessage.Status.REFUSED, _limit_error(purpose, limit)
                elif templates[place] is None:
                    row.status = SmsOutboxMessage.Status.FAILED
                    row.last_error = f"no approved template for {purpose} at {message.region_path or 'the platform'}"
                else:
                    counts[(row.phone, purpose)] = sent + 1
                rows.append(row)
            created = SmsOutboxMessage.objects.bulk_create(rows, batch_size=1000)
    except Exception:
        logger.exception("%s SMS could not be queued", len(wanted))
        return 0
    ids = [row.pk for row in created if row.status == SmsOutboxMessage.Status.QUEUED]
    for chunk in _chunks(ids, SMS_BATCH_SIZE):
        transaction.on_commit(partial(sms_dispatch_batch, tokens=[(message_id, 0) for message_id in chunk]))
    return len(ids)


def sms_send(*, phone: str, purpose: str, params: Mapping[str, object], region_path: str = "") -> SmsOutboxMessage:
    """Send now, bypassing Celery: only for codes the person is waiting for. The outbox row is written
    with the secret parameters masked and nothing sealed, and says how it went. Raises SmsLimitError
    beyond the purpose's daily limit (the row says refused), SmsError (or the backend's error) when
    sending failed."""
    spec = sms_purpose(purpose)
    clean = _clean_params(spec, params)
    phone = (phone or "").strip()
    template = sms_template_resolve(purpose=purpose, region_path=region_path)
    row = _new_row(phone=phone, purpose=purpose, params=clean, reference="", region_path=region_path, secrets=(),
                   template=template, seal=False)
    limit = sms_daily_limit(purpose)
    if limit is not None and _sent_today([(row.phone, purpose)]).get((row.phone, purpose), 0) >= limit:
        row.status, row.last_error = SmsOutboxMessage.Status.REFUSED, _limit_error(purpose, limit)
        row.save(force_insert=True)
        raise SmsLimitError(row.last_error)
    row.attempts, row.last_attempt_at = 1, timezone.now()
    if template is None:
        row.status = SmsOutboxMessage.Status.FAILED
        row.last_error = f"no approved template for {purpose}"
        row.save(force_insert=True)
        raise SmsRejectedError(row.last_error)
    row.save(force_insert=True)
    try:
        gateway_id = get_backend().send(sms_message_for(row.phone, purpose, clean, template))
    except Exception as error:
        record_failure(row, error, final=True)
        raise
    SmsOutboxMessage.objects.filter(pk=row.pk).update(status=SmsOutboxMessage.Status.SENT, gateway_id=gateway_id[:100],
                                                      sent_at=timezone.now())
    return row

def sms_outbox_retry(*, user, message: SmsOutboxMessage) -> SmsOutboxMessage:
    """Queue a failed message again (an admin of its region fixed the gateway or the number); audited."""
    with transaction.atomic():
        locked = SmsOutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != SmsOutboxMessage.Status.FAILED:
            raise ValidationError(_("Only a failed message can be sent again."), code="not_failed")
        locked.status = SmsOutboxMessage.Status.QUEUED
        locked.save(update_fields=["status"])
        audit_event_record(actor=user, action="sms.retry", target=locked,
                           data={"attempts": locked.attempts, "last_error": locked.last_error})
        transaction.on_commit(_Dispatch(locked.pk, (locked.purpose, locked.reference, locked.phone), locked.attempts))
    return locked


def sms_outbox_redispatch(*, older_than_minutes: int = 10) -> int:
    """Hand Celery again the rows queued long ago and never tried (their hand-off was lost), and those
    whose delivery claimed them longer than SMS_CLAIM_LEASE ago and never finished (its worker died), in
    batches; count them. A row whose first hand-off is merely slow is claimed by one of the two only."""
    now = timezone.now()
    stale = list(SmsOutboxMessage.objects.filter(
        Q(attempts=0, created_at__lt=now - timedelta(minutes=older_than_minutes))
        | Q(attempts__gt=0, last_attempt_at__lt=now - SMS_CLAIM_LEASE),
        status=SmsOutboxMessage.Status.QUEUED,
    ).order_by("pk").values_list("pk", "attempts")[:1000])
    for chunk in _chunks(stale, SMS_BATCH_SIZE):
        sms_dispatch_batch(tokens=chunk)
    return len(stale)

# --- reads for the outbox screen (who may see it is the caller's business: pass `rows` in scope) ----


def sms_outbox_purposes(*, rows=None) -> list[str]:
    rows = SmsOutboxMessage.objects.all() if rows is None else rows
    return list(rows.order_by("purpose").values_list("purpose", flat=True).distinct())
