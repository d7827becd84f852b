"""A small county for the care tests: two villages, a care operator, an elderly resident living alone,
and two pharmacies serving her village (the first busier than the second is not: equal, by name)."""

from __future__ import annotations

from datetime import date, time

from accounts.roles import Role
from care.models import CareDesk, CareResident, EmergencyContact, Responder, Service
from stations.models import StaffAssignment
from tests.factories import (
    GridFactory,
    HouseholdFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    county_tree,
)


def responder(region, villages, *, name, kind=Responder.Kind.PHARMACY, services=(Service.MEDICINE,), phone="13700000001",
              opens_at=time(0, 0), closes_at=time(0, 0), capacity=2, **fields) -> Responder:
    row = Responder.objects.create(
        region=region, name=name, kind=kind, services=list(services), opens_at=opens_at, closes_at=closes_at,
        capacity=capacity, max_charge_fen=fields.pop("max_charge_fen", 3000), subsidy_fen=fields.pop("subsidy_fen", 1500),
        contact_name="联系人", phone=phone, contract_starts_on=fields.pop("contract_starts_on", date(2020, 1, 1)),
        contract_ends_on=fields.pop("contract_ends_on", date(2099, 12, 31)), terms="送药上门", **fields)
    row.villages.set(villages)
    return row


def care_world() -> dict:
    tree = county_tree(townships=2, villages_per_township=1)
    village, other_village = tree["villages"]
    station = StationFactory(village=village)
    liaison = UserFactory(roles=[Role.LIAISON], phone="13600000009")
    StaffAssignmentFactory(user=liaison, station=station, role=StaffAssignment.Role.LIAISON)
    grid = GridFactory(station=station, liaison=liaison)
    household = HouseholdFactory(grid=grid, elderly_alone=True)
    operator = UserFactory(roles=[Role.CARE_OPERATOR], phone="13500000005")
    CareDesk.objects.create(user=operator, region=tree["county"], started_on=date(2020, 1, 1))
    county_admin = UserFactory(roles=[Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=county_admin, region=tree["county"], role=StaffAssignment.Role.COUNTY_ADMIN,
                           started_on=date(2020, 1, 1))
    resident = CareResident.objects.create(
        household=household, village=village, name="王秀兰", phone="13812345678", needs=["hearing"],
        needs_consent_on=date(2026, 1, 5), kind=CareResident.Kind.ELDERLY_ALONE, lives_alone=True)
    EmergencyContact.objects.create(resident=resident, name="王强", relation="儿子", phone="13912345678")
    first = responder(tree["county"], [village], name="A 康宁大药房", phone="13700000001")
    second = responder(tree["county"], [village], name="B 百姓药房", phone="13700000002")
    return {**tree, "village": village, "other_village": other_village, "station": station, "grid": grid,
            "household": household, "liaison": liaison, "operator": operator, "county_admin": county_admin,
            "resident": resident, "first": first, "second": second}
