import pytest

from tests.care.world import care_world


@pytest.fixture
def world(db):
    return care_world()
