"""Fixtures shared by the stations' test modules."""

import pytest

from accounts.roles import Role
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory


@pytest.fixture
def stations_everywhere(tree):
    """One station in every village: villages 0–1 in township 0, villages 2–3 in township 1."""
    return [StationFactory(village=village) for village in tree["villages"]]


@pytest.fixture
def actor(tree):
    """A county admin of the tree's county, who makes the writes of the services' tests."""
    user = UserFactory(roles=[Role.COUNTY_ADMIN], username="county-clerk")
    StaffAssignmentFactory(user=user, role="county_admin", region=tree["county"])
    return user
