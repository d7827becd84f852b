"""Shared set-up of the supervision tests: a department with a head and an officer (both with phones),
an item promised in 10 working days, and requests accepted at a given moment."""

from datetime import date, datetime, time

from accounts.roles import Role
from core.timeutil import COUNTY_TZ
from gov_services.requests.deadlines import add_working_days
from gov_services.selectors.calendar import work_calendar
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceItemFactory,
    ServiceRequestFactory,
    StationFactory,
    UserFactory,
)


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=COUNTY_TZ)


def end_of(y, m, d) -> datetime:
    return datetime.combine(date(y, m, d), time.max, tzinfo=COUNTY_TZ)


class Office:
    """A county department with its head and one officer, an item and a station in each township."""

    def __init__(self, tree, *, phones: tuple[str, str] = ("13900000001", "13900000002")):
        self.tree = tree
        self.department = DepartmentFactory(region=tree["county"], name="县民政局")
        self.head = UserFactory(roles=[Role.OFFICER], full_name="张局长", phone=phones[0])
        self.officer = UserFactory(roles=[Role.OFFICER], full_name="李科员", phone=phones[1])
        DepartmentMembershipFactory(department=self.department, user=self.head, is_head=True)
        DepartmentMembershipFactory(department=self.department, user=self.officer)
        self.item = ServiceItemFactory(department=self.department, name="低保申请", promised_limit_days=10,
                                       legal_limit_days=20)
        self.stations = [StationFactory(village=v) for v in (tree["villages"][0], tree["villages"][-1])]

    def accepted(self, accepted_at: datetime, *, township: int = 0, assignee=None, status="accepted", **fields):
        """A request accepted at `accepted_at` with the item's 10-day limit (due from the real calendar)."""
        fields.setdefault("due_at", add_working_days(accepted_at, self.item.promised_limit_days, work_calendar()))
        return ServiceRequestFactory(item=self.item, station=self.stations[township], status=status,
                                     accepted_at=accepted_at, assignee=assignee or self.officer, **fields)
