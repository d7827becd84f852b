"""One-time codes in text messages: masked in the outbox, kept encrypted only until the gateway took them."""

import pytest

from core.models import SmsOutboxMessage
from core.sms import BaseBackend, SmsRejectedError, sms_enqueue, sms_outbox_retry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARAMS = {"ref": "P-1", "station": "城关村服务站", "code": "482913", "hours": "8:00-18:00"}
CLEAR = "您的订单P-1已到城关村服务站，取货码482913，请到柜台出示（8:00-18:00）。"


class CapturingBackend(BaseBackend):
    sent: list = []
    reject = False

    def send(self, message):
        if CapturingBackend.reject:
            raise SmsRejectedError("gateway code isv.BLACK_KEY_CONTROL_LIMIT")
        CapturingBackend.sent.append(message.text)
        return "gw-1"


@pytest.fixture
def gateway(settings):
    settings.SMS_BACKEND = "tests.core.test_sms_secrets.CapturingBackend"
    CapturingBackend.sent, CapturingBackend.reject = [], False
    return CapturingBackend


def _queue(django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PARAMS, reference="P-1",
                    region_path="000100010001", secrets=["482913"], **overrides)
    return SmsOutboxMessage.objects.get()


def test_the_code_is_masked_in_the_outbox_sent_in_clear_and_then_wiped(gateway, django_capture_on_commit_callbacks):
    message = _queue(django_capture_on_commit_callbacks)
    assert gateway.sent == [CLEAR]
    assert message.status == "sent" and "482913" not in message.text and "取货码******" in message.text
    assert message.params["code"] == "******" and message.params["ref"] == "P-1"
    assert message.sealed_text == ""
    assert message.region_path == "000100010001"


def test_while_a_message_waits_its_code_is_stored_only_encrypted(gateway):
    sms_enqueue(phone="13812345678", purpose="pickup_code", params=PARAMS, reference="P-1", secrets=["482913"])
    message = SmsOutboxMessage.objects.get()  # queued: the transaction has not committed
    assert message.status == "queued" and "482913" not in message.text
    assert message.sealed_text and "482913" not in message.sealed_text
    assert "482913" not in str(SmsOutboxMessage.objects.values_list().get())


def test_a_failed_message_keeps_its_sealed_code_for_a_retry_which_sends_it_in_clear(
        gateway, django_capture_on_commit_callbacks):
    gateway.reject = True
    message = _queue(django_capture_on_commit_callbacks)
    assert message.status == "failed" and message.sealed_text
    gateway.reject = False
    with django_capture_on_commit_callbacks(execute=True):
        sms_outbox_retry(user=UserFactory(is_superuser=True), message=message)
    message.refresh_from_db()
    assert (message.status, message.sealed_text, gateway.sent) == ("sent", "", [CLEAR])


def test_a_rotated_secret_key_still_opens_a_waiting_message(gateway, settings):
    sms_enqueue(phone="13812345678", purpose="pickup_code", params=PARAMS, reference="P-1", secrets=["482913"])
    message = SmsOutboxMessage.objects.get()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 30
    from core.sms import sms_outbox_deliver

    sms_outbox_deliver(message_id=message.pk, last_attempt=True)
    assert gateway.sent == [CLEAR]


def test_a_message_no_key_opens_fails_with_a_reason_and_sends_nothing(gateway, settings):
    sms_enqueue(phone="13812345678", purpose="pickup_code", params=PARAMS, reference="P-1", secrets=["482913"])
    message = SmsOutboxMessage.objects.get()
    settings.SECRET_KEY = "an-unrelated-secret-key-" + "y" * 40
    from core.sms import sms_outbox_deliver

    sms_outbox_deliver(message_id=message.pk, last_attempt=False)
    message.refresh_from_db()
    assert message.status == "failed" and "SECRET_KEY" in message.last_error and gateway.sent == []


def test_a_message_without_secrets_is_stored_as_it_is(gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="request_completed", reference="X",
                    params={"code": "7KQ4-M2XB-Y", "service": "户口迁移", "link": "https://cz.example.cn/t"})
    message = SmsOutboxMessage.objects.get()
    assert message.text == "您的事项7KQ4-M2XB-Y（户口迁移）已办结，请对办理服务进行评价：https://cz.example.cn/t"
    assert (message.sealed_text, gateway.sent) == ("", [message.text])
    assert message.params == {"code": "7KQ4-M2XB-Y", "service": "户口迁移", "link": "https://cz.example.cn/t"}
