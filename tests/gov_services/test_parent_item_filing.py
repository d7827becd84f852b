"""A catalogue item with active sub-items (子项) is never filed itself: the filing service refuses it
with a zh-hans message naming the sub-items, whichever channel files it — the counter, the resident's online
form, the hotline's and the API's — also when the parent's page is opened by its URL; the pickers offer the
sub-items under their parent instead. The `licence` fixture (a parent and two sub-items) is in conftest.py."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import api_key_create
from gov_services.models import ServiceRequest
from gov_services.requests.services import service_request_submit
from tests.factories import valid_id_number

pytestmark = pytest.mark.django_db

REFUSAL = "须按子项办理"  # “%(item)s”须按子项办理，请选择相应的子项：…


def submit(item, *, actor, channel, station=None, village=None, applicant_user=None, consent="witnessed"):
    return service_request_submit(
        actor=actor, idempotency_key=uuid.uuid4(), kind="application", item=item, applicant_name="王秀英",
        applicant_id_number=valid_id_number(1), applicant_phone="13812345678", applicant_user=applicant_user,
        consent=consent, channel=channel, station=station, village=village, form_data={})


# --- the service, per channel -------------------------------------------------------------------------------

@pytest.fixture
def filers(tree, station, operator, resident, county_admin):
    """How each channel files: who, from where, with which consent."""
    village = tree["villages"][0]
    return {
        "counter": {"actor": operator, "station": station},
        "web": {"actor": resident, "village": village, "applicant_user": resident, "consent": "self"},
        "phone": {"actor": county_admin, "village": village},
        "api": {"actor": county_admin, "village": village},
    }


@pytest.mark.parametrize("channel", ["counter", "web", "phone", "api"])
def test_the_service_refuses_a_parent_with_active_sub_items_and_names_them(filers, licence, channel):
    with pytest.raises(ValidationError) as refused:
        submit(licence["parent"], channel=channel, **filers[channel])

    [message] = refused.value.message_dict["item"]
    assert REFUSAL in message and "食品经营许可（新办）、食品经营许可（延续）" in message
    assert not ServiceRequest.objects.exists()
    filed = submit(licence["new"], channel=channel, **filers[channel])
    assert filed.item == licence["new"]


def test_a_parent_whose_sub_items_are_all_inactive_is_filed_itself(filers, licence):
    for key in ("new", "renew"):
        licence[key].is_active = False
        licence[key].save()

    filed = submit(licence["parent"], channel="counter", **filers["counter"])

    assert filed.item == licence["parent"]


def test_an_inactive_sub_item_is_not_named(filers, licence):
    licence["renew"].is_active = False
    licence["renew"].save()

    with pytest.raises(ValidationError) as refused:
        submit(licence["parent"], channel="phone", **filers["phone"])

    assert "延续" not in refused.value.message_dict["item"][0]


# --- the counter ----------------------------------------------------------------------------------------------

def test_the_counter_form_of_a_parent_sends_the_operator_to_its_sub_items(client, operator, licence):
    client.force_login(operator)

    response = client.get(reverse("gov_services:counter-application-create", args=[licence["parent"].pk]),
                          follow=True)

    assert response.redirect_chain[0][0] == reverse("gov_services:counter-request-create") + "?q=XK-01"
    html = response.content.decode()
    assert REFUSAL in html
    parent = next(item for item in response.context["items"] if item == licence["parent"])
    assert parent.sub_item_list == [licence["new"], licence["renew"]]
    assert reverse("gov_services:counter-application-create", args=[licence["new"].pk]) in html


def test_a_counter_application_posted_for_a_parent_is_refused_and_keeps_what_was_typed(client, operator, licence):
    client.force_login(operator)

    response = client.post(reverse("gov_services:counter-application-create", args=[licence["parent"].pk]), {
        "idempotency_key": str(uuid.uuid4()), "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
        "applicant_phone": "13812345678", "consent": "witnessed"})

    html = response.content.decode()
    assert response.status_code == 200 and REFUSAL in html and 'value="王秀英"' in html
    assert not ServiceRequest.objects.exists()


# --- the resident's online form -----------------------------------------------------------------------------------

def test_the_online_form_of_a_parent_sends_the_resident_to_its_guide(client, resident, licence):
    client.force_login(resident)

    response = client.get(reverse("gov_services:resident-service-request-create", args=["XK-01"]), follow=True)

    assert response.redirect_chain[0][0] == reverse("gov_services:resident-service-item-detail", args=["XK-01"])
    assert REFUSAL in response.content.decode()
    assert [item.code for item in response.context["sub_items"]] == ["XK-01-01", "XK-01-02"]


def test_an_online_application_posted_for_a_parent_is_refused(client, resident, tree, licence):
    client.force_login(resident)
    data = {"idempotency_key": str(uuid.uuid4()), "applicant_name": "张小明", "applicant_id_number": valid_id_number(2),
            "applicant_phone": "13935001234", "village": str(tree["villages"][0].pk), "declaration": "on"}

    refused = client.post(reverse("gov_services:resident-service-request-create", args=["XK-01"]), data)

    assert refused.status_code == 200 and REFUSAL in refused.content.decode()
    assert not ServiceRequest.objects.exists()
    filed = client.post(reverse("gov_services:resident-service-request-create", args=["XK-01-01"]),
                        {**data, "idempotency_key": str(uuid.uuid4())})
    assert filed.status_code == 302 and ServiceRequest.objects.get().item == licence["new"]


# --- the API ----------------------------------------------------------------------------------------------------

def test_the_api_refuses_a_parent_in_chinese_and_files_its_sub_item(client, county_admin, tree, licence):
    key = api_key_create(user=county_admin, name="县政务微信公众号", actor=None)[1]
    body = {"idempotency_key": str(uuid.uuid4()), "kind": "application", "channel": "wechat",
            "village_code": tree["villages"][0].code, "item_code": "XK-01", "applicant_name": "王秀英",
            "applicant_id_number": valid_id_number(4), "applicant_phone": "13812345678"}

    def post(**overrides):
        return client.post("/api/requests/", {**body, **overrides}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")

    refused = post()
    assert refused.status_code == 422 and REFUSAL in refused.json()["errors"]["item"][0]
    assert not ServiceRequest.objects.exists()
    filed = post(idempotency_key=str(uuid.uuid4()), item_code="XK-01-02")
    assert filed.status_code == 201 and ServiceRequest.objects.get().item == licence["renew"]


# --- the hotline ----------------------------------------------------------------------------------------------------

def test_the_hotline_logs_appeals_only_so_no_catalogue_item_is_chosen_there(client, county_admin, licence):
    client.force_login(county_admin)

    form = client.get(reverse("gov_services:county-appeal-create")).context["form"]

    assert "item" not in form.fields  # an application by phone goes through the API (channel "phone") above
