"""Who may open the department's queue and a request's page, and who gets a request's scans and
signature, with which headers."""


import pytest
from django.urls import reverse

from accounts.roles import Role
from gov_services.models import ServiceRequest
from tests.factories import ServiceRequestFactory, UserFactory, jpeg_bytes, png_bytes, staff_user
from tests.gov_services.dept_helpers import QUEUE, act, actions_of, detail_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# --- access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["operator", "resident", "township_admin"])
def test_non_officers_get_403_on_the_queue_and_request_pages(client, request, who, filed):
    client.force_login(request.getfixturevalue(who))
    assert client.get(QUEUE).status_code == 403
    assert client.get(detail_url(filed)).status_code == 403
    assert act(client, filed, "accept").status_code == 403
    assert actions_of(filed) == ["submit"]


def test_officer_of_another_department_gets_404_and_changes_nothing(client, other_officer, filed):
    client.force_login(other_officer)
    assert client.get(detail_url(filed)).status_code == 404
    assert act(client, filed, "claim").status_code == 404
    filed.refresh_from_db()
    assert filed.assignee is None and actions_of(filed) == ["submit"]


def test_anonymous_visitor_is_sent_to_sign_in(client, filed):
    response = client.get(detail_url(filed))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_superuser_sees_every_queue(client, superuser, filed):
    client.force_login(superuser)
    assert list(client.get(QUEUE).context["requests"]) == [filed]
    assert client.get(detail_url(filed)).status_code == 200


# --- files ---------------------------------------------------------------------------------------

def test_attachment_streams_inline_with_safe_headers_and_downloads_on_request(client, officer, filed):
    scan = filed.attachments.get()
    client.force_login(officer)
    url = reverse("gov_services:request-attachment", args=[scan.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]
    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''%E8%BA%AB%E4%BB%BD%E8%AF%81.jpg" in download["Content-Disposition"]


@pytest.mark.parametrize("who, status", [
    ("other_officer", 404), ("township_admin_elsewhere", 404),  # staff: someone else's request
    ("resident", 404),  # a resident: another applicant's request, as one that does not exist
    ("merchant", 403), ("no_role", 403),  # neither staff nor resident: not their workspace
])
def test_attachment_and_signature_are_refused_to_those_who_may_not_see_the_request(client, request, filed, tree,
                                                                                  who, status):
    if who == "township_admin_elsewhere":

        user = staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][1])
    elif who in ("merchant", "no_role"):
        user = UserFactory(roles=[Role.MERCHANT] if who == "merchant" else [])
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    scan = filed.attachments.get()
    assert client.get(reverse("gov_services:request-attachment", args=[scan.pk])).status_code == status
    assert client.get(reverse("gov_services:request-signature", args=[filed.pk])).status_code == status


@pytest.mark.parametrize("who", ["operator", "applicant"])
def test_the_station_and_the_applicant_get_the_requests_files(client, filed, operator, resident, who):
    ServiceRequest.objects.filter(pk=filed.pk).update(applicant_user=resident)
    client.force_login(operator if who == "operator" else resident)
    assert client.get(reverse("gov_services:request-attachment", args=[filed.attachments.get().pk])).status_code == 200
    assert client.get(reverse("gov_services:request-signature", args=[filed.pk])).status_code == 200


def test_signature_is_served_as_png_to_the_handling_officer(client, officer, filed):
    client.force_login(officer)
    response = client.get(reverse("gov_services:request-signature", args=[filed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"


def test_request_without_signature_gives_404(client, officer, request_item, station):
    bare = ServiceRequestFactory(item=request_item, station=station)
    client.force_login(officer)
    assert client.get(reverse("gov_services:request-signature", args=[bare.pk])).status_code == 404


def test_anonymous_visitor_cannot_download(client, filed):
    response = client.get(reverse("gov_services:request-attachment", args=[filed.attachments.get().pk]))
    assert response.status_code == 302
