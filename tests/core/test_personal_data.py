"""Personal information (core/personal_data.py): every showing of a full ID number, phone or address is
logged and reviewable by the audit admin and the data officer; the inventory lists every such field."""

import re

import pytest
from django.apps import apps

from accounts.roles import Role
from core.models import AuditEvent, PersonalDataItem
from core.personal_data import VIEWED
from core.personal_data_inventory import INVENTORY
from tests.factories import ServiceRequestFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"core", "accounts", "stations", "agency", "gov_services", "shop", "portal", "reports", "care"}
# Fields named like personal data that are not a person's: a station's or department's own contact.
NOT_PERSONAL = {"stations.Station.phone", "stations.Station.address", "gov_services.Department.phone"}
PERSONAL = re.compile(r"(id_number|phone|mobile|address|applicant_name|holder_name|contact_name|head_name)")


def test_every_personal_data_field_is_in_the_inventory():
    listed = {entry["field"] for entry in INVENTORY}
    found = {f"{m._meta.app_label}.{m.__name__}.{f.name}" for m in apps.get_models()
             if m._meta.app_label in OUR_APPS for f in m._meta.concrete_fields if PERSONAL.search(f.name)}
    assert found - NOT_PERSONAL - listed == set()


def test_every_inventory_entry_names_a_real_field():
    for entry in INVENTORY:
        app_label, model, field = entry["field"].split(".")
        apps.get_model(app_label, model)._meta.get_field(field)


def test_the_inventory_is_data_in_the_database_and_a_county_edit_is_kept():
    from core.personal_data import personal_data_inventory_sync

    assert PersonalDataItem.objects.count() == len(INVENTORY)
    item = PersonalDataItem.objects.get(field="gov_services.ServiceRequest.applicant_id_number")
    item.retention = "办结后 5 年"
    item.save()
    PersonalDataItem.objects.filter(field="accounts.User.phone").delete()
    assert personal_data_inventory_sync() == 1
    assert PersonalDataItem.objects.get(pk=item.pk).retention == "办结后 5 年"


def test_the_data_officer_reads_the_inventory_and_an_operator_does_not(client, operator):
    client.force_login(UserFactory(roles=[Role.DATA_OFFICER]))
    response = client.get("/ops/personal-data/")
    assert response.status_code == 200 and "stations.HouseholdMember.id_number" in response.content.decode()
    client.force_login(operator)
    assert client.get("/ops/personal-data/").status_code == 403


def test_the_department_seeing_a_full_id_number_is_logged_with_why(client, officer, request_item, station):
    service_request = ServiceRequestFactory(item=request_item, station=station, status="submitted")
    client.force_login(officer)
    assert client.get(f"/dept/requests/{service_request.pk}/").status_code == 200
    event = AuditEvent.objects.get(action=VIEWED, actor=officer)
    assert event.target_id == str(service_request.pk)
    assert event.data["fields"] == ["applicant_id_number", "applicant_phone"]
    assert event.data["purpose"]


def test_the_counter_seeing_a_phone_number_is_logged(client, operator, request_item, station):
    service_request = ServiceRequestFactory(item=request_item, station=station, status="submitted")
    client.force_login(operator)
    assert client.get(f"/counter/requests/{service_request.pk}/").status_code == 200
    assert AuditEvent.objects.get(action=VIEWED, actor=operator).data["fields"] == ["applicant_phone"]


def test_the_audit_admin_and_the_data_officer_review_the_log_and_others_cannot(client, officer, request_item, station):
    service_request = ServiceRequestFactory(item=request_item, station=station, status="submitted")
    client.force_login(officer)
    client.get(f"/dept/requests/{service_request.pk}/")
    for role in (Role.AUDIT_ADMIN, Role.DATA_OFFICER):
        client.force_login(UserFactory(roles=[role]))
        page = client.get(f"/ops/personal-data/access/?viewer={officer.username}")
        assert page.status_code == 200 and "applicant_id_number" in page.content.decode()
        assert "applicant_id_number" not in client.get("/ops/personal-data/access/?viewer=nobody").content.decode()
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        client.force_login(UserFactory(roles=[role]))
        assert client.get("/ops/personal-data/access/").status_code == 403
