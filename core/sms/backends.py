"""SMS backends (chosen by the SMS_BACKEND setting) and the errors they raise; the gateways' adapters are
core/sms_gateways.py."""

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("cunzhan.sms")


class SmsError(Exception):
    """Sending failed."""


class SmsTransientError(SmsError):
    """Sending failed in a way that may pass: try again later."""


class SmsRejectedError(SmsError):
    """The gateway refused the message for good: trying again sends nothing."""


class SmsLimitError(SmsError):
    """The purpose's daily limit for this number is reached: the message was recorded as refused."""

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
