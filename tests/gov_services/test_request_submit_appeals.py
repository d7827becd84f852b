"""Request services, submit of an appeal: routed by the county's rule or to the dispatch desk; who may
record one, and for which village."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gov_services.models import ServiceRequest
from gov_services.requests import services as services
from tests.factories import (
    RoutingRuleFactory,
    valid_id_number,
)
from tests.gov_services.request_helpers import appeal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


def test_appeal_goes_to_the_department_its_routing_rule_names(submit, tree, department, dispatch_desk):
    RoutingRuleFactory(county=tree["county"], department=department, category="help")
    filed = appeal(submit)
    assert (filed.kind, filed.item, filed.department) == ("appeal", None, department)
    assert filed.form_data == {}


def test_appeal_no_rule_matches_goes_to_the_dispatch_desk(submit, dispatch_desk):
    assert appeal(submit).department == dispatch_desk


def test_appeal_needs_a_category_and_a_description(submit, dispatch_desk):
    with pytest.raises(ValidationError) as refused:
        submit(kind="appeal", item=None, appeal_category="", description=" ", form_data={}, attachments=[])
    assert {"appeal_category", "description"} <= set(refused.value.message_dict)


def test_liaison_relays_an_appeal_from_their_station(liaison, station, dispatch_desk, submit):
    filed = appeal(submit, actor=liaison, channel="liaison", consent="witnessed", signature=None)
    assert filed.filed_by == liaison and filed.channel == "liaison"


def test_county_admin_records_a_phone_appeal_for_a_village_in_their_county(county_admin, tree, dispatch_desk):
    filed = services.service_request_submit(
        actor=county_admin, idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="complaint",
        description="垃圾没人清运", applicant_name="赵六", applicant_id_number=valid_id_number(4),
        applicant_phone="13700000000", consent="witnessed", channel="phone", village=tree["villages"][3],
        form_data={}, attachments=[])
    assert filed.station is None and filed.village == tree["villages"][3]


def test_township_admin_cannot_record_an_appeal_from_another_township(township_admin, tree, dispatch_desk):
    with pytest.raises(PermissionDenied):
        services.service_request_submit(
            actor=township_admin, idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="complaint",
            description="x", applicant_name="赵六", applicant_id_number=valid_id_number(4),
            applicant_phone="13700000000", consent="witnessed", channel="phone", village=tree["villages"][3],
            form_data={}, attachments=[])
