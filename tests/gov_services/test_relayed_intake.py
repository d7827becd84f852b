"""Requests that do not start at a station's counter: a liaison's relay, and a call or WeChat message
logged by township or county staff (/county/requests/new/)."""

import uuid

import pytest
from django.urls import reverse

from gov_services.models import ServiceRequest
from tests.factories import valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

Channel = ServiceRequest.Channel
URL = "gov_services:county-appeal-create"


def appeal_form(village, **overrides):
    data = {"idempotency_key": str(uuid.uuid4()), "channel": "phone", "village": village.pk,
            "appeal_category": "help", "subject": "路灯", "description": "村口路灯坏了一个月", "place": "村口",
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(2), "applicant_phone": "13812345678",
            "consent": "witnessed"}
    data.update(overrides)
    return data


def test_a_liaison_files_at_the_counter_as_a_relay_from_the_households(client, liaison, station, dispatch_desk):
    client.force_login(liaison)
    data = appeal_form(station.village)
    del data["channel"], data["village"]
    response = client.post(reverse("gov_services:counter-appeal-create"), data)
    assert response.status_code == 302
    assert ServiceRequest.objects.get().channel == Channel.LIAISON


def test_an_operator_files_at_the_counter_as_the_counter(client, operator, station, dispatch_desk):
    client.force_login(operator)
    data = appeal_form(station.village)
    del data["channel"], data["village"]
    client.post(reverse("gov_services:counter-appeal-create"), data)
    assert ServiceRequest.objects.get().channel == Channel.COUNTER


def test_county_admin_logs_a_hotline_call_for_a_village_and_it_is_routed(client, county_admin, tree, dispatch_desk):
    client.force_login(county_admin)
    village = tree["villages"][-1]
    page = client.get(reverse(URL))
    assert page.status_code == 200 and village.name in page.content.decode()
    response = client.post(reverse(URL), appeal_form(village, channel="wechat"))
    appeal = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "gov_services:county-request-detail", args=[appeal.pk])
    assert (appeal.channel, appeal.village, appeal.station, appeal.consent) == (
        Channel.WECHAT, village, None, ServiceRequest.Consent.WITNESSED)
    assert appeal.department == dispatch_desk and appeal.events.count() == 1


def test_the_same_call_logged_twice_is_one_appeal(client, county_admin, tree, dispatch_desk):
    client.force_login(county_admin)
    data = appeal_form(tree["villages"][0])
    client.post(reverse(URL), data)
    client.post(reverse(URL), data)
    assert ServiceRequest.objects.count() == 1


def test_a_township_admin_cannot_log_for_a_village_outside_the_township(client, township_admin, tree,
                                                                         dispatch_desk):
    client.force_login(township_admin)
    outside = tree["villages"][-1]
    page = client.get(reverse(URL)).content.decode()
    assert outside.name not in page and tree["villages"][0].name in page
    response = client.post(reverse(URL), appeal_form(outside))
    assert response.status_code == 200 and response.context["form"].errors["village"]
    assert not ServiceRequest.objects.exists()


def test_missing_words_and_a_bad_phone_come_back_beside_their_fields(client, county_admin, tree, dispatch_desk):
    client.force_login(county_admin)
    response = client.post(reverse(URL), appeal_form(tree["villages"][0], description="", applicant_phone="123"))
    errors = response.context["form"].errors
    assert "description" in errors and "applicant_phone" in errors
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("who", ["operator", "officer", "resident"])
def test_only_admins_log_calls(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 403
