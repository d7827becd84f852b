"""GeoReport v2 driven as an outside client would: discovery → services → definition → POST → GET by id and
by token → search by status and date, in JSON and XML; the standard's errors; keys scoped to a channel and
its county; rate limits."""

from xml.etree import ElementTree

import pytest
from django.utils import timezone

from core.models import SmsOutboxMessage
from gov_services.models import ChannelRequest, RequestEvent, ServiceRequest
from gov_services.requests.services import (
    service_request_accept,
    service_request_approve,
    service_request_complete,
    service_request_start_review,
)
from tests.factories import jpeg_bytes
from tests.gov_services.open311.conftest import BASE, report

pytestmark = pytest.mark.django_db


def test_an_outside_client_finds_the_services_files_a_report_and_follows_it(client, hotline_key, mapped_tree,
                                                                             online_item, dispatch_desk, superuser,
                                                                             private_files):
    discovery = client.get(f"{BASE}/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2/")
    county = mapped_tree["county"].code

    services = client.get(f"{BASE}/services.json", {"jurisdiction_id": county}).json()
    codes = {s["service_code"]: s for s in services}
    assert {"appeal-help", "appeal-complaint", "DB-001"} <= set(codes)
    assert codes["DB-001"]["metadata"] is True and codes["DB-001"]["type"] == "realtime"

    definition = client.get(f"{BASE}/services/DB-001.json", {"jurisdiction_id": county}).json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["applicant_id_number"]["required"] is True
    assert attributes["household_size"]["datatype"] == "number"
    assert attributes["reason"]["datatype"] == "singlevaluelist"
    assert attributes["reason"]["values"] == [{"key": "illness", "name": "因病"}, {"key": "disability", "name": "因残"}]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]

    photo = _photo()
    posted = client.post(f"{BASE}/requests.json", {**report(hotline_key, jurisdiction_id=county), "media": photo})
    assert posted.status_code == 200, posted.content
    [answer] = posted.json()
    filed = ServiceRequest.objects.get()
    assert answer["service_request_id"] == filed.tracking_code and "token" not in answer
    # The same intake as every channel: routed, first event, resident's SMS, the photo checked and kept.
    assert (filed.channel, filed.village, filed.department) == ("phone", mapped_tree["villages"][0], dispatch_desk)
    assert filed.applicant_name == "王秀英" and filed.is_public
    assert str(filed.latitude) == "39.400100" and filed.attachments.get().content_type == "image/jpeg"
    assert RequestEvent.objects.filter(request=filed, action="submit").count() == 1
    assert SmsOutboxMessage.objects.filter(reference=filed.tracking_code).exists()
    assert ChannelRequest.objects.get(request=filed).channel.code == "hotline-12345"

    [row] = client.get(f"{BASE}/requests/{filed.tracking_code}.json").json()
    assert (row["status"], row["detailed_status"], row["service_code"]) == ("open", "submitted", "appeal-help")
    assert row["agency_responsible"] == dispatch_desk.name and row["address_id"] == mapped_tree["villages"][0].code
    assert row["lat"] == "39.400100" and row["requested_datetime"].endswith("+08:00")
    assert "王" not in str(row) and "138" not in str(row)  # no personal data

    service_request_accept(request=filed, actor=superuser)
    today = timezone.localdate().isoformat()
    opened = client.get(f"{BASE}/requests.json", {"status": "open", "start_date": f"{today}T00:00:00+08:00"}).json()
    assert [r["detailed_status"] for r in opened] == ["accepted"]
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    service_request_start_review(request=filed, actor=superuser)
    service_request_approve(request=filed, actor=superuser, note="同意")
    service_request_complete(request=filed, actor=superuser, note="路灯已修好")
    [closed] = client.get(f"{BASE}/requests.json", {"status": "closed", "service_code": "appeal-help"}).json()
    assert (closed["status"], closed["detailed_status"], closed["status_notes"]) == ("closed", "completed", "路灯已修好")
    assert client.get(f"{BASE}/requests.json", {"service_request_id": f"{filed.tracking_code},NOPE"}).json()[0][
        "service_request_id"] == filed.tracking_code

    xml = client.get(f"{BASE}/requests/{filed.tracking_code}.xml")
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "service_requests" and root.find("request/status").text == "closed"
    assert root.find("request/service_request_id").text == filed.tracking_code


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("light.jpg", jpeg_bytes(), content_type="image/jpeg")


def test_the_request_search_is_one_query_however_many_requests(client, hotline_key, mapped_tree, dispatch_desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(3):
        client.post(f"{BASE}/requests.json", report(hotline_key, description=f"第{number}盏路灯坏了"))
    county = mapped_tree["county"].code
    client.get(f"{BASE}/requests.json", {"jurisdiction_id": county})  # warm the county look-up's caches
    with CaptureQueriesContext(connection) as queries:
        rows = client.get(f"{BASE}/requests.json", {"jurisdiction_id": county}).json()
    assert len(rows) == 3
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 2, statements  # the county, then the requests with their latest event and note
