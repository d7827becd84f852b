"""GeoReport v2's refusals in its own error format and HTTP codes; keys scoped to a channel and its county;
rate limits; XML; applications filed with their e-form as attributes; requests accepted by token."""

from xml.etree import ElementTree

import pytest

from accounts.services import api_key_create
from gov_services.channels.services import channel_create, channel_key_issue
from gov_services.models import Open311Token, ServiceRequest
from tests.factories import county_tree
from tests.gov_services.open311.conftest import BASE, report

pytestmark = pytest.mark.django_db


def errors(response, status: int) -> list[str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert all(set(entry) == {"code", "description"} and entry["code"] == status for entry in body)
    return [entry["description"] for entry in body]


def test_missing_and_unknown_parameters_get_the_standards_errors(client, hotline_key, mapped_tree, dispatch_desk):
    county = mapped_tree["county"].code
    assert "service_code" in errors(client.post(f"{BASE}/requests.json", report(hotline_key, service_code="")), 400)[0]
    assert "appeal-nothing" in errors(client.post(f"{BASE}/requests.json",
                                                  report(hotline_key, service_code="appeal-nothing")), 404)[0]
    assert errors(client.get(f"{BASE}/services/NOPE.json", {"jurisdiction_id": county}), 404)
    assert "999999" in errors(client.get(f"{BASE}/services.json", {"jurisdiction_id": "999999"}), 404)[0]
    no_place = report(hotline_key, lat=None, long=None)
    assert errors(client.post(f"{BASE}/requests.json", no_place), 400) == [
        "必须提供位置：lat 和 long、address_string 或 address_id 之一。"]
    far = report(hotline_key, lat="22.500000", long="114.000000")
    assert "lat/long" in errors(client.post(f"{BASE}/requests.json", far), 400)[0]
    assert errors(client.post(f"{BASE}/requests.json", report(hotline_key, lat="north")), 400)
    assert errors(client.get(f"{BASE}/requests.json", {"status": "pending"}), 400)
    assert errors(client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400)
    assert errors(client.get(f"{BASE}/requests.json", {"start_date": "2026-01-01", "end_date": "2026-06-01"}), 400)
    assert errors(client.get(f"{BASE}/requests/NOPE.json"), 404)
    assert errors(client.get(f"{BASE}/tokens/nope.json"), 404)
    assert errors(client.delete(f"{BASE}/services.json"), 405)
    assert not ServiceRequest.objects.exists()


def test_the_intakes_own_checks_come_back_named_by_the_standards_parameters(client, hotline_key, dispatch_desk):
    unknown = report(hotline_key, **{"attribute[colour]": "red"})
    assert errors(client.post(f"{BASE}/requests.json", unknown), 400) == ["此服务不需要 attribute[colour]。"]
    in_english = client.post(f"{BASE}/requests.json", unknown, HTTP_ACCEPT_LANGUAGE="en")
    assert errors(in_english, 400) == ["attribute[colour] is not asked by this service."]
    bad = report(hotline_key, phone="12345", **{"attribute[applicant_id_number]": "123"})
    described = errors(client.post(f"{BASE}/requests.json", bad), 400)
    assert any(line.startswith("phone: ") for line in described)
    assert any(line.startswith("attribute[applicant_id_number]: ") for line in described)
    assert not ServiceRequest.objects.exists()


def test_errors_come_in_xml_for_an_xml_call(client, hotline_key, dispatch_desk):
    response = client.post(f"{BASE}/requests.xml", report(hotline_key, service_code="appeal-nothing"))
    assert response.status_code == 404 and response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors" and root.find("error/code").text == "404"
    assert "appeal-nothing" in root.find("error/description").text


def test_a_key_must_be_a_live_channel_key_of_the_jurisdiction(client, hotline, hotline_key, mapped_tree, county_admin,
                                                               dispatch_desk):
    assert "api_key" in errors(client.post(f"{BASE}/requests.json", report("")), 403)[0]
    assert errors(client.post(f"{BASE}/requests.json", report("cz_not-a-key")), 403)
    plain_key = api_key_create(user=county_admin, name="别的系统", actor=None)[1]  # /api/'s key, no channel
    assert "渠道" in errors(client.post(f"{BASE}/requests.json", report(plain_key)), 403)[0]
    elsewhere = county_tree()["county"]
    assert errors(client.post(f"{BASE}/requests.json", report(hotline_key, jurisdiction_id=elsewhere.code)), 403)
    hotline.is_active = False
    hotline.save()
    assert errors(client.post(f"{BASE}/requests.json", report(hotline_key)), 403)
    assert not ServiceRequest.objects.exists()


def test_a_channel_key_files_only_where_its_user_may(client, mapped_tree, township_admin, dispatch_desk):
    channel = channel_create(actor=None, name="乡镇热线", code="township-line", jurisdiction=mapped_tree["county"])
    key = channel_key_issue(actor=None, channel=channel, user=township_admin)[1]
    other_township = mapped_tree["villages"][-1]
    response = client.post(f"{BASE}/requests.json", report(key, lat=None, long=None, address_id=other_township.code))
    assert errors(response, 403)
    assert client.post(f"{BASE}/requests.json", report(key)).status_code == 200  # its own township's village


def test_a_channel_sees_its_own_requests_and_everyone_the_public_ones(client, hotline_key, mapped_tree, dispatch_desk):
    private = client.post(f"{BASE}/requests.json", report(hotline_key, **{"attribute[is_public]": "false"}))
    public = client.post(f"{BASE}/requests.json", report(hotline_key, description="水渠堵了"))
    private_id, public_id = private.json()[0]["service_request_id"], public.json()[0]["service_request_id"]
    anyone = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert anyone == {public_id}
    assert errors(client.get(f"{BASE}/requests/{private_id}.json"), 404)
    own = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json", {"api_key": hotline_key}).json()}
    assert own == {private_id, public_id}
    assert client.get(f"{BASE}/requests/{private_id}.json", {"api_key": hotline_key}).status_code == 200


def test_calls_over_the_channels_rate_get_429_in_the_standards_form(client, hotline, hotline_key):
    hotline.rate_limit = "3/m"
    hotline.save()
    answers = [client.get(f"{BASE}/services.json", {"api_key": hotline_key}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert errors(client.get(f"{BASE}/services.json", {"api_key": hotline_key}), 429)


def test_anonymous_calls_are_limited_by_address(client, settings, mapped_tree):
    settings.OPEN311_ANONYMOUS_RATE = "2/m"
    assert [client.get(f"{BASE}/services.json").status_code for _ in range(3)] == [200, 200, 429]


def test_an_application_is_filed_with_its_e_form_from_the_attributes(client, hotline_key, online_item, mapped_tree):
    county = mapped_tree["county"].code
    xml = client.get(f"{BASE}/services/DB-001.xml", {"jurisdiction_id": county})
    definition = ElementTree.fromstring(xml.content)
    assert definition.tag == "service_definition"
    assert [a.find("code").text for a in definition.iter("attribute")] == [
        "applicant_id_number", "household_size", "reason"]
    assert [v.find("key").text for v in definition.find("attributes/attribute[3]/values")] == ["illness", "disability"]

    body = report(hotline_key, service_code="DB-001", **{"attribute[household_size]": "abc", "attribute[reason]": "x",
                                                         "attribute[is_public]": None})
    described = errors(client.post(f"{BASE}/requests.json", body), 400)
    assert {line.split(":")[0] for line in described} == {"attribute[household_size]", "attribute[reason]"}
    body.update({"attribute[household_size]": "4", "attribute[reason]": "illness"})
    response = client.post(f"{BASE}/requests.xml", body)
    assert response.status_code == 200
    filed = ServiceRequest.objects.get()
    assert ElementTree.fromstring(response.content).find("request/service_request_id").text == filed.tracking_code
    assert (filed.kind, filed.item, filed.form_data) == ("application", online_item,
                                                         {"household_size": 4, "reason": "illness"})
    assert filed.is_public is False  # an application is never shown publicly


def test_the_same_report_sent_twice_with_an_idempotency_key_is_filed_once(client, hotline_key, dispatch_desk):
    first = client.post(f"{BASE}/requests.json", report(hotline_key), HTTP_IDEMPOTENCY_KEY="hotline-call-881")
    again = client.post(f"{BASE}/requests.json", report(hotline_key), HTTP_IDEMPOTENCY_KEY="hotline-call-881")
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert ServiceRequest.objects.count() == 1


def test_in_batch_mode_a_post_answers_a_token_that_later_gives_the_request(
        client, settings, hotline_key, mapped_tree, dispatch_desk, django_capture_on_commit_callbacks):
    settings.OPEN311_REQUEST_TYPE = "batch"
    assert {s["type"] for s in client.get(f"{BASE}/services.json").json()} == {"batch"}
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        response = client.post(f"{BASE}/requests.json", report(hotline_key))
    [answer] = response.json()
    assert "service_request_id" not in answer and answer["token"]
    [pending] = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    assert pending == {"service_request_id": None, "token": answer["token"]}
    for callback in waiting:  # the commit: Celery files it
        callback()
    [ready] = client.get(f"{BASE}/tokens/{answer['token']}.json").json()
    filed = ServiceRequest.objects.get()
    assert ready == {"service_request_id": filed.tracking_code, "token": answer["token"]}
    assert client.get(f"{BASE}/requests/{filed.tracking_code}.json").json()[0]["status"] == "open"
    xml = ElementTree.fromstring(client.get(f"{BASE}/tokens/{answer['token']}.xml").content)
    assert xml.find("request/service_request_id").text == filed.tracking_code


def test_a_token_whose_request_is_refused_says_why(client, settings, hotline_key, dispatch_desk,
                                                    django_capture_on_commit_callbacks):
    settings.OPEN311_REQUEST_TYPE = "batch"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/requests.json", report(hotline_key, phone="123"))
    token = response.json()[0]["token"]
    [row] = client.get(f"{BASE}/tokens/{token}.json").json()
    assert row["service_request_id"] is None and row["token_status"] == "failed"
    assert row["errors"][0]["description"].startswith("phone: ")
    assert Open311Token.objects.get().status == "failed" and not ServiceRequest.objects.exists()
