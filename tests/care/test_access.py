"""Who may use the care desk (the matrix covers the admins; this the care operator, whom it has no role for)
and who may change a responder's contract."""

from datetime import date, time

import pytest
from django.urls import reverse

from accounts.roles import Role
from care.models import CareDesk
from stations.models import StaffAssignment
from stations.scope import scope_for
from tests.care.world import responder
from tests.factories import StaffAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_care_operator_works_the_desk_of_their_region_only(client, world):
    scope = scope_for(world["operator"])
    assert scope.is_care_staff and not scope.is_county_staff  # no back office
    assert scope.can_work_care(world["village"].path)
    client.force_login(world["operator"])
    assert client.get(reverse("care:desk")).status_code == 200
    assert client.get("/county/").status_code == 403
    assert client.get(reverse("care:resident-detail", kwargs={"pk": world["resident"].pk})).status_code == 200


def test_a_care_operator_of_a_township_sees_nothing_of_the_other_township(client, world):
    other = UserFactory(roles=[Role.CARE_OPERATOR])
    CareDesk.objects.create(user=other, region=world["townships"][1])
    client.force_login(other)
    assert client.get(reverse("care:resident-detail", kwargs={"pk": world["resident"].pk})).status_code == 404
    assert world["resident"].name not in client.get(reverse("care:resident-list")).content.decode()


def test_an_ended_care_desk_post_gives_nothing(client, world):
    CareDesk.objects.filter(user=world["operator"]).update(ended_on=date.today())
    client.force_login(world["operator"])
    assert client.get(reverse("care:desk")).status_code == 403


def test_the_care_operator_lands_on_the_desk_after_signing_in(client, world):
    response = client.post("/login/", {"username": world["operator"].username, "password": "pass-1234-word"})
    assert response.status_code == 302 and response["Location"] == reverse("care:desk")


def test_a_township_admin_may_not_change_the_countys_responder_but_their_townships(client, world):
    admin = UserFactory(roles=[Role.TOWNSHIP_ADMIN])
    StaffAssignmentFactory(user=admin, region=world["townships"][0], role=StaffAssignment.Role.TOWNSHIP_ADMIN)
    own = responder(world["townships"][0], [world["village"]], name="镇药房", opens_at=time(8), closes_at=time(18))
    client.force_login(admin)
    assert client.get(reverse("care:responder-update", kwargs={"pk": world["first"].pk})).status_code == 403
    assert client.get(reverse("care:responder-update", kwargs={"pk": own.pk})).status_code == 200


def test_station_staff_and_residents_have_no_care_desk(client, world):
    client.force_login(world["liaison"])
    assert client.get(reverse("care:desk")).status_code == 403
    client.force_login(UserFactory(roles=[Role.RESIDENT]))
    assert client.get(reverse("care:call-list")).status_code == 403


def test_the_admins_give_and_end_care_desk_posts_from_the_screen(client, world):
    person = UserFactory(phone="13511112222")
    client.force_login(world["county_admin"])
    response = client.post(reverse("care:desk-staff"), {"person": "13511112222", "region": world["county"].pk})
    assert response.status_code == 302
    desk = CareDesk.objects.get(user=person)
    assert scope_for(UserFactory._meta.model.objects.get(pk=person.pk)).is_care_staff
    assert client.post(reverse("care:desk-staff"), {"person": "nobody", "region": world["county"].pk}
                       ).status_code == 400
    client.post(reverse("care:desk-end", kwargs={"pk": desk.pk}))
    desk.refresh_from_db()
    assert desk.ended_on is not None
