import datetime

import pytest

from reports.selectors.dimensions import Period
from tests.factories import DepartmentFactory, ServiceItemFactory
from tests.reports.factories import make_request


@pytest.fixture
def march(db):
    return Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def kpi_world(tree, station, other_station, department):
    """Two departments, two stations in two townships, and requests with known KPIs in March 2026.

    Department A (`department`) at `station` (township 0): r1…r5 in March, r6 in February, r7 in April.
    Department B at `other_station` (township 1): r8. Working days submission → completion:
    r1 2, r2 4, r3 5, r8 0 (March 2026 has no public holiday).
    """
    other = DepartmentFactory(region=tree["county"], name="乙局")
    item_a, item_b = ServiceItemFactory(department=department), ServiceItemFactory(department=other)
    a = {"item": item_a, "station": station}
    requests = {
        "r1": make_request(**a, submitted="2026-03-02", accepted="2026-03-02", due="2026-03-09",
                           completed="2026-03-04", score=5),
        "r2": make_request(**a, submitted="2026-03-02", accepted="2026-03-03", due="2026-03-05",
                           completed="2026-03-06", score=2, returns=1),
        "r3": make_request(**a, submitted="2026-03-05", accepted="2026-03-05", due="2026-03-12",
                           completed="2026-03-12", score=3),
        "r4": make_request(**a, submitted="2026-03-10", status="rejected", returns=2),
        "r5": make_request(**a, submitted="2026-03-20", accepted="2026-03-20", due="2026-03-31"),
        "r6": make_request(**a, submitted="2026-02-27", accepted="2026-02-27", due="2026-03-06",
                           completed="2026-03-02", score=1, returns=1),
        "r7": make_request(**a, submitted="2026-04-01"),
        "r8": make_request(item=item_b, station=other_station, submitted="2026-03-03", accepted="2026-03-03",
                           due="2026-03-10", completed="2026-03-03"),
    }
    _card(requests["r2"], "yellow", department)
    _card(requests["r2"], "red", department)
    _card(requests["r5"], "yellow", department)
    _card(requests["r6"], "red", department)  # February: outside March
    return {"department_a": department, "department_b": other, "requests": requests}


def _card(request, level, department):
    from django.utils import timezone

    from gov_services.models import SupervisionCard, SupervisionSweep

    sweep = SupervisionSweep.objects.create(at=timezone.now(), trigger="command")
    return SupervisionCard.objects.create(request=request, level=level, department=department,
                                          issued_at=timezone.now(), sweep=sweep)
