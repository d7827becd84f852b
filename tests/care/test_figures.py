"""Care figures (care/figures.py, the reports page) and the map of open calls."""

import uuid
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from django.urls import reverse

from care.figures import CallRow, figures, nearest_rank
from care.services import calls as services

T0 = datetime(2026, 12, 1, 9, 0)


@pytest.mark.parametrize(("values", "share", "expected"), [
    ([], Fraction(1, 2), None),
    ([7], Fraction(9, 10), 7),
    ([10, 20, 30, 40], Fraction(1, 2), 20),
    ([40, 10, 30, 20], Fraction(1, 2), 20),
    (list(range(1, 11)), Fraction(9, 10), 9),
    (list(range(1, 12)), Fraction(9, 10), 10),
    ([5, 5, 5, 100], Fraction(9, 10), 100),
])
def test_nearest_rank_percentiles(values, share, expected):
    assert nearest_rank(values, share) == expected


def row(key, minutes=None, status="confirmed", rating=None):
    arrived = T0 + timedelta(minutes=minutes) if minutes is not None else None
    return CallRow(key, status, T0, arrived, rating)


def test_figures_by_group_and_for_all():
    rows = [row("东村", 10, rating=5), row("东村", 30, rating=3), row("西村", None, status="unassigned"),
            row("东村", 20, status="completed")]
    east, west, everything = figures(rows)
    assert (east.key, east.calls, east.served, east.median_minutes, east.p90_minutes) == ("东村", 3, 3, 20, 30)
    assert (east.rated, east.satisfied, east.satisfied_share) == (2, 1, Fraction(1, 2))
    assert (west.calls, west.served, west.median_minutes, west.served_share) == (1, 0, None, 0)
    assert (everything.key, everything.calls, everything.served) == ("", 4, 3)


@pytest.mark.django_db
def test_the_figures_page_and_the_map_for_the_care_desk(client, world):
    call = services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                   urgency="urgent", description="送药", idempotency_key=uuid.uuid4())
    client.force_login(world["operator"])
    page = client.get(reverse("reports:care-figures"), {"dimension": "service"})
    assert page.status_code == 200 and "送药上门" in page.content.decode()
    assert client.get(reverse("reports:care-figures"), {"date_from": "2026-12-09", "date_to": "2026-12-01"}
                      ).status_code == 400
    page = client.get(reverse("care:call-map")).content.decode()
    assert call.reference in page and "cz-map" in page
    client.force_login(world["liaison"])
    assert client.get(reverse("reports:care-figures")).status_code == 403
