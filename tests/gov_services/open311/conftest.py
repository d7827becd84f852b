"""Fixtures for the Open311 and channel tests: a county with a channel and its key; a GeoReport client's POST
(the villages on the map: mapped_tree in tests/gov_services/conftest.py)."""

import pytest

from gov_services.channels.services import channel_create, channel_key_issue
from tests.factories import ServiceItemFactory, valid_id_number

BASE = "/open311/v2"


@pytest.fixture
def hotline(mapped_tree, county_admin):
    return channel_create(actor=county_admin, name="12345热线", code="hotline-12345",
                          jurisdiction=mapped_tree["county"], intake_channel="phone", rate_limit="100/m")


@pytest.fixture
def hotline_key(hotline, county_admin):
    """A key of the hotline channel, acting as a county admin (who may file for the county's villages)."""
    return channel_key_issue(actor=county_admin, channel=hotline, user=county_admin)[1]


@pytest.fixture
def online_item(department):
    return ServiceItemFactory(department=department, code="DB-001", name="低保申请", online_allowed=True,
                              form_schema=[
                                  {"name": "household_size", "type": "integer", "label": "家庭人口", "required": True,
                                   "min": 1, "max": 20},
                                  {"name": "reason", "type": "choice", "label": "申请原因", "required": True,
                                   "choices": [["illness", "因病"], ["disability", "因残"]]},
                              ])


def report(key: str, **overrides) -> dict:
    body = {"api_key": key, "service_code": "appeal-help", "lat": "39.400100", "long": "118.900200",
            "description": "村口路灯坏了，晚上看不见路", "first_name": "秀英", "last_name": "王", "phone": "13812345678",
            f"attribute[{'applicant_id_number'}]": valid_id_number(7), "attribute[is_public]": "true"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}
