"""Consent by SMS code at the counter: the resident's phone gets a code naming what is filed for them,
the operator types it in, and the request is filed only with the right code for that very form."""

import re
import uuid

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from gov_services.models import RequestEvent, ServiceRequest
from gov_services.requests import services as services
from tests.factories import upload, valid_id_number
from tests.gov_services.counter_helpers import scan_png
from tests.sms_capture import texts_captured

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

PHONE = "13812345678"


@pytest.fixture(autouse=True)
def texts(settings):
    yield from texts_captured(settings, cache_location="consent-tests")


def code_in(texts) -> str:
    return re.search(r"\b(\d{6})\b", texts[-1].text).group(1)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def form_for(request_item):
    id_card = request_item.materials.get(name="身份证")

    def _form(key, **overrides):
        data = {"idempotency_key": str(key), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
                "applicant_phone": PHONE, "consent": "sms_code", "eform-purpose": "子女入学",
                f"material-{id_card.pk}": upload("身份证.png", scan_png())}
        data.update(overrides)
        return data

    return _form


def send_code(client, key, about="户籍证明"):
    return client.post(reverse("gov_services:counter-consent-code-send"),
                       {"idempotency_key": str(key), "applicant_phone": PHONE, "about": about},
                       HTTP_ACCEPT="application/json")


def test_operator_sends_a_consent_code_that_names_the_service(operator_client, texts):
    response = send_code(operator_client, uuid.uuid4())
    assert response.status_code == 200
    assert response.json()["sent"] is True and "138****5678" in response.json()["message"]
    assert len(texts) == 1 and texts[0].phone == PHONE
    assert "户籍证明" in texts[0].text and re.search(r"\b\d{6}\b", texts[0].text)


def test_a_bad_number_gets_a_clear_error_and_no_text(operator_client, texts):
    response = operator_client.post(reverse("gov_services:counter-consent-code-send"),
                                    {"idempotency_key": str(uuid.uuid4()), "applicant_phone": "12345"},
                                    HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "11" in response.json()["message"]
    assert texts == []


def test_without_the_script_the_answer_is_a_page_that_sends_the_operator_back(operator_client, texts):
    response = operator_client.post(reverse("gov_services:counter-consent-code-send"),
                                    {"idempotency_key": str(uuid.uuid4()), "applicant_phone": PHONE})
    assert response.status_code == 200 and "138****5678" in response.content.decode()
    assert len(texts) == 1


@pytest.mark.parametrize("who", ["officer", "county_admin", "resident"])
def test_only_station_staff_may_send_consent_codes(client, request, who, texts):
    client.force_login(request.getfixturevalue(who))
    assert send_code(client, uuid.uuid4()).status_code == 403
    assert texts == []


def test_the_right_code_files_the_application_with_sms_consent(operator_client, request_item, form_for, texts):
    key = uuid.uuid4()
    send_code(operator_client, key)
    response = operator_client.post(reverse("gov_services:counter-application-create", args=[request_item.pk]),
                                    form_for(key, consent_code=code_in(texts)))
    assert response.status_code == 302
    filed = ServiceRequest.objects.get(idempotency_key=key)
    assert filed.consent == ServiceRequest.Consent.SMS_CODE and not filed.signature


def test_a_wrong_code_is_shown_beside_the_field_and_files_nothing(operator_client, request_item, form_for, texts):
    key = uuid.uuid4()
    send_code(operator_client, key)
    wrong = "000000" if code_in(texts) != "000000" else "111111"
    response = operator_client.post(reverse("gov_services:counter-application-create", args=[request_item.pk]),
                                    form_for(key, consent_code=wrong))
    assert response.status_code == 200
    assert response.context["form"].errors["consent_code"]
    assert not ServiceRequest.objects.exists() and not RequestEvent.objects.exists()


def test_sms_consent_without_a_code_is_refused(operator_client, request_item, form_for):
    response = operator_client.post(reverse("gov_services:counter-application-create", args=[request_item.pk]),
                                    form_for(uuid.uuid4()))
    assert response.context["form"].errors["consent_code"]
    assert not ServiceRequest.objects.exists()


def test_a_code_sent_for_one_form_does_not_consent_to_another(operator, station, request_item, texts):
    first, second = uuid.uuid4(), uuid.uuid4()
    services.consent_code_send(actor=operator, station=station, phone=PHONE, idempotency_key=first,
                               about="户籍证明", ip="10.0.0.1")
    with pytest.raises(Exception) as refused:
        services.service_request_submit(
            actor=operator, idempotency_key=second, kind="appeal", appeal_category="help", description="路灯坏了",
            applicant_name="王秀英", applicant_id_number=valid_id_number(1), applicant_phone=PHONE,
            consent="sms_code", consent_code=code_in(texts), channel="counter", station=station, form_data={})
    assert "consent_code" in refused.value.message_dict
    assert not ServiceRequest.objects.exists()


def test_a_code_is_used_once(operator, station, dispatch_desk, texts):
    key = uuid.uuid4()
    services.consent_code_send(actor=operator, station=station, phone=PHONE, idempotency_key=key,
                               about="诉求", ip="10.0.0.1")
    fields = dict(actor=operator, kind="appeal", appeal_category="help", applicant_name="王秀英",
                  applicant_id_number=valid_id_number(1), applicant_phone=PHONE, consent="sms_code",
                  consent_code=code_in(texts), channel="counter", station=station, form_data={})
    first = services.service_request_submit(idempotency_key=key, description="路灯坏了", **fields)
    assert first.consent == "sms_code"
    # The same form sent again is a replay: the first request comes back without a second check.
    assert services.service_request_submit(idempotency_key=key, description="路灯坏了", **fields) == first
    assert ServiceRequest.objects.count() == 1


def test_wrong_consent_codes_lock_the_number_and_the_attempt_log_keeps_no_form_data(
        operator_client, request_item, form_for, texts, settings):
    settings.SMS_CODE_FAILURE_LIMIT = 2
    key = uuid.uuid4()
    send_code(operator_client, key)
    wrong = "000000" if code_in(texts) != "000000" else "111111"
    create = reverse("gov_services:counter-application-create", args=[request_item.pk])
    for _ in range(2):
        assert operator_client.post(create, form_for(key, consent_code=wrong)).context["form"].errors["consent_code"]
    response = operator_client.post(create, form_for(key, consent_code=code_in(texts)))
    assert "锁定" in " ".join(response.context["form"].errors["consent_code"])
    assert not ServiceRequest.objects.exists()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == f"sms:{PHONE}" and attempt.failures_since_start == 2
    kept = attempt.post_data + attempt.get_data
    assert "王秀英" not in kept and valid_id_number(1) not in kept and "consent_code" not in kept
