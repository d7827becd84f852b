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


def test_a_missing_key_is_answered_with_the_documented_error_body_in_chinese(client, tree):
    response = client.post("/api/requests/", appeal(tree["villages"][0]), content_type="application/json")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"message": "需要有效的 API 密钥：请以 Authorization: Bearer <密钥> 发送。", "errors": {}}


def test_a_body_that_is_not_json_gets_400_and_nothing_is_filed(client, key):
    response = client.post("/api/requests/", "{not json", content_type="application/json", **auth(key))
    assert response.status_code == 400
    assert response.json() == {"message": "请求正文不是有效的 JSON。", "errors": {}}
    assert not ServiceRequest.objects.exists()


def test_fields_the_schema_refuses_come_back_per_field_like_the_services_errors(client, key, tree):
    body = appeal(tree["villages"][0], kind="complaint")
    del body["applicant_name"]
    response = post(client, body, key)
    assert response.status_code == 422
    assert response.json()["message"] == "请更正以下各项。"
    assert set(response.json()["errors"]) == {"kind", "applicant_name"}


@pytest.mark.parametrize("field", ["description", "applicant_name", "village_code"])
def test_a_nul_character_in_a_text_field_is_refused_with_400_naming_it_not_a_server_error(client, key, tree,
                                                                                         dispatch_desk, field):
    """core.text_input refuses it before the API parses the body; the schema would refuse it too (422)."""
    response = post(client, appeal(tree["villages"][0], **{field: "王\x00秀英"}), key)
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not ServiceRequest.objects.exists()


def test_a_nul_character_in_a_tracking_code_is_refused_with_400(client, key):
    response = client.get("/api/requests/AB%00CD", **auth(key))
    assert response.status_code == 400 and "path" in response.json()["errors"]


def test_the_openapi_schema_documents_the_errors_every_operation_may_answer(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    create, detail = paths["/api/requests/"]["post"]["responses"], paths["/api/requests/{tracking_code}"]["get"]
    assert {"400", "401", "403", "409", "422"} <= set(create)
    assert {"401", "404", "422"} <= set(detail["responses"])
    assert "401" not in paths["/api/stations/"]["get"]["responses"]
    assert create["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
