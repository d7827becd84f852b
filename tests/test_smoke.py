import pytest

from stations.selectors import station_list


@pytest.mark.django_db
def test_operator_sees_only_their_own_station(operator, station, other_station):
    assert list(station_list(user=operator)) == [station]
