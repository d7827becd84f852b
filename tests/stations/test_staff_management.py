"""County admins put operators and liaisons to work at stations, and end their assignments."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from core.audit import audit_events_for
from stations import services
from tests.factories import UserFactory


def test_a_new_operator_gets_a_login_by_phone_and_a_one_time_password(station, county_admin):
    assignment, password = services.station_staff_add(station=station, role="operator", full_name="赵小红",
                                                      phone="13800001111", actor=county_admin)
    user = assignment.user
    assert user.username == "13800001111" and user.full_name == "赵小红"
    assert len(password) == 10 and user.check_password(password)
    assert "operator" in user.roles
    assert audit_events_for(user).filter(action="user.created").count() == 1


def test_a_typed_number_never_brings_in_an_existing_account(station, county_admin):
    existing = UserFactory(phone="13800002222")
    with pytest.raises(ValidationError) as refused:
        services.station_staff_add(station=station, role="liaison", full_name="别名", phone="13800002222",
                                   actor=county_admin)
    assert "phone" in refused.value.message_dict
    assert not station.staff.exists() and existing.roles == frozenset()


def test_an_existing_account_chosen_explicitly_gets_a_second_post_and_keeps_its_password(station, county_admin,
                                                                                         operator):
    assignment, password = services.station_staff_add(station=station, role="liaison", account=operator,
                                                      actor=county_admin)
    assert assignment.user == operator and password is None
    assert {"operator", "liaison"} <= operator.roles and operator.check_password("pass-1234-word")


def test_adding_the_same_person_twice_is_refused_and_saves_nothing_more(station, county_admin):
    services.station_staff_add(station=station, role="operator", full_name="赵小红", phone="13800001111",
                               actor=county_admin)
    with pytest.raises(ValidationError):
        services.station_staff_add(station=station, role="operator", full_name="赵小红", phone="13800001111",
                                   actor=county_admin)
    assert station.staff.count() == 1 and User.objects.filter(phone="13800001111").count() == 1


def test_an_admin_role_cannot_be_given_at_a_station(station, county_admin):
    with pytest.raises(ValidationError):
        services.station_staff_add(station=station, role="county_admin", full_name="x", phone="13800003333",
                                   actor=county_admin)
    assert not User.objects.filter(phone="13800003333").exists()


def test_county_admin_adds_an_operator_from_the_station_page(client, county_admin, station):
    client.force_login(county_admin)
    assert client.get(reverse("stations:station-detail", args=[station.pk])).context["staff_form"] is not None
    response = client.post(reverse("stations:station-staff-add", args=[station.pk]),
                           {"role": "operator", "full_name": "钱多多", "phone": "13800004444"})
    assert response.status_code == 200
    password = response.context["initial_password"]
    assert password and password in response.content.decode()
    assert "sessionid" not in response.cookies or password not in str(response.cookies)
    assert station.staff.get().user.phone == "13800004444"


def test_a_bad_phone_number_is_refused_with_a_message_and_nothing_saved(client, county_admin, station):
    client.force_login(county_admin)
    response = client.post(reverse("stations:station-staff-add", args=[station.pk]),
                           {"role": "operator", "full_name": "钱多多", "phone": "12345"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not station.staff.exists() and not User.objects.filter(full_name="钱多多").exists()


def test_township_admin_operator_and_officer_cannot_add_staff(client, township_admin, operator, officer, station):
    # Putting staff to work is a county admin's act: 403 before the form is read (a bad form too).
    for user in (township_admin, operator, officer):
        client.force_login(user)
        for phone in ("13800004444", "12345"):
            response = client.post(reverse("stations:station-staff-add", args=[station.pk]),
                                   {"role": "operator", "full_name": "钱多多", "phone": phone})
            assert response.status_code == 403
        assert client.post(reverse("stations:station-staff-add", args=[999_999]), {}).status_code == 403
    assert not User.objects.filter(full_name="钱多多").exists()


def test_county_admin_cannot_add_staff_to_a_station_outside_their_county(client, county_admin):
    from tests.factories import StationFactory, county_tree

    elsewhere = StationFactory(village=county_tree()["villages"][0])
    client.force_login(county_admin)
    response = client.post(reverse("stations:station-staff-add", args=[elsewhere.pk]),
                           {"role": "operator", "full_name": "钱多多", "phone": "13800004444"})
    assert response.status_code == 404
    assert not User.objects.filter(phone="13800004444").exists()


def test_county_admin_ends_an_assignment_and_the_operator_loses_the_counter(client, county_admin, operator, station):
    assignment = operator.staff_assignments.get()
    client.force_login(county_admin)
    response = client.post(reverse("stations:station-staff-end", args=[station.pk, assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on is not None
    client.force_login(operator)
    assert client.get(reverse("stations:counter-home")).status_code == 403
