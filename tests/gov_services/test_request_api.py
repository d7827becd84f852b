"""Other systems file and follow requests through /api/requests/ with an API key that acts as a user."""

import uuid

import pytest
from django.core.management import call_command

from accounts.models import ApiKey
from accounts.services import api_key_create, api_key_revoke
from core.models import AuditEvent
from gov_services.models import ServiceRequest
from tests.factories import valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(county_admin):
    return api_key_create(user=county_admin, name="县政务微信公众号", actor=None)[1]


def auth(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def appeal(village, **overrides):
    body = {"idempotency_key": str(uuid.uuid4()), "kind": "appeal", "channel": "wechat", "village_code": village.code,
            "appeal_category": "help", "description": "村口路灯坏了", "applicant_name": "王秀英",
            "applicant_id_number": valid_id_number(4), "applicant_phone": "13812345678"}
    body.update(overrides)
    return body


def post(client, body, key, **extra):
    return client.post("/api/requests/", body, content_type="application/json", **auth(key), **extra)


def test_a_wechat_appeal_is_filed_and_routed_and_comes_back_with_its_tracking_code(client, key, tree,
                                                                                    dispatch_desk):
    response = post(client, appeal(tree["villages"][1]), key)
    assert response.status_code == 201
    filed = ServiceRequest.objects.get()
    assert response.json()["tracking_code"] == filed.tracking_code
    assert (filed.channel, filed.village, filed.department) == ("wechat", tree["villages"][1], dispatch_desk)


def test_a_retry_returns_the_first_request_and_other_content_under_the_key_is_a_conflict(client, key, tree,
                                                                                          dispatch_desk):
    body = appeal(tree["villages"][0])
    first = post(client, body, key)
    again = post(client, body, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert post(client, {**body, "description": "别的事"}, key).status_code == 409
    assert ServiceRequest.objects.count() == 1


def test_bad_fields_come_back_per_field_in_chinese(client, key, tree, dispatch_desk):
    response = post(client, appeal(tree["villages"][0], applicant_id_number="123", village_code="nowhere"), key)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "applicant_id_number" in errors and errors["village"] == ["没有这个代码的村或社区。"]
    assert not ServiceRequest.objects.exists()


def test_the_key_can_do_only_what_its_user_may(client, tree, township_admin, dispatch_desk):
    key = api_key_create(user=township_admin, name="乡镇热线", actor=None)[1]
    outside = tree["villages"][-1]
    assert post(client, appeal(outside), key).status_code == 403
    assert not ServiceRequest.objects.exists()


def test_no_key_a_wrong_key_or_a_revoked_key_gets_401(client, county_admin, tree, dispatch_desk):
    token, key = api_key_create(user=county_admin, name="热线", actor=None)
    assert client.post("/api/requests/", appeal(tree["villages"][0]), content_type="application/json").status_code == 401
    assert post(client, appeal(tree["villages"][0]), "cz_wrong").status_code == 401
    api_key_revoke(token=token, actor=None)
    assert post(client, appeal(tree["villages"][0]), key).status_code == 401
    assert AuditEvent.objects.filter(action__in=["api_key.create", "api_key.revoke"]).count() == 2


def test_following_a_request_shows_its_status_and_public_timeline(client, key, tree, dispatch_desk):
    code = post(client, appeal(tree["villages"][0]), key).json()["tracking_code"]
    response = client.get(f"/api/requests/{code.lower()}", **auth(key))
    assert response.status_code == 200
    assert response.json()["status"] == "submitted" and response.json()["events"][0]["action"] == "submit"
    assert client.get("/api/requests/ABCDEFGHJ", **auth(key)).status_code == 404


def test_only_a_hash_of_the_key_is_kept_and_the_command_shows_the_key_once(county_admin, capsys):
    call_command("api_key", "create", county_admin.username, "热线系统")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    stored = ApiKey.objects.get()
    assert key.startswith("cz_") and key not in (stored.key_hash, stored.prefix)
    assert stored.prefix == key[3:11]
