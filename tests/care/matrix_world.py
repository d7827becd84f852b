"""The access matrix's care objects (tests/access/world/ calls `add_care`): in counties A and B, a care
resident in the grid household of S11 (and of A's S21, another township), each with a call just taken, a
completed call, a check-in due and an alert; a responder contracted by each county (serving all its
villages) and one contracted by each of A's townships and B's T1; and a call offered to A's responder, whose signed link the
public responder's page opens."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from django.utils import timezone

from care.models import CareCheckIn, CareResident, Responder, Service
from care.services import calls
from care.services.calls.common import alert_raise
from care.services.registry import care_desk_give
from care.tokens import help_token, offer_token, rate_token
from stations.models import Household, Region
from tests.factories import UserFactory

PLACES = (("A", "S11"), ("A", "S21"), ("B", "S11"))


def _responder(region, villages, name) -> Responder:
    row = Responder.objects.create(
        region=region, name=name, kind=Responder.Kind.PHARMACY, services=[Service.MEDICINE], opens_at=time(0),
        closes_at=time(0), capacity=50, max_charge_fen=5000, subsidy_fen=1000, contact_name="店长",
        phone="13700009999", contract_starts_on=date(2020, 1, 1), contract_ends_on=date(2099, 12, 31))
    row.villages.set(villages)
    return row


def add_care(world) -> None:
    superuser = world.actors["superuser"]
    for name, side in world.sides.items():
        villages = Region.objects.filter(path__startswith=side.county.path, level=Region.Level.VILLAGE)
        world.add("care_responder", _responder(side.county, villages, f"{name}县药房"), state="county",
                  tags={"county": name})
    for name, key in (("A", "T1"), ("A", "T2"), ("B", "T1")):
        township = world.sides[name].townships[key]
        villages = Region.objects.filter(path__startswith=township.path, level=Region.Level.VILLAGE)
        world.add("care_responder", _responder(township, villages, f"{name}县{key}药房"), state="township",
                  tags={"county": name, "township": f"{name}.{key}"})
    for name, key in PLACES:
        side = world.sides[name]
        station = side.stations[key]
        tags = side.tags_of_station(key)
        household = Household.objects.filter(grid__station=station).first()
        resident = CareResident.objects.create(household=household, village=station.village, name="王秀兰",
                                               phone="13812340000", kind=CareResident.Kind.ELDERLY_ALONE)
        resident = calls.care_help_button_give(actor=superuser, resident=resident)
        world.add("care_resident", resident, tags=tags, help_token=help_token(resident))
        for state in ("new", "completed"):
            call = calls.care_call_take(actor=superuser, resident=resident, service=Service.MEDICINE,
                                        urgency="routine", description="送药", idempotency_key=uuid.uuid4())
            if state == "completed":
                calls.care_call_dispatch(actor=superuser, call=call)
                offer = call.offers.get()
                calls.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
                calls.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
                calls.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="已送", amount_fen=0)
            world.add("care_call", call, state=state, tags=tags, rate_token=rate_token(call))
        checkin = CareCheckIn.objects.create(resident=resident, due_on=date.today())
        world.add("care_checkin", checkin, tags=tags)
        alert_raise(resident, kind="late", key=f"matrix:{resident.pk}", message="矩阵提醒")
        world.add("care_alert", resident.alerts.get(), tags=tags)
    _statements(world)
    for name, side in world.sides.items():  # a care operator at each township T1
        desk = care_desk_give(actor=side.users["county_admin"], user=UserFactory(), region=side.townships["T1"])
        world.add("care_desk", desk, tags={"county": name, "township": f"{name}.T1"})
    resident = world.of("care_resident")[0].obj
    call = calls.care_call_take(actor=superuser, resident=resident, service=Service.MEDICINE, urgency="routine",
                                description="送药", idempotency_key=uuid.uuid4())
    calls.care_call_dispatch(actor=superuser, call=call)
    offer = call.offers.get()
    world.add("care_offer", offer, tags={"global": True}, token=offer_token(offer))


def _statements(world) -> None:
    """Last month's statement of each county's responder (one subsidised service), made by its county admin."""
    from agency.services.payees import payee_service_post, payee_statement_generate
    from core.timeutil import month_start
    from tests.clock import clock_at

    last_month = month_start(timezone.localdate(), -1)
    for name, side in world.sides.items():
        responder = next(t.obj for t in world.of("care_responder", "county") if t.tags["county"] == name)
        with clock_at(timezone.now() - timedelta(days=timezone.localdate().day + 1)):
            payee_service_post(region=side.county, payee_code=f"care:{responder.pk}", payee_name=responder.name,
                               amount_fen=1000, reference=f"MATRIX-{name}")
        statement = payee_statement_generate(actor=side.users["county_admin"], region=side.county,
                                             payee_code=f"care:{responder.pk}", payee_name=responder.name,
                                             month=last_month)
        world.add("care_statement", statement, tags={"county": name})
