"""医敬Town in the demo: the county admin contracts responders, puts the elderly living alone of the demo
households on the care registry (with their consent and an emergency contact) and gives the hotline a care
operator; then a few calls go through the real services: one rated, one on its way, one urgent just taken.
Idempotent: everything is looked up before it is made; calls carry fixed idempotency keys."""

from __future__ import annotations

import uuid
from datetime import date, time

from accounts.models import User
from care.models import CareCall, CareDesk, CareResident, Responder, Service
from care.services import calls
from care.services.checkins import care_checkins_sweep
from care.services.registry import care_desk_give, care_resident_register, responder_register
from demo.seeding.people import demo_user
from stations.models import Household, Region

RESPONDERS = [  # name, kind, services, opens, closes, capacity, most charged, subsidy (fen), phone
    ("康宁大药房", Responder.Kind.PHARMACY, [Service.MEDICINE], time(7), time(22), 3, 3000, 1000, "13712000001"),
    ("百姓平价药房", Responder.Kind.PHARMACY, [Service.MEDICINE], time(8), time(20), 2, 3000, 1000, "13712000002"),
    ("便民惠生活超市", Responder.Kind.SHOP, [Service.GROCERIES], time(7), time(21), 4, 2000, 500, "13712000003"),
    ("城关镇卫生院", Responder.Kind.CLINIC, [Service.CLINIC, Service.MEDICINE], time(0), time(0), 2, 2000, 2000,
     "13712000004"),
    ("老李水电维修", Responder.Kind.REPAIR, [Service.REPAIR, Service.UTILITY], time(8), time(18), 2, 5000, 1500,
     "13712000005"),
    ("青年志愿者服务队", Responder.Kind.VOLUNTEER, [Service.COMPANY, Service.GROCERIES], time(8), time(20), 5, 0, 0,
     "13712000006"),
]
CONTACT_PHONES = ["13935100001", "13935100002", "13935100003", "13935100004", "13935100005"]
KEYS = uuid.UUID("5b0c6d1e-0000-4000-8000-00000000ca4e")


def _key(n: int) -> uuid.UUID:
    return uuid.uuid5(KEYS, f"demo-care-call-{n}")


def seed_care(demo, progress) -> None:
    admin = demo.county_admin
    households = list(Household.objects.filter(elderly_alone=True, grid__station__in=demo.stations)
                      .select_related("grid__station__village").order_by("pk")[:5])
    villages = sorted({h.grid.station.village_id for h in households} |
                      {s.village_id for s in demo.stations[:6]})
    village_rows = list(Region.objects.filter(pk__in=villages))
    for name, kind, services, opens, closes, capacity, most, subsidy, phone in RESPONDERS:
        if not Responder.objects.filter(name=name).exists():
            responder_register(actor=admin, region=demo.county, villages=village_rows, name=name, kind=kind,
                               services=services, opens_at=opens, closes_at=closes, capacity=capacity,
                               max_charge_fen=most, subsidy_fen=subsidy, contact_name=name[:2] + "经理",
                               phone=phone, terms="按县民政局医敬服务合同收费，补贴按月结算。",
                               contract_starts_on=date(2025, 6, 1), contract_ends_on=date(2027, 5, 31))
    residents = []
    for n, household in enumerate(households):
        resident = CareResident.objects.filter(household=household).first() or care_resident_register(
            actor=admin, household=household, name=household.head_name, phone=household.phone,
            kind=CareResident.Kind.ELDERLY_ALONE, lives_alone=True,
            needs=["hearing", "medication"] if n % 2 == 0 else ["mobility"], needs_consent_on=date(2025, 6, 3),
            contacts=[{"name": household.head_name[0] + "小红", "relation": "女儿", "phone": CONTACT_PHONES[n]}])
        residents.append(resident)
    operator = demo_user("care_desk", "周海燕", "13935000088")
    if not CareDesk.objects.active().filter(user=operator).exists():
        care_desk_give(actor=admin, user=operator, region=demo.county)
    if len(residents) >= 3:
        _calls(operator, residents)
    care_checkins_sweep()
    progress.step("care")


def _calls(operator: User, residents: list[CareResident]) -> None:
    rated = calls.care_call_take(actor=operator, resident=residents[0], service=Service.MEDICINE, urgency="routine",
                                 description="降压药吃完了，请送一盒硝苯地平缓释片", idempotency_key=_key(1))
    if rated.status == CareCall.Status.NEW:
        calls.care_call_dispatch(actor=operator, call=rated)
        offer = rated.offers.get()
        calls.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
        calls.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
        calls.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="药已送到，讲明了用法用量",
                                 amount_fen=1850)
        calls.care_call_confirm(actor=operator, call=rated, rating=5, note="送得很快")
    on_its_way = calls.care_call_take(actor=operator, resident=residents[1], service=Service.GROCERIES,
                                      urgency="routine", description="米面油各一袋，送到家", idempotency_key=_key(2))
    if on_its_way.status == CareCall.Status.NEW:
        calls.care_call_dispatch(actor=operator, call=on_its_way)
        offer = on_its_way.offers.filter(status="offered").first()
        if offer is not None:
            calls.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    calls.care_call_take(actor=operator, resident=residents[2], service=Service.CLINIC, urgency="urgent",
                         description="头晕，站不稳，请医生上门看看", idempotency_key=_key(3))
