"""SMS: the one module that decides what is sent, and how (the gateways' adapters are core/sms_gateways.py).

China's SMS gateways (Aliyun SMS, Tencent Cloud SMS) send only templates the carrier approved, with
named parameters, under an approved sign name (短信签名). So every message the platform sends is a
*purpose* (SmsPurpose: `pickup_code`, `request_completed` …), declared once by the app that sends it
with its parameter names and its built-in wording (a gettext string, the zh-hans preview shown on the
screens). A county admin records, per purpose, the template their county had approved (SmsTemplate:
template code, sign name, the approved wording, the variables in the template's order); a row with an
empty region is the platform-wide template (the phone codes, and any county without its own). With a
real gateway configured, a (county, purpose) without an approved template is an error of `manage.py
check` (gov_services/checks.py), not a surprise at send time.

Three ways to send:

* `sms_enqueue` — what services call, with a purpose and its parameters. It writes a row to the outbox
  (SmsOutboxMessage: purpose, parameters, template, and the rendered preview) inside the caller's
  transaction and hands it to Celery once that transaction commits; the task retries with exponential
  back-off and records the outcome on the row. It never raises into the business flow (a purpose or
  parameters that were never declared are a programming error: ValueError).
  The caller stamps the row with the region it is about (which county's template, who may read it on
  the outbox screen) and names the one-time secrets among the parameters (a pick-up code): the row keeps
  them masked, and the clear parameters encrypted (Fernet, a key derived from SECRET_KEY;
  SECRET_KEY_FALLBACKS still open them after a rotation) only until the gateway has taken them.
* `sms_enqueue_many` — the same for many messages at once (the supervision sweep's digests): one
  INSERT per thousand rows in the caller's transaction and, after commit, one Celery task per
  SMS_BATCH_SIZE messages (`sms_outbox_send_batch`). Each message is handed out with the number of
  attempts it had; a delivery claims a row only while that number is unchanged, so a batch delivered
  twice (a broker redelivery, the redispatch of a batch that waited long in the queue, a retry) never
  sends a message twice: the row's status, attempts and sent_at say what was sent.
* `sms_send` — immediate, for the one case where the person is waiting and must see a failure at once
  (the verification codes). Its row is written with the code masked and nothing sealed.

Every purpose has a daily limit per mobile number (SmsPurpose.daily_limit, overridden by the
SMS_DAILY_LIMITS setting): a message beyond it is recorded as refused (status "refused", the reason in
last_error) and never sent.

Backends are chosen by the SMS_BACKEND setting (a dotted path):

* `core.sms.ConsoleBackend` — the embedded default: logs the rendered text, nothing leaves the machine.
* `core.sms.OutboxBackend` — tests: sends nothing; the outbox row is the whole record.
* `core.sms_gateways.AliyunSmsBackend` — Aliyun SMS (dysmsapi 2017-05-25 SendSms) through its official
  SDK; `core.sms_gateways.TencentSmsBackend` — Tencent Cloud SMS (2021-01-11 SendSms) through its
  official SDK. Each talks to the provider, or (endpoint "simulator") to the loopback simulator of
  core/sms_simulator.py, which checks the provider's signature and answers in its shapes.

A backend's `send` returns the gateway's message id (what delivery receipts name), raises
SmsTransientError when trying again later may help (timeout, 5xx, throttling) and SmsRejectedError
when it cannot (invalid number, bad credentials, unapproved template): rejected messages fail at once
instead of burning retries. Receipts (core/sms_receipts.py) record delivered/failed on the row.
"""

import base64
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import audit_event_record
from core.handoff import hand_off
from core.models import SmsOutboxMessage, SmsTemplate

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


class SmsLimitError(SmsError):
    """The purpose's daily limit for this number is reached: the message was recorded as refused."""


