"""Per-officer figures in the reports: steps done by kind, on time, median working days a step and ratings, for
a department head (their departments) and an admin (their region); the CSV matches the page."""

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.timeutil import COUNTY_TZ
from gov_services.models import Rating, RequestStep
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("reports:officer-figures")
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def at(day, hour=10):
    return datetime(2026, 3, day, hour, tzinfo=COUNTY_TZ)


def member(department, name, *, head=False):
    user = UserFactory(roles=[Role.OFFICER], full_name=name)
    DepartmentMembershipFactory(department=department, user=user, is_head=head)
    return user


def step(request, kind, by, *, started, done, due, position=0):
    return RequestStep.objects.create(request=request, kind=kind, position=position, limit_days=1, started_at=started,
                                      done_at=done, due_at=due, done_by=by)


@pytest.fixture
def figures(tree, station, department):
    """Officer 周 (department A): accept on time in 1 working day, review late in 3; rated satisfied once.
    Officer 吴 (department B): one approval. A February step of 周's is outside March."""
    other = DepartmentFactory(region=tree["county"])
    zhou, wu = member(department, "周审查"), member(other, "吴审批")
    head = member(department, "孙科长", head=True)
    item_a = ServiceItemFactory(department=department, lowest_level="village")
    item_b = ServiceItemFactory(department=other, lowest_level="village")
    first = ServiceRequestFactory(item=item_a, station=station)
    second = ServiceRequestFactory(item=item_a, station=station)
    step(first, "accept", zhou, started=at(2, 9), done=at(3), due=at(3, 23))  # Mon → Tue: 1 day, on time
    step(first, "review", zhou, started=at(3), done=at(6), due=at(4, 23), position=1)  # Tue → Fri: 3 days, late
    step(second, "accept", zhou, started=datetime(2026, 2, 2, 9, tzinfo=COUNTY_TZ),
         done=datetime(2026, 2, 3, 9, tzinfo=COUNTY_TZ), due=at(3))  # February: not counted
    step(ServiceRequestFactory(item=item_b, station=station), "approve", wu, started=at(9), done=at(10), due=at(11))
    rating = Rating.objects.create(request=first, score=5, officer=zhou, officer_score=4)
    Rating.objects.filter(pk=rating.pk).update(at=at(20))
    return {"zhou": zhou, "wu": wu, "head": head, "department": department}


def test_a_department_head_sees_their_officers_figures_only(client, figures):
    client.force_login(figures["head"])
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    [row] = response.context["report"].rows
    assert (row.officer, row.steps, row.done, row.on_time) == ("周审查", {"accept": 1, "review": 1}, 2, 1)
    assert str(row.on_time_rate) == "50.0" and str(row.median_days) == "2.0"
    assert (row.rated, row.satisfied, str(row.satisfaction_rate)) == (1, 1, "100.0")
    assert "吴审批" not in response.content.decode()


def test_a_county_admin_sees_every_department_and_the_csv_matches_the_page(client, figures, county_admin):
    client.force_login(county_admin)
    page = client.get(URL, MARCH)
    assert [r.officer for r in page.context["report"].rows] and {r.officer for r in page.context["report"].rows} == {
        "周审查", "吴审批"}
    download = client.get(URL, MARCH | {"format": "csv"})
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert lines[0] == [str(h) for h in page.context["headings"]]
    assert [line[1] for line in lines[1:3]] == [r[1] for r in page.context["table"]]
    narrowed = client.get(URL, MARCH | {"department": str(figures["department"].pk)})
    assert [r.officer for r in narrowed.context["report"].rows] == ["周审查"]


def test_a_plain_officer_and_a_station_operator_are_refused(client, figures, operator):
    for user in (figures["zhou"], operator):
        client.force_login(user)
        assert client.get(URL, MARCH).status_code == 403

