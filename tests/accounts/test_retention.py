"""Retention of account data (accounts/retention.py) and of text messages (core/sms_retention.py): a
resident's account unused for the period is anonymised and disabled (staff accounts never), the texts that
carried codes lose number and text after a month, every other text after its own period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PasswordHistoryEntry, User
from accounts.roles import Role
from core.models import SmsOutboxMessage
from core.retention import personal_data_retention_run
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _seen(user, age):
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - age, date_joined=timezone.now() - age)


def test_a_resident_account_unused_for_the_period_is_anonymised_and_disabled(settings, client):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"inactive_accounts": 3 * 365}
    old = UserFactory(roles=[Role.RESIDENT], full_name="王秀英", phone="13812345678", email="wang@example.cn")
    old.set_password("Secret-123456")
    old.save()
    PasswordHistoryEntry.objects.create(user=old, password=old.password)
    _seen(old, timedelta(days=4 * 365))
    recent = UserFactory(roles=[Role.RESIDENT], full_name="李四", phone="13800000001")
    _seen(recent, timedelta(days=30))
    staff = UserFactory(roles=[Role.RESIDENT, Role.OPERATOR], full_name="张三", phone="13800000002")
    _seen(staff, timedelta(days=4 * 365))

    assert personal_data_retention_run(dry_run=True).outcome["inactive_accounts"]["records"] == 1
    assert User.objects.get(pk=old.pk).full_name == "王秀英"
    run = personal_data_retention_run()
    assert run.outcome["inactive_accounts"]["records"] == 1
    old.refresh_from_db()
    assert old.username == f"removed-{old.pk}" and old.full_name == "" and old.phone == "" and old.email == ""
    assert not old.is_active and not old.has_usable_password()
    assert not PasswordHistoryEntry.objects.filter(user=old).exists()
    assert not client.login(username=f"removed-{old.pk}", password="Secret-123456")
    assert User.objects.get(pk=recent.pk).full_name == "李四" and User.objects.get(pk=staff.pk).is_active
    assert personal_data_retention_run().outcome["inactive_accounts"]["records"] == 0


def _sms(purpose, age, status=SmsOutboxMessage.Status.SENT):
    message = SmsOutboxMessage.objects.create(phone="13812345678", text="您的验证码 ****", purpose=purpose,
                                              params={"code": "****"}, status=status)
    SmsOutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def test_code_texts_go_after_a_month_other_texts_after_their_period_queued_ones_never(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"sms_codes": 30, "sms_texts": 180}
    code = _sms("phone_code", timedelta(days=40))
    notice = _sms("request_status", timedelta(days=40))
    old_notice = _sms("request_status", timedelta(days=200))
    queued = _sms("request_status", timedelta(days=200), status=SmsOutboxMessage.Status.QUEUED)
    run = personal_data_retention_run()
    assert run.outcome["sms_codes"]["records"] == 1
    code.refresh_from_db(), notice.refresh_from_db(), old_notice.refresh_from_db(), queued.refresh_from_db()
    assert code.phone == "138****5678" and code.text == "" and code.params == {} and code.status == "sent"
    assert notice.text and notice.phone == "13812345678"
    assert old_notice.phone == "138****5678" and old_notice.text == ""
    assert queued.text and queued.phone == "13812345678"
    again = personal_data_retention_run()
    assert again.outcome["sms_codes"]["records"] == again.outcome["sms_texts"]["records"] == 0
