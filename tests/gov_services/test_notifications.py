"""Text messages about requests: the templates in both languages, and the moves that queue them."""

import datetime
import uuid

import pytest
from django.utils import timezone

from accounts.roles import Role
from core.models import SmsOutboxMessage
from gov_services import notifications
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from gov_services.requests import services as services
from tests.factories import (
    DepartmentMembershipFactory,
    ServiceRequestFactory,
    UserFactory,
    jpeg_bytes,
    png_bytes,
    upload,
    valid_id_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

PHONE = "13812345678"


def outbox(purpose=None) -> list[SmsOutboxMessage]:
    rows = SmsOutboxMessage.objects.order_by("pk")
    return list(rows.filter(purpose=purpose) if purpose else rows)


@pytest.fixture
def filed(operator, station, request_item, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.service_request_submit(
            actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone=PHONE,
            consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
            attachments=[upload("身份证.jpg", jpeg_bytes(), request_item.materials.get(name="身份证"))],
            signature=png_bytes())


@pytest.fixture
def head(department):
    user = UserFactory(roles=[Role.OFFICER], phone="13700000001")
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


@pytest.fixture
def colleague(department):
    user = UserFactory(roles=[Role.OFFICER], phone="13700000002")
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.fixture
def sample(request_item):
    return ServiceRequestFactory.build(tracking_code="7KQ4M2XBY", item=request_item, applicant_phone=PHONE)


# --- templates -----------------------------------------------------------------------------------

def test_the_submission_message_is_in_chinese_by_default_with_the_code_and_tracking_link(sample):
    text = notifications.render_message(notifications.SUBMITTED, sample)
    assert "7KQ4-M2XB-Y" in text
    assert sample.item.name in text
    assert "https://cunzhan.test/track/?code=7KQ4-M2XB-Y" in text
    assert "已提交" in text


def test_the_submission_message_in_english(sample):
    text = notifications.render_message(notifications.SUBMITTED, sample, language="en")
    assert text.startswith("Your request 7KQ4-M2XB-Y")
    assert "has been received" in text


@pytest.mark.parametrize("language, words", [("zh-hans", "办结"), ("en", "is complete")])
def test_the_completion_message_links_to_the_rating_page(sample, language, words):
    text = notifications.render_message(notifications.COMPLETED, sample, language=language)
    assert words in text
    assert notifications.track_url(sample) in text


@pytest.mark.parametrize("language, words", [("zh-hans", "补正"), ("en", "needs more material")])
def test_the_return_message_quotes_what_is_missing(sample, language, words):
    text = notifications.render_message(notifications.RETURNED, sample, language=language, note="户口本复印件")
    assert words in text
    assert "户口本复印件" in text


def test_a_long_return_note_is_shortened_to_fit_a_text_message(sample):
    text = notifications.render_message(notifications.RETURNED, sample, note="缺" * 300)
    assert "缺" * (notifications.NOTE_LENGTH - 1) + "…" in text
    assert "缺" * notifications.NOTE_LENGTH not in text


@pytest.mark.parametrize("purpose, zh, en", [
    (notifications.CARD_YELLOW, "黄牌", "Yellow card"),
    (notifications.CARD_RED, "红牌", "Red card"),
    (notifications.ASSIGNED, "分派", "assigned to you"),
])
def test_staff_messages_name_the_card_and_the_deadline_in_both_languages(sample, purpose, zh, en):
    sample.due_at = None
    assert "2025" not in notifications.render_message(purpose, sample)
    sample.due_at = timezone.make_aware(datetime.datetime(2025, 3, 14, 17, 0))
    chinese = notifications.render_message(purpose, sample)
    english = notifications.render_message(purpose, sample, language="en")
    assert zh in chinese and "2025-03-14" in chinese
    assert en in english and "2025-03-14" in english


def test_an_appeal_is_named_by_its_subject(request_item):
    appeal = ServiceRequestFactory.build(tracking_code="7KQ4M2XBY", item=None, kind="appeal",
                                         appeal_category="help", subject="路灯不亮")
    assert "路灯不亮" in notifications.render_message(notifications.SUBMITTED, appeal)


def test_the_escalation_message_names_the_step(sample):
    text = notifications.render_message(notifications.ESCALATION, sample, language="en", step="Supervision call")
    assert "Supervision call" in text


# --- the moves queue them -------------------------------------------------------------------------

def test_submitting_a_request_queues_the_resident_message_with_the_tracking_code(filed):
    (message,) = outbox()
    assert (message.purpose, message.phone, message.reference) == (notifications.SUBMITTED, PHONE, filed.tracking_code)
    assert format_tracking_code(filed.tracking_code) in message.text
    assert message.status == SmsOutboxMessage.Status.SENT
    assert message.params == {"code": format_tracking_code(filed.tracking_code), "service": filed.item.name,
                              "link": notifications.track_url(filed)}


def test_sending_the_same_form_again_queues_no_second_message(filed, operator, station, request_item):
    services.service_request_submit(
        actor=operator, idempotency_key=filed.idempotency_key, kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone=PHONE,
        consent="signature", channel="counter", station=station, form_data={"purpose": "子女入学"},
        attachments=[upload("身份证.jpg", jpeg_bytes(), request_item.materials.get(name="身份证"))],
        signature=png_bytes())
    assert len(outbox()) == 1


def test_a_refused_submission_queues_nothing(operator, station, request_item):
    with pytest.raises(Exception):  # noqa: B017 (any refusal will do: nothing may be written)
        services.service_request_submit(
            actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="", applicant_id_number="bad", applicant_phone=PHONE, consent="signature",
            channel="counter", station=station, form_data={})
    assert outbox() == []


def test_returning_a_request_tells_the_resident_what_is_missing(filed, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_return(request=filed, actor=officer, note="请补充户口本复印件")
    (message,) = outbox(notifications.RETURNED)
    assert message.phone == PHONE
    assert "请补充户口本复印件" in message.text


def test_completing_a_request_sends_the_rating_link(filed, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_accept(request=filed, actor=officer)
        services.service_request_start_review(request=filed, actor=officer)
        services.service_request_approve(request=filed, actor=officer, note="同意")
        services.service_request_complete(request=filed, actor=officer)
    (message,) = outbox(notifications.COMPLETED)
    assert notifications.track_url(filed) in message.text
    assert [m.purpose for m in outbox()] == [notifications.SUBMITTED, notifications.COMPLETED]


def test_assigning_a_request_tells_the_assignee_but_claiming_tells_nobody(
        filed, head, colleague, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_claim(request=filed, actor=colleague)
    assert outbox(notifications.ASSIGNED) == []
    other = UserFactory(roles=[Role.OFFICER], phone="13700000003")
    DepartmentMembershipFactory(department=filed.department, user=other)
    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_transfer(request=filed, actor=colleague, assignee=other, note="休假")
    (message,) = outbox(notifications.ASSIGNED)
    assert message.phone == "13700000003"


def test_a_head_assigning_an_officer_tells_the_officer(filed, head, colleague, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_assign(request=filed, actor=head, assignee=colleague)
    (message,) = outbox(notifications.ASSIGNED)
    assert message.phone == colleague.phone


def test_an_officer_without_a_phone_gets_no_message_and_the_move_still_happens(
        filed, head, django_capture_on_commit_callbacks):
    silent = UserFactory(roles=[Role.OFFICER], phone="")
    DepartmentMembershipFactory(department=filed.department, user=silent)
    with django_capture_on_commit_callbacks(execute=True):
        services.service_request_assign(request=filed, actor=head, assignee=silent)
    assert outbox(notifications.ASSIGNED) == []
    assert ServiceRequest.objects.get(pk=filed.pk).assignee == silent


def test_cards_go_to_each_recipient_with_a_phone_once(filed, head, colleague, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_staff_of_card(service_request=filed, card="red",
                                           recipients=[head, colleague, head, UserFactory(phone="")])
    assert sorted(m.phone for m in outbox(notifications.CARD_RED)) == [head.phone, colleague.phone]


def test_an_unknown_card_colour_is_a_programming_error(filed, head):
    with pytest.raises(ValueError):
        notifications.notify_staff_of_card(service_request=filed, card="green", recipients=[head])


def test_escalation_messages_are_queued_for_each_recipient(filed, head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_staff_of_escalation(service_request=filed, step_label="约谈", recipients=[head])
    (message,) = outbox(notifications.ESCALATION)
    assert "约谈" in message.text
    assert message.reference == filed.tracking_code
