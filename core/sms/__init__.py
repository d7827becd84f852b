"""SMS: the one package that decides what is sent, and how (the gateways' adapters are core/sms_gateways.py).

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

Modules: purposes.py (the declared purposes and their daily limits), templates.py (the template a message
goes out with, its rendering, the approved templates' records), backends.py (SMS_BACKEND and the errors a
backend raises), sealing.py (masked and encrypted secrets), outbox.py (queueing, sending now, retries, the
redispatch, the outbox screen's reads) and delivery.py (claiming a row and sending it once). Callers import
from `core.sms`, which re-exports what they use.
"""

from core.sms.backends import (
    BaseBackend,
    ConsoleBackend,
    OutboxBackend,
    SmsError,
    SmsLimitError,
    SmsMessage,
    SmsRejectedError,
    SmsTransientError,
    get_backend,
    sms_gateway_is_real,
)
from core.sms.delivery import SMS_CLAIM_LEASE, sms_outbox_deliver, sms_outbox_deliver_batch
from core.sms.outbox import (
    SMS_BATCH_SIZE,
    SMS_MAX_RETRIES,
    OutgoingSms,
    sms_dispatch,
    sms_dispatch_batch,
    sms_enqueue,
    sms_enqueue_many,
    sms_outbox_purposes,
    sms_outbox_redispatch,
    sms_outbox_retry,
    sms_send,
)
from core.sms.purposes import (
    SmsPurpose,
    purpose_label,
    sms_daily_limit,
    sms_purpose,
    sms_purpose_register,
    sms_purposes,
)
from core.sms.sealing import SECRET_MASK, mask_secrets, outbox_seal, outbox_unseal
from core.sms.templates import (
    TemplateChoice,
    sms_render,
    sms_template_resolve,
    sms_template_save,
    sms_templates_missing,
)

__all__ = [
    "SECRET_MASK",
    "SMS_BATCH_SIZE",
    "SMS_CLAIM_LEASE",
    "SMS_MAX_RETRIES",
    "BaseBackend",
    "ConsoleBackend",
    "OutboxBackend",
    "OutgoingSms",
    "SmsError",
    "SmsLimitError",
    "SmsMessage",
    "SmsPurpose",
    "SmsRejectedError",
    "SmsTransientError",
    "TemplateChoice",
    "get_backend",
    "mask_secrets",
    "outbox_seal",
    "outbox_unseal",
    "purpose_label",
    "sms_daily_limit",
    "sms_dispatch",
    "sms_dispatch_batch",
    "sms_enqueue",
    "sms_enqueue_many",
    "sms_gateway_is_real",
    "sms_outbox_deliver",
    "sms_outbox_deliver_batch",
    "sms_outbox_purposes",
    "sms_outbox_redispatch",
    "sms_outbox_retry",
    "sms_purpose",
    "sms_purpose_register",
    "sms_purposes",
    "sms_render",
    "sms_send",
    "sms_template_resolve",
    "sms_template_save",
    "sms_templates_missing",
]
