"""The SMS outbox: queued in the caller's transaction, sent by Celery after commit, retried, visible."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.celery import app
from core import sms
from core.audit import audit_events_for
from core.models import SmsOutboxMessage
from core.sms import (
    BaseBackend,
    OutgoingSms,
    SmsRejectedError,
    SmsTransientError,
    sms_enqueue,
    sms_enqueue_many,
    sms_outbox_deliver_batch,
    sms_outbox_redispatch,
    sms_outbox_retry,
)
from core.tasks import SMS_MAX_RETRIES, sms_outbox_send, sms_outbox_send_batch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = SmsOutboxMessage.Status


class FlakyBackend(BaseBackend):
    """Fails with a transient error `failures` times, then sends."""

    failures = 0
    calls = 0

    def send(self, message):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise SmsTransientError(f"gateway busy ({FlakyBackend.calls})")
        return f"gw-{FlakyBackend.calls}"


class RejectingBackend(BaseBackend):
    calls = 0

    def send(self, message):
        RejectingBackend.calls += 1
        raise SmsRejectedError("gateway code isv.MOBILE_NUMBER_ILLEGAL")


@pytest.fixture
def flaky(settings):
    settings.SMS_BACKEND = "tests.core.test_sms_outbox.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.calls = 0, 0
    return FlakyBackend


@pytest.fixture
def rejecting(settings):
    settings.SMS_BACKEND = "tests.core.test_sms_outbox.RejectingBackend"
    RejectingBackend.calls = 0
    return RejectingBackend


def enqueue(**overrides):
    kwargs = {"phone": "13812345678", "purpose": "request_completed", "reference": "7KQ4M2XBY",
              "params": {"code": "7KQ4-M2XB-Y", "service": "户口迁移", "link": "https://cz.example.cn/t"}}
    kwargs.update(overrides)
    sms_enqueue(**kwargs)


def test_enqueue_records_a_queued_row_and_sends_it_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        enqueue()
    message = SmsOutboxMessage.objects.get()
    assert (message.phone, message.purpose, message.reference, message.status) == (
        "13812345678", "request_completed", "7KQ4M2XBY", Status.QUEUED)
    assert message.attempts == 0
    assert len(hooks) == 1
    hooks[0]()
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 1
    assert message.gateway_id.startswith("outbox-")
    assert message.sent_at is not None


def test_the_same_message_queued_twice_in_one_transaction_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        enqueue()
        enqueue()
        enqueue(phone="13900001111")  # another recipient is another message
    assert SmsOutboxMessage.objects.count() == 2
    assert len(hooks) == 2


def test_a_rolled_back_transaction_leaves_no_message_and_does_not_block_the_next(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue()
            raise RuntimeError("the request failed")
        assert SmsOutboxMessage.objects.count() == 0
        enqueue()
    assert SmsOutboxMessage.objects.get().status == Status.SENT
    assert len(hooks) == 1


def test_a_message_that_cannot_be_queued_does_not_break_the_callers_transaction(monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SmsOutboxMessage.objects, "create", broken_create)
    enqueue()  # no exception
    assert UserFactory().pk  # the transaction still works


def test_a_message_without_a_number_is_not_queued():
    enqueue(phone="  ")
    assert not SmsOutboxMessage.objects.exists()


def test_a_transient_failure_is_retried_until_it_is_sent(flaky, django_capture_on_commit_callbacks):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
    message = SmsOutboxMessage.objects.get()
    assert message.status == Status.SENT
    assert message.attempts == 3
    assert message.gateway_id == "gw-3"
    assert message.last_error == ""


def test_a_message_that_keeps_failing_ends_failed_with_the_last_error(flaky, django_capture_on_commit_callbacks):
    flaky.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
    message = SmsOutboxMessage.objects.get()
    assert message.status == Status.FAILED
    assert message.attempts == SMS_MAX_RETRIES + 1
    assert flaky.calls == SMS_MAX_RETRIES + 1
    assert "gateway busy" in message.last_error
    assert message.sent_at is None


def test_a_rejected_message_fails_at_once_without_retries(rejecting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
    message = SmsOutboxMessage.objects.get()
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert rejecting.calls == 1
    assert "MOBILE_NUMBER_ILLEGAL" in message.last_error


@pytest.fixture
def celery_keeps_errors():
    """Eager Celery that records a task's errors instead of raising them: the way a worker runs it,
    so that autoretry's Retry is followed (at once: eager mode does not wait for the countdown)."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


