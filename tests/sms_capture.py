"""A text-message gateway for tests that keeps every message it is handed (`CapturingBackend.sent`), and the
body of a fixture that puts it in place."""

from django.core.cache import cache

from core.sms import BaseBackend

BACKEND = "tests.sms_capture.CapturingBackend"


class CapturingBackend(BaseBackend):
    sent: list = []

    def send(self, message):
        self.sent.append(message)
        return f"capture-{len(self.sent)}"


def texts_captured(settings, *, cache_location: str):
    """Text messages go to CapturingBackend, whose list is yielded, with a local-memory cache of their own:
    the phone-code throttles are tested by moving the clock, which a local-memory cache follows and Redis
    (CI's second run) does not. `yield from` it in a fixture."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": cache_location}}
    settings.SMS_BACKEND = BACKEND
    CapturingBackend.sent = []
    cache.clear()
    yield CapturingBackend.sent
    cache.clear()
