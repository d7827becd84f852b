"""SMS: the one module that knows about gateways.

Two ways to send:

* `sms_enqueue` — what services call. It writes a row to the outbox (SmsOutboxMessage) inside the
  caller's transaction and hands it to Celery once that transaction commits; the task retries with
  exponential back-off and records the outcome on the row. It never raises into the caller.
  The caller stamps the row with the region it is about (who may read it on the outbox screen) and
  names the one-time secrets in the text (a pick-up code): the row keeps the text with them masked,
  and the clear text encrypted (Fernet, a key derived from SECRET_KEY; SECRET_KEY_FALLBACKS still
  open it after a rotation) only until the gateway has taken it.
* `sms_enqueue_many` — the same for many messages at once (the supervision sweep's digests): one
  INSERT per thousand rows in the caller's transaction and, after commit, one Celery task per
  SMS_BATCH_SIZE messages (`sms_outbox_send_batch`). Each message is handed out with the number of
  attempts it had; a delivery claims a row only while that number is unchanged, so a batch delivered
  twice (a broker redelivery, the redispatch of a batch that waited long in the queue, a retry) never
  sends a message twice: the row's status, attempts and sent_at say what was sent.
* `sms_send` — immediate, for the one case where the person is waiting and must see a failure at once
  (the sign-up verification code, which must also never be stored in clear, so it skips the outbox).

Backends are chosen by the SMS_BACKEND setting (a dotted path):

* `core.sms.ConsoleBackend` — the embedded default: logs the message, nothing leaves the machine.
* `core.sms.OutboxBackend` — tests: sends nothing; the outbox row is the whole record.
* `core.sms.HttpGatewayBackend` — a JSON-over-HTTPS gateway of the kind Chinese SMS providers offer
  (signed request, a sign name (短信签名) registered with the carrier, a reply carrying a code and
  a message id), configured by the SMS_HTTP_* settings.

A backend's `send` returns the gateway's message id, raises SmsTransientError when trying again
later may help (timeout, 5xx, throttling) and SmsRejectedError when it cannot (invalid number,
bad credentials): rejected messages fail at once instead of burning retries.
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import SmsOutboxMessage

logger = logging.getLogger("cunzhan.sms")

# Retries after the first attempt; with a broker, Celery spaces them 30 s, 1, 2, 4, 8, 16 min
# apart (capped at 30, jittered): a gateway outage of half an hour still gets the message out.
SMS_MAX_RETRIES = 6
MAX_TEXT_LENGTH = 500  # gateways split long texts into 67-character parts and refuse beyond ~500
ERROR_LENGTH = 1000
# Messages per Celery task when many are queued at once (sms_enqueue_many, the redispatch).
SMS_BATCH_SIZE = 200
# A row claimed by a delivery that has not finished after this long is taken over (its worker died):
# longer than the gateway's timeout and the longest back-off between retries.
SMS_CLAIM_LEASE = timedelta(hours=1)


class SmsError(Exception):
    """Sending failed."""


class SmsTransientError(SmsError):
    """Sending failed in a way that may pass: try again later."""


class SmsRejectedError(SmsError):
    """The gateway refused the message for good: trying again sends nothing."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


@dataclass(frozen=True)
class OutgoingSms:
    """One message for sms_enqueue_many (no secrets: those go through sms_enqueue)."""

    phone: str
    text: str
    purpose: str
    reference: str = ""
    region_path: str = ""