def test_the_celery_task_retries_a_transient_failure_until_sent(flaky, celery_keeps_errors):
    flaky.failures = 3
    queued = SmsOutboxMessage.objects.create(phone="13812345678", text="t", purpose="p")
    sms_outbox_send.delay(queued.pk)
    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.gateway_id) == (Status.SENT, 4, "gw-4")


def test_the_celery_task_marks_the_message_failed_after_its_last_retry(flaky, celery_keeps_errors):
    flaky.failures = 100
    queued = SmsOutboxMessage.objects.create(phone="13812345678", text="t", purpose="p")
    result = sms_outbox_send.delay(queued.pk)
    queued.refresh_from_db()
    assert result.successful()  # the failure is on the row, not an exception in the worker's log
    assert (queued.status, queued.attempts) == (Status.FAILED, SMS_MAX_RETRIES + 1)


def test_the_task_uses_exponential_backoff():
    assert sms_outbox_send.autoretry_for == (SmsTransientError,)
    assert sms_outbox_send.retry_backoff == 30
    assert sms_outbox_send.max_retries == SMS_MAX_RETRIES


def test_a_message_already_sent_is_not_sent_again(flaky, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
    sms_outbox_send.delay(SmsOutboxMessage.objects.get().pk)  # a duplicate delivery from the broker
    assert flaky.calls == 1
    assert SmsOutboxMessage.objects.get().attempts == 1


def test_a_broker_failure_leaves_the_message_queued_and_the_caller_unharmed(monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    published = []

    def broker_down(*args, **kwargs):
        published.append(kwargs)
        raise ConnectionError("redis refused")

    monkeypatch.setattr(sms_outbox_send, "apply_async", broker_down)
    app.conf.task_always_eager = False  # a real broker, which is down
    try:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue()
    finally:
        app.conf.task_always_eager = True
    assert SmsOutboxMessage.objects.get().status == Status.QUEUED
    assert published[0]["retry_policy"]["max_retries"] <= 1  # no waiting for Celery's publish retries


def test_redispatch_sends_old_messages_that_were_never_tried(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        enqueue(reference="OLD")
        enqueue(reference="NEW")
    SmsOutboxMessage.objects.filter(reference="OLD").update(created_at=timezone.now() - timezone.timedelta(hours=1))
    assert sms_outbox_redispatch() == 1
    statuses = dict(SmsOutboxMessage.objects.values_list("reference", "status"))
    assert statuses == {"OLD": Status.SENT, "NEW": Status.QUEUED}


def test_a_failed_message_can_be_sent_again_and_the_retry_is_audited(rejecting, settings,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
    message = SmsOutboxMessage.objects.get()
    admin = UserFactory()
    settings.SMS_BACKEND = "core.sms.OutboxBackend"  # the gateway has been fixed
    with django_capture_on_commit_callbacks(execute=True):
        sms_outbox_retry(user=admin, message=message)
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 2
    event = audit_events_for(message).get()
    assert (event.action, event.actor) == ("sms.retry", admin)
    assert "MOBILE_NUMBER_ILLEGAL" in event.data["last_error"]


def test_only_a_failed_message_can_be_sent_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
    with pytest.raises(ValidationError):
        sms_outbox_retry(user=UserFactory(), message=SmsOutboxMessage.objects.get())
    assert not audit_events_for(SmsOutboxMessage.objects.get()).exists()


# --- many at once: bulk rows, one task per batch, nothing sent twice --------------------------------------

def _many(n, **overrides):
    return [OutgoingSms(**{"phone": f"1381234{i:04d}", "purpose": "supervision_digest",
                           "params": {"items": f"{i} 件即将超期", "link": "https://cz.example.cn/dept/"},
                           "reference": "S1-1", **overrides}) for i in range(n)]


def test_many_messages_are_queued_in_bulk_and_handed_over_one_task_per_batch(
        monkeypatch, flaky, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    monkeypatch.setattr(sms.outbox, "SMS_BATCH_SIZE", 2)  # read where the batches are cut
    # the savepoint, the templates, one INSERT, its release
    with django_capture_on_commit_callbacks(execute=False) as hooks, django_assert_max_num_queries(4):
        assert sms_enqueue_many([*_many(5), *_many(1), OutgoingSms(phone=" ", purpose="supervision_digest",
                                                                   params={"items": "x", "link": "y"})]) == 5
    assert len(hooks) == 3 and SmsOutboxMessage.objects.filter(status=Status.QUEUED).count() == 5
    for hook in hooks:
        hook()
    assert flaky.calls == 5 and set(SmsOutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_batch_delivered_twice_sends_each_message_once(flaky):
    sms_enqueue_many(_many(3))
    tokens = [(pk, 0) for pk in SmsOutboxMessage.objects.values_list("pk", flat=True)]
    assert sms_outbox_deliver_batch(tokens=tokens, last_attempt=False) == []
    assert sms_outbox_deliver_batch(tokens=tokens, last_attempt=False) == []  # the broker's redelivery
    assert flaky.calls == 3
    assert set(SmsOutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_the_single_task_leaves_alone_a_message_a_batch_is_sending_and_still_retries_its_own(
        flaky, celery_keeps_errors):
    """A row handed out twice (its first task waited in a backlog past the redispatch): the task handed out
    at 0 attempts finds the batch's claim and sends nothing; its own retries count its own attempts."""
    message = SmsOutboxMessage.objects.create(phone="13812345678", text="t", purpose="p")
    SmsOutboxMessage.objects.filter(pk=message.pk).update(attempts=1, last_attempt_at=timezone.now())
    sms_outbox_send.delay(message.pk, 0)
    assert flaky.calls == 0
    flaky.failures = 2
    other = SmsOutboxMessage.objects.create(phone="13812345679", text="t", purpose="p")
    sms_outbox_send.delay(other.pk, 0)
    other.refresh_from_db()
    assert (other.status, other.attempts) == (Status.SENT, 3)


def test_a_batch_leaves_alone_a_message_another_delivery_is_sending_until_that_one_is_long_dead(flaky):
    sms_enqueue_many(_many(1))
    message = SmsOutboxMessage.objects.get()
    SmsOutboxMessage.objects.filter(pk=message.pk).update(attempts=1, last_attempt_at=timezone.now())
    sms_outbox_deliver_batch(tokens=[(message.pk, 0)], last_attempt=False)
    assert flaky.calls == 0
    SmsOutboxMessage.objects.filter(pk=message.pk).update(last_attempt_at=timezone.now() - timezone.timedelta(hours=2))
    assert sms_outbox_redispatch() == 1   # its worker died: handed out again, and sent
    message.refresh_from_db()
    assert (flaky.calls, message.status, message.attempts) == (1, Status.SENT, 2)


def test_the_batch_task_retries_only_the_messages_that_failed(flaky, celery_keeps_errors):
    flaky.failures = 1
    sms_enqueue_many(_many(3))
    pks = sorted(SmsOutboxMessage.objects.values_list("pk", flat=True))
    result = sms_outbox_send_batch.delay([[pk, 0] for pk in pks])
    assert result.successful()
    assert flaky.calls == 4
    assert [SmsOutboxMessage.objects.get(pk=pk).attempts for pk in pks] == [2, 1, 1]
    assert set(SmsOutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_the_batch_task_marks_what_keeps_failing_failed_after_its_last_retry(flaky, celery_keeps_errors):
    flaky.failures = 1000
    sms_enqueue_many(_many(2))
    pks = sorted(SmsOutboxMessage.objects.values_list("pk", flat=True))
    sms_outbox_send_batch.delay([[pk, 0] for pk in pks])
    assert set(SmsOutboxMessage.objects.values_list("status", "attempts")) == {(Status.FAILED, SMS_MAX_RETRIES + 1)}


def test_without_a_broker_a_batch_is_delivered_at_once_with_its_retries(flaky, django_capture_on_commit_callbacks):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue_many(_many(2))
    assert set(SmsOutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert flaky.calls == 4


def test_a_batch_is_claimed_in_one_statement_and_each_sent_message_recorded_at_once(
        flaky, django_assert_num_queries):
    sms_enqueue_many(_many(5))
    tokens = [(pk, 0) for pk in SmsOutboxMessage.objects.values_list("pk", flat=True)]
    # claim, read the claimed rows, their template (once); one "sent" per message
    with django_assert_num_queries(3 + 5):
        assert sms_outbox_deliver_batch(tokens=tokens, last_attempt=False) == []
    assert flaky.calls == 5 and set(SmsOutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
