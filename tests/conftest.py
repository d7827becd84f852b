import pytest

from accounts.roles import Role
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory, county_tree


@pytest.fixture
def tree(db):
    return county_tree()


@pytest.fixture
def station(tree):
    return StationFactory(village=tree["villages"][0])


@pytest.fixture
def other_station(tree):
    """A station in another township: outside an operator's or township admin's scope."""
    return StationFactory(village=tree["villages"][-1])


@pytest.fixture
def operator(station):
    user = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=station)
    return user


@pytest.fixture
def township_admin(tree):
    user = UserFactory(roles=[Role.TOWNSHIP_ADMIN])
    StaffAssignmentFactory(user=user, role="township_admin", region=tree["townships"][0])
    return user


@pytest.fixture
def county_admin(tree):
    user = UserFactory(roles=[Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=user, role="county_admin", region=tree["county"])
    return user