class BaseBackend:
    def send(self, message: SmsMessage) -> str:
        """Send and return the gateway's message id; raise on failure so the caller can retry."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: SmsMessage) -> str:
        logger.info("SMS to %s: %s", message.phone, message.text)
        return f"console-{uuid.uuid4().hex[:16]}"


class OutboxBackend(BaseBackend):
    """Sends nothing: the outbox row is the record (tests, and a training installation)."""

    def send(self, message: SmsMessage) -> str:
        return f"outbox-{uuid.uuid4().hex[:16]}"


# Gateway reply codes that no retry can cure. Anything else that is not "OK" (throttling,
# "system busy", an empty balance the county can top up) is worth another try later.
GATEWAY_PERMANENT_CODES = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.INVALID_PARAMETERS",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_CONTENT_ILLEGAL",
    "isv.BLACK_KEY_CONTROL_LIMIT",
    "isv.ACCOUNT_NOT_EXISTS",
    "isv.ACCOUNT_ABNORMAL",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
})


def gateway_signature(*, fields: dict[str, str], key: str) -> str:
    """HMAC-SHA256 over the fields sorted by name as `name=value&…`, base64 — what the gateway checks."""
    canonical = "&".join(f"{name}={fields[name]}" for name in sorted(fields))
    return base64.b64encode(hmac.new(key.encode(), canonical.encode(), hashlib.sha256).digest()).decode()


class HttpGatewayBackend(BaseBackend):
    """POST one signed JSON request per message; the reply is {"Code": "OK", "BizId": …, "Message": …}."""

    def __init__(self) -> None:
        self.url = settings.SMS_HTTP_URL
        self.account = settings.SMS_HTTP_ACCOUNT
        self.key = settings.SMS_HTTP_KEY
        self.sign_name = settings.SMS_HTTP_SIGN_NAME
        self.timeout = settings.SMS_HTTP_TIMEOUT

    def request_body(self, message: SmsMessage) -> dict[str, str]:
        fields = {
            "AccessKeyId": self.account,
            "PhoneNumbers": message.phone,
            "SignName": self.sign_name,
            "Content": message.text,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "SignatureNonce": uuid.uuid4().hex,
        }
        return {**fields, "Signature": gateway_signature(fields=fields, key=self.key)}

    def send(self, message: SmsMessage) -> str:
        if not (self.url and self.account and self.key):
            raise SmsRejectedError("SMS_HTTP_URL, SMS_HTTP_ACCOUNT and SMS_HTTP_KEY must be set")
        status, raw = self.post(json.dumps(self.request_body(message), ensure_ascii=False).encode())
        return self.parse_reply(status, raw)

    def post(self, body: bytes) -> tuple[int, bytes]:
        """The transport: one HTTP POST; network trouble is transient."""
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8",
                                                  "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            raise SmsTransientError(f"gateway unreachable: {error}") from error

    @staticmethod
    def parse_reply(status: int, raw: bytes) -> str:
        try:
            reply = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            reply = None
        if not isinstance(reply, dict):
            raise SmsTransientError(f"gateway answered HTTP {status} without a JSON reply")
        code = str(reply.get("Code", ""))
        if status == 200 and code == "OK":
            return str(reply.get("BizId", ""))
        detail = f"gateway code {code or '-'} (HTTP {status}): {reply.get('Message', '')}"
        if code in GATEWAY_PERMANENT_CODES:
            raise SmsRejectedError(detail)
        raise SmsTransientError(detail)


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, phone: str, text: str) -> str:
    """Send now, bypassing the outbox; raises on failure. Only for codes the person is waiting for."""
    return get_backend().send(SmsMessage(phone=phone, text=text))


# --- the outbox --------------------------------------------------------------------------------

SECRET_MASK = "******"


def _fernet() -> MultiFernet:
    """Fernet keys derived from SECRET_KEY (and its fallbacks, so that a rotation opens older rows)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"cunzhan-sms-outbox|" + s.encode()).digest()))
                        for s in secrets])


