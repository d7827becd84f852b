"""Schemathesis over /api/openapi.json, in this process against the WSGI application: generated
requests (valid and invalid, with and without the API key) get no server error, and every answer is
one the schema documents — status code, content type, headers and body.

Bounded and reproducible: a fixed number of examples per operation and Hypothesis derandomized, so
a run tries the same requests every time. The PostgreSQL run (DATABASE_URL) also finds what SQLite
accepts, such as NUL bytes in strings."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from accounts.services import api_key_create
from config.api import api
from config.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 60

# Schemathesis' defaults, all checks on, except that filing a request may also be refused with 422 for
# what no schema can say (the village code names no village, the ID number's check digit is wrong …),
# and with 400 for strings holding NUL or lone surrogates, which JSON Schema allows and no database
# stores (core/text_input.py, documented as the 400 answer): well-formed data is not always acceptable.
CONFIG = SchemathesisConfig.from_dict({"operations": [{
    "include-path": "/api/requests/", "include-method": "POST",
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "404", "409", "422"]}},
}]})

# The schema as /api/openapi.json serves it (read here, not requested: collection has no database).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())), config=CONFIG)
schema.app = application


@pytest.fixture(autouse=True)
def _requests_keep_the_test_connection():
    """As in Django's test client: the end of a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(county_admin, request_item, dispatch_desk):
    """A county admin's key (files and follows requests anywhere in tests/conftest.py's county), with an
    item to apply for and a desk for appeals, so that generated requests can also succeed."""
    return api_key_create(user=county_admin, name="schemathesis", actor=None)[1]


def test_the_schema_is_the_one_the_api_serves(client):
    assert client.get("/api/openapi.json").json() == json.loads(json.dumps(api.get_openapi_schema()))


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented_and_never_with_a_server_error(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"})