# --- purposes and templates ------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsPurpose:
    """One kind of message the platform sends.

    `text` is the built-in wording (a lazy gettext string with %(name)s for each of `params`): what
    the console and the simulator send, and the preview on the screens when the county's template has
    no wording of its own. `secret_params` are always masked in the outbox (one-time codes).
    `daily_limit`: messages of this purpose per mobile number per day (None: no limit; the
    SMS_DAILY_LIMITS setting overrides). `county` is False for messages about no place (the phone
    codes), which use the platform-wide template only."""

    key: str
    label: Promise | str
    text: Promise | str
    params: tuple[str, ...]
    secret_params: tuple[str, ...] = ()
    daily_limit: int | None = None
    county: bool = True


_PURPOSES: dict[str, SmsPurpose] = {}


def sms_purpose_register(purpose: SmsPurpose) -> SmsPurpose:
    """Declare a purpose (apps do it when their notification module is imported, from AppConfig.ready)."""
    known = _PURPOSES.get(purpose.key)
    if known is not None and known != purpose:
        raise ValueError(f"SMS purpose {purpose.key!r} is declared twice, differently")
    _PURPOSES[purpose.key] = purpose
    return purpose


def sms_purpose(key: str) -> SmsPurpose:
    try:
        return _PURPOSES[key]
    except KeyError:
        raise ValueError(f"unknown SMS purpose {key!r}: declare it with sms_purpose_register") from None


def sms_purposes() -> list[SmsPurpose]:
    return sorted(_PURPOSES.values(), key=lambda purpose: purpose.key)


def purpose_label(key: str) -> str:
    purpose = _PURPOSES.get(key)
    return str(purpose.label) if purpose is not None else key


def sms_daily_limit(key: str) -> int | None:
    limits = getattr(settings, "SMS_DAILY_LIMITS", {}) or {}
    if key in limits:
        return limits[key]
    purpose = _PURPOSES.get(key)
    return purpose.daily_limit if purpose is not None else None


@dataclass(frozen=True)
class TemplateChoice:
    """The template a message goes out with: a county's (or the platform's) approved one, or the
    purpose's built-in default (no code: only the console, the outbox and the simulators take that)."""

    purpose: str
    template_code: str
    sign_name: str
    param_names: tuple[str, ...]
    content: str = ""
    region_path: str | None = None  # the SmsTemplate's region; None for the built-in default

    @property
    def builtin(self) -> bool:
        return self.region_path is None


VARIABLE = re.compile(r"\$\{(\w+)\}")


def _builtin_template(purpose: SmsPurpose) -> TemplateChoice:
    return TemplateChoice(purpose=purpose.key, template_code="", sign_name=settings.SMS_DEFAULT_SIGN_NAME,
                          param_names=purpose.params)


def sms_template_resolve(*, purpose: str, region_path: str = "") -> TemplateChoice | None:
    """The approved template for a message of `purpose` about the place at `region_path`: the one of
    the narrowest region holding the place (a county's, else the platform-wide one). Without one, the
    built-in default when the backend is not a real gateway, else None (the message cannot be sent)."""
    spec = sms_purpose(purpose)
    path = region_path if spec.county else ""
    candidates = [row for row in SmsTemplate.objects.filter(purpose=purpose, approved=True)
                  if path.startswith(row.region_path)]
    if candidates:
        row = max(candidates, key=lambda row: len(row.region_path))
        return TemplateChoice(purpose=purpose, template_code=row.template_code, sign_name=row.sign_name,
                              param_names=tuple(row.param_names or spec.params), content=row.content,
                              region_path=row.region_path)
    if sms_gateway_is_real():
        return None
    return _builtin_template(spec)


def sms_render(*, purpose: str, params: Mapping[str, str], template: TemplateChoice | None = None,
               language: str | None = None) -> str:
    """The text a message reads as: the template's approved wording with its ${name} variables filled,
    or the purpose's built-in wording in `language` (the site's language unless told)."""
    spec = sms_purpose(purpose)
    if template is not None and template.content:
        return VARIABLE.sub(lambda match: str(params.get(match.group(1), match.group(0))), template.content)
    with override(language or settings.LANGUAGE_CODE):
        wording = str(spec.text)
    # %(minutes)d: the parameters are text (a gateway's are), so each number is put in as written
    wording = NUMBER_FIELD.sub(r"%(\1)s", wording)
    return wording % {name: params.get(name, "") for name in spec.params}