def outbox_seal(text: str) -> str:
    """The text encrypted for the outbox row (also used by the migration that sealed older rows)."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def _unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, SECRET_MASK)
    return text


class _Dispatch:
    """The on-commit hook that hands one outbox row to Celery.

    It carries its (purpose, reference, phone) key so that sms_enqueue can see, in the connection's
    pending on-commit hooks, whether this transaction has already queued the same message. Django
    drops those hooks on rollback (also of a savepoint), exactly when the row itself disappears.
    """

    def __init__(self, message_id: int, key: tuple[str, str, str]) -> None:
        self.message_id = message_id
        self.key = key

    def __call__(self) -> None:
        sms_dispatch(message_id=self.message_id)


def sms_dispatch(*, message_id: int) -> None:
    """Hand a queued row to Celery. A broker that is down leaves it queued for sms_outbox_redispatch."""
    from core.tasks import sms_outbox_send  # the task module imports this one

    try:
        if sms_outbox_send.app.conf.task_always_eager:
            _deliver_inline(message_id)
        else:
            sms_outbox_send.delay(message_id)
    except Exception:  # never let a broker failure reach the request that triggered the message
        logger.exception("SMS %s could not be handed to Celery; it stays queued", message_id)


def sms_dispatch_batch(*, tokens: Sequence[tuple[int, int]]) -> None:
    """Hand Celery one task for these (message id, attempts when handed out) pairs; without a broker,
    deliver them now. A broker that is down leaves them queued for sms_outbox_redispatch."""
    from core.tasks import sms_outbox_send_batch  # the task module imports this one

    tokens = [(int(message_id), int(attempts)) for message_id, attempts in tokens]
    if not tokens:
        return
    try:
        if sms_outbox_send_batch.app.conf.task_always_eager:
            _deliver_batch_inline(tokens)
        else:
            sms_outbox_send_batch.delay([list(token) for token in tokens])
    except Exception:
        logger.exception("%s SMS could not be handed to Celery; they stay queued", len(tokens))


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


def sms_enqueue(*, phone: str, text: str, purpose: str, reference: str = "", region_path: str = "",
                secrets: Iterable[str] = ()) -> None:
    """Record the message in the outbox and send it through Celery after the current transaction commits.

    `region_path` is the Region path of the place the message is about (who may read it); `secrets` are
    one-time values in `text` (a pick-up code) that the outbox keeps only masked, and encrypted until sent.
    Never raises into the caller's business flow: a failure to even queue is logged and dropped.
    The same (purpose, reference, phone) queued twice inside one transaction is queued once.
    """
    phone = (phone or "").strip()
    if not phone:
        return
    key = (purpose, reference, phone)
    try:
        if _queued_in_this_transaction(key):
            return
        text = text[:MAX_TEXT_LENGTH]
        secrets = [secret for secret in secrets if secret]
        with transaction.atomic():  # a savepoint: a failed insert must not poison the caller's transaction
            message = SmsOutboxMessage.objects.create(
                phone=phone[:20], text=mask_secrets(text, secrets), sealed_text=outbox_seal(text) if secrets else "",
                purpose=purpose[:40], reference=reference[:64], region_path=region_path[:64])
        transaction.on_commit(_Dispatch(message.pk, key))
    except Exception:
        logger.exception("SMS %s/%s to %s could not be queued", purpose, reference, phone)


def sms_enqueue_many(messages: Iterable[OutgoingSms]) -> int:
    """Record many messages in the outbox in the caller's transaction (bulk INSERTs) and, once it commits,
    hand them to Celery one task per SMS_BATCH_SIZE messages. Each (purpose, reference, phone) once;
    messages without a number are skipped. Never raises into the caller (a failure to queue is logged
    and the caller's transaction goes on). Returns how many rows were queued."""
    rows: dict[tuple[str, str, str], SmsOutboxMessage] = {}
    for message in messages:
        phone = (message.phone or "").strip()
        key = (message.purpose, message.reference, phone)
        if not phone or key in rows:
            continue
        rows[key] = SmsOutboxMessage(phone=phone[:20], text=message.text[:MAX_TEXT_LENGTH],
                                     purpose=message.purpose[:40], reference=message.reference[:64],
                                     region_path=message.region_path[:64])
    if not rows:
        return 0
    try:
        with transaction.atomic():  # a savepoint: a failed insert must not poison the caller's transaction
            created = SmsOutboxMessage.objects.bulk_create(list(rows.values()), batch_size=1000)
    except Exception:
        logger.exception("%s SMS could not be queued", len(rows))
        return 0
    ids = [message.pk for message in created]
    for chunk in _chunks(ids, SMS_BATCH_SIZE):
        transaction.on_commit(partial(sms_dispatch_batch, tokens=[(message_id, 0) for message_id in chunk]))
    return len(ids)


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
    for message_id, attempts in tokens:
        try:
            if message_id in claimed:
                _attempt(claimed[message_id], last_attempt=last_attempt)
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


def _attempt(message: SmsOutboxMessage, *, last_attempt: bool) -> None:
    """Send a claimed row and record the outcome (see sms_outbox_deliver)."""
    try:
        text = _unseal(message.sealed_text) if message.sealed_text else message.text
    except InvalidToken:
        _record_failure(message, SmsRejectedError("the sealed text cannot be opened with the current SECRET_KEY "
                                                  "or its fallbacks"), final=True)
        return
    try:
        gateway_id = get_backend().send(SmsMessage(phone=message.phone, text=text))
    except SmsRejectedError as error:
        _record_failure(message, error, final=True)
        return
    except Exception as error:  # timeouts, 5xx, a bug in a backend: all worth another try
        _record_failure(message, error, final=last_attempt)
        if last_attempt:
            return
        raise SmsTransientError(str(error)) from error
    # The secret has done its work: the clear text is wiped, only the masked one stays.
    SmsOutboxMessage.objects.filter(pk=message.pk).update(
        status=SmsOutboxMessage.Status.SENT, gateway_id=gateway_id[:100], sent_at=timezone.now(), last_error="",
        sealed_text="")


def _record_failure(message: SmsOutboxMessage, error: Exception, *, final: bool) -> None:
    changes = {"last_error": f"{error.__class__.__name__}: {error}"[:ERROR_LENGTH]}
    if final:
        changes["status"] = SmsOutboxMessage.Status.FAILED
        logger.warning("SMS %s to %s failed for good: %s", message.pk, message.phone, error)
    SmsOutboxMessage.objects.filter(pk=message.pk).update(**changes)


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
        transaction.on_commit(_Dispatch(locked.pk, (locked.purpose, locked.reference, locked.phone)))
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


def sms_outbox_list(*, rows=None, status: str | None = None, purpose: str | None = None, date_from=None,
                    date_to=None, query: str | None = None):
    """Outbox rows (`rows`, or all), newest first, narrowed by the filters given (dates are local days)."""
    rows = SmsOutboxMessage.objects.all() if rows is None else rows
    if status:
        rows = rows.filter(status=status)
    if purpose:
        rows = rows.filter(purpose=purpose)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    if query:
        query = query.strip().replace("-", "").upper()
        rows = rows.filter(Q(phone__startswith=query) | Q(reference__startswith=query))
    return rows


def sms_outbox_purposes(*, rows=None) -> list[str]:
    rows = SmsOutboxMessage.objects.all() if rows is None else rows
    return list(rows.order_by("purpose").values_list("purpose", flat=True).distinct())
