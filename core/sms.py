"""SMS: the one module that knows about gateways.

Backends are chosen by the SMS_BACKEND setting (a dotted path). The console backend is
the embedded default: it writes the message to the log and nothing leaves the machine.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("cunzhan.sms")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseBackend:
    def send(self, message: SmsMessage) -> str:
        """Send and return the gateway's message id; raise on failure so the caller can retry."""
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, message: SmsMessage) -> str:
        logger.info("SMS to %s: %s", message.phone, message.text)
        return f"console-{abs(hash((message.phone, message.text))):x}"


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, phone: str, text: str) -> str:
    return get_backend().send(SmsMessage(phone=phone, text=text))