NUMBER_FIELD = re.compile(r"%\((\w+)\)d")


def _clean_params(spec: SmsPurpose, params: Mapping[str, object]) -> dict[str, str]:
    unknown = set(params) - set(spec.params)
    missing = set(spec.params) - set(params)
    if unknown or missing:
        raise ValueError(f"SMS purpose {spec.key!r} takes {spec.params}; got {sorted(params)}")
    return {name: "" if params[name] is None else str(params[name]) for name in spec.params}


def _mask_params(params: Mapping[str, str], secrets: Sequence[str], secret_params: Sequence[str]) -> dict[str, str]:
    return {name: SECRET_MASK if name in secret_params and value else mask_secrets(value, secrets)
            for name, value in params.items()}


def sms_template_save(*, user, region_path: str, purpose: str, template_code: str, sign_name: str,
                      content: str = "", param_names: Sequence[str] = (), approved: bool = True) -> SmsTemplate:
    """Record the template a region had approved for a purpose (who may is the caller's business); audited.

    ValidationError, by field, for a code or sign name missing, a variable the purpose does not have,
    or wording that uses a variable not listed."""
    spec = sms_purpose(purpose)
    template_code, sign_name, content = template_code.strip(), sign_name.strip(), (content or "").strip()
    param_names = [name.strip() for name in param_names if name.strip()] or list(spec.params)
    errors: dict[str, list[str]] = {}
    if not template_code:
        errors["template_code"] = [_("Enter the template code the gateway gave the approved template.")]
    if not sign_name:
        errors["sign_name"] = [_("Enter the approved sign name.")]
    unknown = [name for name in param_names if name not in spec.params]
    if unknown or len(set(param_names)) != len(param_names):
        errors["param_names"] = [_("Use each of these variables at most once: %(names)s.")
                                 % {"names": ", ".join(spec.params)}]
    stray = sorted({name for name in VARIABLE.findall(content) if name not in param_names})
    if stray:
        errors["content"] = [_("The wording uses variables the template does not list: %(names)s.")
                             % {"names": ", ".join(stray)}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        template = SmsTemplate.objects.select_for_update().filter(region_path=region_path, purpose=purpose).first()
        before = None
        if template is None:
            template = SmsTemplate(region_path=region_path, purpose=purpose)
        else:
            before = {"template_code": template.template_code, "sign_name": template.sign_name,
                      "content": template.content, "param_names": template.param_names,
                      "approved": template.approved}
        template.template_code, template.sign_name, template.content = template_code, sign_name, content
        template.param_names, template.approved, template.updated_by = param_names, approved, user
        template.save()
        after = {"template_code": template_code, "sign_name": sign_name, "content": content,
                 "param_names": param_names, "approved": approved}
        if after != before:
            audit_event_record(actor=user, action="sms_template.save", target=template,
                               data={"region_path": region_path, "purpose": purpose, "before": before, "after": after})
    return template


def sms_templates_missing(*, county_paths: Iterable[str]) -> list[tuple[str, str]]:
    """(county path, purpose) pairs that have no approved template (their own or the platform's);
    ("", purpose) for the purposes about no place. What `manage.py check` lists with a real gateway."""
    rows = list(SmsTemplate.objects.filter(approved=True).values_list("region_path", "purpose"))
    missing = []
    for purpose in sms_purposes():
        paths = [path for path, key in rows if key == purpose.key]
        if not purpose.county:
            if "" not in paths:
                missing.append(("", purpose.key))
            continue
        for county in county_paths:
            if not any(county.startswith(path) for path in paths):
                missing.append((county, purpose.key))
    return missing


# --- backends ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsMessage:
    """What a backend sends: the number, the rendered text (the console's), and for a gateway the
    template code, sign name and the parameters in the template's order."""

    phone: str
    text: str
    purpose: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    template_code: str = ""
    sign_name: str = ""
    param_names: tuple[str, ...] = ()

    def ordered_params(self) -> list[tuple[str, str]]:
        return [(name, str(self.params.get(name, ""))) for name in self.param_names]


@dataclass(frozen=True)
class OutgoingSms:
    """One message for sms_enqueue_many (no secrets: those go through sms_enqueue)."""

    phone: str
    purpose: str
    params: Mapping[str, object]
    reference: str = ""
    region_path: str = ""


class BaseBackend:
    #: a real gateway needs an approved template for every (county, purpose); the others have defaults
    real = False

    def send(self, message: SmsMessage) -> str:
        """Send and return the gateway's message id; raise on failure so the caller can retry."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: SmsMessage) -> str:
        logger.info("SMS to %s (%s %s): %s", message.phone, message.purpose, message.template_code or "default",
                    message.text)
        return f"console-{uuid.uuid4().hex[:16]}"


class OutboxBackend(BaseBackend):
    """Sends nothing: the outbox row is the record (tests, and a training installation)."""

    def send(self, message: SmsMessage) -> str:
        return f"outbox-{uuid.uuid4().hex[:16]}"


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_gateway_is_real() -> bool:
    """Whether SMS_BACKEND sends through a real provider (and so needs approved templates)."""
    backend = import_string(settings.SMS_BACKEND)
    is_real = getattr(backend, "is_real", None)
    return bool(is_real()) if callable(is_real) else bool(getattr(backend, "real", False))


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
        gateway_id = get_backend().send(_message(row.phone, purpose, clean, template))
    except Exception as error:
        _record_failure(row, error, final=True)
        raise
    SmsOutboxMessage.objects.filter(pk=row.pk).update(status=SmsOutboxMessage.Status.SENT, gateway_id=gateway_id[:100],
                                                      sent_at=timezone.now())
    return row


def _message(phone: str, purpose: str, params: Mapping[str, str], template: TemplateChoice) -> SmsMessage:
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
        sealed = json.loads(_unseal(message.sealed_text)) if message.sealed_text else None
    except InvalidToken:
        _record_failure(message, SmsRejectedError("the sealed parameters cannot be opened with the current "
                                                  "SECRET_KEY or its fallbacks"), final=True)
        return
    except ValueError:  # a row sealed before purposes had parameters: its sealed text is the message
        sealed = None
    if message.sealed_text and not (isinstance(sealed, dict) and "params" in sealed):
        sealed = {"text": _unseal(message.sealed_text)}
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
            outgoing = _message(message.phone, message.purpose, params, template)
        else:
            outgoing = SmsMessage(phone=message.phone, text=sealed["text"], purpose=message.purpose)
    except ValueError:  # a purpose nobody declares any more (a row queued by an older release)
        if sms_gateway_is_real():
            _record_failure(message, SmsRejectedError(f"unknown purpose {message.purpose}"), final=True)
            return
        template = None
        outgoing = SmsMessage(phone=message.phone, text=(sealed or {}).get("text", message.text), purpose=message.purpose)
    except SmsRejectedError as error:
        _record_failure(message, error, final=True)
        return
    try:
        gateway_id = get_backend().send(outgoing)
    except SmsRejectedError as error:
        _record_failure(message, error, final=True)
        return
    except Exception as error:  # timeouts, 5xx, a bug in a backend: all worth another try
        _record_failure(message, error, final=last_attempt)
        if last_attempt:
            return
        raise SmsTransientError(str(error)) from error
    # The secret has done its work: the clear parameters are wiped, only the masked ones stay.
    changes = {"status": SmsOutboxMessage.Status.SENT, "gateway_id": gateway_id[:100], "sent_at": timezone.now(),
               "last_error": "", "sealed_text": ""}
    if template is not None:
        changes.update(template_code=template.template_code[:64], sign_name=template.sign_name[:30])
    SmsOutboxMessage.objects.filter(pk=message.pk).update(**changes)


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
