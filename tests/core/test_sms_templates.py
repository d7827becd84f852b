"""SMS purposes and the counties' gateway templates, the configuration check, daily limits per number,
and delivery receipts — with the Aliyun adapter sending through its SDK to the loopback simulator."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent, SmsOutboxMessage, SmsTemplate
from core.sms import (
    SmsLimitError,
    sms_enqueue,
    sms_render,
    sms_send,
    sms_template_resolve,
    sms_template_save,
    sms_templates_missing,
)
from core.sms_simulator import SmsGatewaySimulator, receipt_for
from gov_services.checks import sms_templates_check
from tests.factories import UserFactory, county_tree

pytestmark = pytest.mark.django_db

AK, SECRET = "LTAI5tCounty", "county-secret"
PICKUP = {"ref": "P-7", "station": "李家村服务站", "code": "482913", "hours": "8-18"}


@pytest.fixture
def tree():
    return county_tree(townships=1, villages_per_township=1)


@pytest.fixture
def aliyun(settings):
    """The Aliyun adapter, its SDK pointed at a simulator on loopback; receipts accepted with a token."""
    with SmsGatewaySimulator(aliyun={AK: SECRET}) as simulator:
        settings.SMS_BACKEND = "core.sms_gateways.AliyunSmsBackend"
        settings.SMS_ALIYUN_ENDPOINT = simulator.url
        settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = AK, SECRET
        settings.SMS_TIMEOUT = 1
        settings.SMS_RECEIPT_TOKEN = "receipt-token-of-the-county"
        yield simulator


def _template(tree, purpose="pickup_code", code="SMS_465800007", **overrides):
    fields = {"sign_name": "乐亭村站", "content": "", "param_names": ["ref", "station", "code"], **overrides}
    return sms_template_save(user=UserFactory(is_superuser=True), region_path=tree["county"].path, purpose=purpose,
                             template_code=code, **fields)


def _village(tree):
    return tree["villages"][0].path


# --- templates ---------------------------------------------------------------------------------------------


def test_a_message_goes_out_with_its_countys_template_code_sign_name_and_named_parameters(
        tree, aliyun, django_capture_on_commit_callbacks):
    _template(tree)
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, reference="P-7",
                    region_path=_village(tree), secrets=[PICKUP["code"]])
    [sms] = aliyun.sent
    assert (sms.template_code, sms.sign_name) == ("SMS_465800007", "乐亭村站")
    assert sms.params == {"ref": "P-7", "station": "李家村服务站", "code": "482913"}  # in clear, to the gateway
    row = SmsOutboxMessage.objects.get()
    assert (row.status, row.template_code, row.sign_name, row.gateway_id) == (
        "sent", "SMS_465800007", "乐亭村站", sms.message_id)
    assert row.params["code"] == "******" and "482913" not in row.text and row.sealed_text == ""


def test_the_narrowest_region_wins_and_the_platform_wide_template_covers_the_rest(tree):
    admin = UserFactory(is_superuser=True)
    sms_template_save(user=admin, region_path="", purpose="pickup_code", template_code="SMS_1", sign_name="村站")
    assert sms_template_resolve(purpose="pickup_code", region_path=_village(tree)).template_code == "SMS_1"
    _template(tree, code="SMS_2")
    assert sms_template_resolve(purpose="pickup_code", region_path=_village(tree)).template_code == "SMS_2"
    assert sms_template_resolve(purpose="pickup_code", region_path="9999").template_code == "SMS_1"


def test_a_template_not_yet_approved_is_not_used(tree, aliyun):
    _template(tree, approved=False)
    assert sms_template_resolve(purpose="pickup_code", region_path=_village(tree)) is None  # a real gateway


def test_without_a_real_gateway_the_built_in_wording_is_the_template(tree):
    choice = sms_template_resolve(purpose="pickup_code", region_path=_village(tree))
    assert choice.builtin and choice.param_names == ("ref", "station", "code", "hours")
    assert sms_render(purpose="pickup_code", params=PICKUP) == (
        "您的订单P-7已到李家村服务站，取货码482913，请到柜台出示（8-18）。")


def test_the_approved_wording_is_the_preview_on_the_screens(tree, django_capture_on_commit_callbacks):
    _template(tree, content="【乐亭村站】订单${ref}已到${station}，取件码${code}。")
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, region_path=_village(tree),
                    secrets=[PICKUP["code"]])
    assert SmsOutboxMessage.objects.get().text == "【乐亭村站】订单P-7已到李家村服务站，取件码******。"


def test_saving_a_template_is_audited_and_saving_it_unchanged_is_not(tree):
    template = _template(tree)
    _template(tree)
    events = AuditEvent.objects.filter(action="sms_template.save")
    assert events.count() == 1 and events.get().data["after"]["template_code"] == "SMS_465800007"
    _template(tree, code="SMS_465800099")
    assert events.count() == 2 and events.first().data["before"]["template_code"] == "SMS_465800007"
    assert SmsTemplate.objects.get(pk=template.pk).template_code == "SMS_465800099"


@pytest.mark.parametrize(("fields", "error"), [
    ({"template_code": " "}, "template_code"),
    ({"sign_name": ""}, "sign_name"),
    ({"param_names": ["ref", "nonsense"]}, "param_names"),
    ({"param_names": ["ref", "ref"]}, "param_names"),
    ({"content": "订单${ref}，取件码${code}", "param_names": ["ref"]}, "content"),
])
def test_a_template_that_does_not_fit_its_purpose_is_refused_by_field(tree, fields, error):
    with pytest.raises(ValidationError) as refused:
        _template(tree, **{"code": fields.pop("template_code", "SMS_1"), **fields})
    assert error in refused.value.message_dict and not SmsTemplate.objects.exists()


def test_an_undeclared_purpose_or_parameter_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown SMS purpose"):
        sms_enqueue(phone="13812345678", purpose="free_text", params={})
    with pytest.raises(ValueError, match="takes"):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params={"ref": "P-1"})


# --- the configuration check ------------------------------------------------------------------------------


def test_the_check_lists_each_county_and_purpose_without_an_approved_template_when_the_gateway_is_real(
        tree, settings):
    settings.SMS_BACKEND = "core.sms_gateways.AliyunSmsBackend"
    settings.SMS_ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"  # never contacted by the check
    [error] = sms_templates_check()
    assert error.id == "gov_services.E010"
    assert "测试县: pickup_code" in error.msg and "platform-wide: phone_code" in error.msg
    missing = sms_templates_missing(county_paths=[tree["county"].path])
    assert (tree["county"].path, "pickup_code") in missing and ("", "phone_code") in missing


def test_the_check_passes_once_every_pair_has_an_approved_template(tree, settings):
    settings.SMS_BACKEND = "core.sms_gateways.TencentSmsBackend"
    settings.SMS_TENCENT_ENDPOINT = "sms.tencentcloudapi.com"
    admin = UserFactory(is_superuser=True)
    from core.sms import sms_purposes

    for number, purpose in enumerate(sms_purposes()):
        sms_template_save(user=admin, region_path=tree["county"].path if purpose.county else "",
                          purpose=purpose.key, template_code=str(1900000 + number), sign_name="乐亭村站")
    assert sms_templates_check() == []
    SmsTemplate.objects.filter(purpose="care_offer").update(approved=False)
    [error] = sms_templates_check()
    assert "care_offer" in error.msg and "pickup_code" not in error.msg


@pytest.mark.parametrize("backend", ["core.sms.ConsoleBackend", "core.sms.OutboxBackend",
                                     "core.sms_gateways.AliyunSmsBackend"])
def test_the_check_passes_with_the_console_the_outbox_and_the_simulator(tree, settings, backend):
    settings.SMS_BACKEND = backend
    settings.SMS_ALIYUN_ENDPOINT = "simulator"
    assert sms_templates_check() == []


def test_a_message_queued_without_an_approved_template_fails_with_the_reason_and_sends_nothing(
        tree, aliyun, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, region_path=_village(tree))
    row = SmsOutboxMessage.objects.get()
    assert row.status == "failed" and "no approved template" in row.last_error and aliyun.requests == 0


# --- gateway errors through the outbox ----------------------------------------------------------------------


def test_a_bad_signature_fails_the_message_at_once_without_retries(tree, aliyun, settings,
                                                                     django_capture_on_commit_callbacks):
    _template(tree)
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "a-leaked-and-rotated-secret"
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, region_path=_village(tree))
    row = SmsOutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("failed", 1) and "SignatureDoesNotMatch" in row.last_error


def test_flow_control_is_retried_until_the_gateway_takes_the_message(tree, aliyun,
                                                                       django_capture_on_commit_callbacks):
    _template(tree)
    aliyun.fail_next("isv.BUSINESS_LIMIT_CONTROL")
    aliyun.fail_next("Throttling.User")
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, region_path=_village(tree))
    row = SmsOutboxMessage.objects.get()
    assert (row.status, row.attempts, len(aliyun.sent)) == ("sent", 3, 1)


# --- daily limits per number --------------------------------------------------------------------------------


def test_beyond_the_daily_limit_a_message_is_recorded_as_refused_and_not_sent(
        tree, settings, django_capture_on_commit_callbacks):
    settings.SMS_DAILY_LIMITS = {"pickup_code": 2}
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, reference=f"P-{n}",
                        region_path=_village(tree))
        sms_enqueue(phone="13900000000", purpose="pickup_code", params=PICKUP, reference="P-9",
                    region_path=_village(tree))
    rows = {row.reference: row for row in SmsOutboxMessage.objects.all()}
    assert [rows[f"P-{n}"].status for n in range(3)] == ["sent", "sent", "refused"]
    assert rows["P-2"].last_error == "daily limit: 2 pickup_code messages per number per day"
    assert rows["P-9"].status == "sent"  # another number has its own count


def test_phone_codes_stop_at_ten_a_day_with_a_refused_row(settings):
    for _ in range(10):
        sms_send(phone="13812345678", purpose="phone_code", params={"code": "123456", "minutes": 10})
    with pytest.raises(SmsLimitError):
        sms_send(phone="13812345678", purpose="phone_code", params={"code": "654321", "minutes": 10})
    statuses = list(SmsOutboxMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["sent"] * 10 + ["refused"]
    assert not SmsOutboxMessage.objects.filter(text__contains="123456").exists()  # codes masked
    settings.SMS_DAILY_LIMITS = {"phone_code": 20}  # configurable
    sms_send(phone="13812345678", purpose="phone_code", params={"code": "111111", "minutes": 10})


def test_the_supervision_digest_counts_the_limit_in_bulk_too(settings):
    from core.sms import OutgoingSms, sms_enqueue_many

    settings.SMS_DAILY_LIMITS = {"supervision_digest": 1}
    params = {"items": "2 件即将超期", "link": "https://cz.example.cn/dept/"}
    assert sms_enqueue_many([OutgoingSms("13812345678", "supervision_digest", params, reference="S1")]) == 1
    assert sms_enqueue_many([OutgoingSms("13812345678", "supervision_digest", params, reference="S2")]) == 0
    assert SmsOutboxMessage.objects.get(reference="S2").status == "refused"


# --- delivery receipts --------------------------------------------------------------------------------------


def _sent_through_the_simulator(tree, aliyun, django_capture_on_commit_callbacks):
    _template(tree)
    with django_capture_on_commit_callbacks(execute=True):
        sms_enqueue(phone="13812345678", purpose="pickup_code", params=PICKUP, region_path=_village(tree))
    return aliyun.sent[0], SmsOutboxMessage.objects.get()


def _push(client, provider, payload, token="receipt-token-of-the-county"):
    return client.post(reverse("sms:receipts", args=[provider, token]), data=json.dumps(payload),
                       content_type="application/json")


def test_an_aliyun_receipt_records_delivery_once_and_a_replay_changes_nothing(
        client, tree, aliyun, django_capture_on_commit_callbacks):
    sms, row = _sent_through_the_simulator(tree, aliyun, django_capture_on_commit_callbacks)
    response = _push(client, "aliyun", receipt_for(sms))
    assert response.status_code == 200 and response.json() == {"code": 0, "msg": "成功"}
    row.refresh_from_db()
    assert row.delivery == "delivered" and row.delivered_at is not None
    first = row.delivered_at
    assert _push(client, "aliyun", receipt_for(sms, delivered=False, code="MK:0001")).status_code == 200
    row.refresh_from_db()
    assert (row.delivery, row.delivered_at, row.delivery_error) == ("delivered", first, "")


def test_a_tencent_receipt_of_an_undelivered_message_keeps_the_carriers_code(client, tree, settings):
    SmsOutboxMessage.objects.create(phone="13812345678", text="x", purpose="pickup_code", status="sent",
                                    gateway_id="2433:346228003219640009111731406660")
    settings.SMS_RECEIPT_TOKEN = "receipt-token-of-the-county"
    payload = [{"user_receive_time": "2026-12-06 10:00:00", "nationcode": "86", "mobile": "13812345678",
                "report_status": "FAIL", "errmsg": "UNDELIV", "description": "用户短信未送达",
                "sid": "2433:346228003219640009111731406660"}]
    response = _push(client, "tencent", payload)
    assert response.json() == {"result": 0, "errmsg": "OK"}
    row = SmsOutboxMessage.objects.get()
    assert row.delivery == "undelivered" and row.delivery_error == "UNDELIV 用户短信未送达"


def test_a_receipt_with_a_wrong_token_or_without_one_set_is_not_found(client, settings):
    settings.SMS_RECEIPT_TOKEN = "receipt-token-of-the-county"
    assert _push(client, "aliyun", [], token="guessed").status_code == 404
    settings.SMS_RECEIPT_TOKEN = ""
    assert client.post("/sms/receipts/aliyun/anything/", data="[]", content_type="application/json").status_code == 404


def test_a_receipt_that_is_not_the_providers_shape_is_a_bad_request(client, settings):
    settings.SMS_RECEIPT_TOKEN = "receipt-token-of-the-county"
    assert _push(client, "aliyun", {"nothing": "here"}).status_code == 400
    bad = client.post(reverse("sms:receipts", args=["tencent", "receipt-token-of-the-county"]), data=b"\xff",
                      content_type="application/json")
    assert bad.status_code == 400


def test_a_receipt_for_another_number_does_not_touch_the_row(client, tree, settings):
    SmsOutboxMessage.objects.create(phone="13812345678", text="x", purpose="pickup_code", status="sent",
                                    gateway_id="900619746936498440^0")
    settings.SMS_RECEIPT_TOKEN = "receipt-token-of-the-county"
    _push(client, "aliyun", [{"biz_id": "900619746936498440^0", "phone_number": "13900009999", "success": True}])
    assert SmsOutboxMessage.objects.get().delivery == ""
