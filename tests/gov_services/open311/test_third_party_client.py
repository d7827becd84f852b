"""Our GeoReport v2 server read by an existing client, unchanged: the `georeport` package from PyPI (a
read-only GeoReport v2 client on requests + xmltodict), in JSON and in XML. Only its HTTP transport is
replaced: requests' adapter hands each request to Django's test client (a live server would need a test
database of its own in every process). The request it reads was filed by our own Open311 POST, as a
hotline system would."""

import pytest
import requests
from django.test import Client
from georeport import GeoReport
from requests.structures import CaseInsensitiveDict

from gov_services.models import ServiceRequest
from tests.gov_services.open311.conftest import report

pytestmark = pytest.mark.django_db
SITE = "https://cunzhan.test"


@pytest.fixture
def http_to_django(monkeypatch, settings):
    """Every request `requests` sends to SITE is answered by this Django; anything else is refused."""
    settings.ALLOWED_HOSTS = ["*"]

    def send(adapter, request, **_kwargs):
        assert request.url.startswith(SITE), f"no network in tests: {request.url}"
        answer = Client().generic(request.method, request.url[len(SITE):], secure=True)
        response = requests.Response()
        response.status_code, response._content, response.url = answer.status_code, answer.content, request.url
        response.headers, response.encoding, response.request = CaseInsensitiveDict(answer.items()), "utf-8", request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_an_existing_georeport_client_reads_services_definitions_and_requests(
        http_to_django, client, hotline_key, mapped_tree, online_item, dispatch_desk, output_format):
    county = mapped_tree["county"].code
    posted = client.post("/open311/v2/requests.json", report(hotline_key, jurisdiction_id=county))
    assert posted.status_code == 200, posted.content
    filed = ServiceRequest.objects.get()

    georeport = GeoReport(f"{SITE}/open311/v2", jurisdiction=county, output_format=output_format)
    services = georeport.get_service_list()
    assert {"appeal-help", "DB-001"} <= {s["service_code"] for s in services}

    definition = georeport.get_service_definition("DB-001")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = attributes["attribute"]
    assert {a["code"] for a in attributes} >= {"applicant_id_number", "household_size", "reason"}

    one = georeport.get_service_request(filed.tracking_code)
    if output_format == "xml":
        one = one[0] if isinstance(one, list) else one
    assert (one["service_request_id"], one["status"], one["service_code"]) == (filed.tracking_code, "open",
                                                                               "appeal-help")

    listed = georeport.get_service_requests(status="open", service_code="appeal-help")
    if output_format == "xml":
        listed = listed if isinstance(listed, list) else [listed]
    assert [r["service_request_id"] for r in listed] == [filed.tracking_code]
    if output_format == "json":  # (the client's XML path cannot read an empty list: its own limitation)
        assert georeport.get_service_requests(status="closed") == []
