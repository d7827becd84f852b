import pytest

from accounts.roles import Role
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    county_tree,
)


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
def liaison(station):
    user = UserFactory(roles=[Role.LIAISON])
    StaffAssignmentFactory(user=user, role="liaison", station=station)
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


@pytest.fixture
def resident(db):
    return UserFactory(roles=[Role.RESIDENT])


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def department(tree):
    """A county-level department (民政局-like) serving the whole county."""
    return DepartmentFactory(region=tree["county"])


@pytest.fixture
def officer(department):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=user)
    return user
