"""The demo county and its admins, for the administrative tree's tests.

These override the project-wide ``county_admin`` and ``township_admin`` (built on ``tree``) for the modules
of this directory only: here the admins are assigned to regions of the imported demo county."""

import pytest

from accounts.roles import Role
from stations.regions.importer import region_import
from tests.stations.region_files import COUNTY, DEMO_FILE, T1, admin_of, by_code


@pytest.fixture
def county():
    """The demo county, imported from the demo's file by the system."""
    report = region_import(file=DEMO_FILE.read_bytes(), filename="regions.csv", actor=None)
    assert report.applied, report.problems
    return by_code(COUNTY)


@pytest.fixture
def county_admin(county):
    return admin_of(COUNTY)


@pytest.fixture
def township_admin(county):
    return admin_of(T1, Role.TOWNSHIP_ADMIN)
