"""Retention of the care programme's and the grids' personal data (care/retention.py, stations/retention.py,
through core/retention.py): residents who left the registry and households that moved out are anonymised
after their period, ended calls lose their free texts but keep dates, rating and money; what is recent or
still in use is untouched; a dry run changes nothing; the rules are on the data officer's page."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from care.models import CareCall, CareCheckIn, CareResident, EmergencyContact
from care.services import calls as call_services
from care.services import registry as registry_services
from core.retention import personal_data_retention_run
from stations.models import Household, HouseholdMember
from stations.services_households import household_mark_left
from tests.clock import clock_at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEARS_AGO_2 = timedelta(days=2 * 365)
YEARS_AGO_4 = timedelta(days=4 * 365)


def _leave(world, resident, age):
    with clock_at(timezone.now() - age):
        return registry_services.care_resident_update(actor=world["operator"], resident=resident, active=False)


def test_a_resident_who_left_the_registry_is_anonymised_after_the_period(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"care_residents": 365}
    resident = _leave(world, world["resident"], YEARS_AGO_2)
    assert resident.left_at is not None
    CareCheckIn.objects.create(resident=resident, due_on=timezone.localdate(), note="王秀兰说腿疼")

    assert personal_data_retention_run(dry_run=True).outcome["care_residents"]["records"] == 1
    assert CareResident.objects.get(pk=resident.pk).name == "王秀兰"  # a dry run changes nothing

    run = personal_data_retention_run()
    assert run.outcome["care_residents"]["records"] == 1
    resident.refresh_from_db()
    assert resident.name == "王*兰" and resident.phone == "138****5678"
    assert resident.needs == [] and resident.needs_consent_on is None and resident.help_nonce == ""
    assert not EmergencyContact.objects.filter(resident=resident).exists()
    assert CareCheckIn.objects.get(resident=resident).note == ""
    assert personal_data_retention_run().outcome["care_residents"]["records"] == 0  # nothing twice


def test_a_resident_still_on_the_registry_back_on_it_or_left_recently_is_kept(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"care_residents": 365}
    resident = _leave(world, world["resident"], YEARS_AGO_2)
    back = registry_services.care_resident_update(actor=world["operator"], resident=resident, active=True)
    assert back.left_at is None
    assert personal_data_retention_run().outcome["care_residents"]["records"] == 0
    _leave(world, back, timedelta(days=30))
    assert personal_data_retention_run().outcome["care_residents"]["records"] == 0
    assert CareResident.objects.get(pk=resident.pk).name == "王秀兰"


def _ended_call(world, age, *, note="药已送到", rating_note="很及时"):
    with clock_at(timezone.now() - age):
        call = call_services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                            urgency="routine", description="王秀兰要降压药，耳背请大声敲门",
                                            idempotency_key=uuid.uuid4())
        call = call_services.care_call_cancel(actor=world["operator"], call=call, reason="家属已送")
    CareCall.objects.filter(pk=call.pk).update(completion_note=note, rating_note=rating_note, rating=5,
                                               subsidy_fen=500)
    return call


def test_an_ended_call_loses_its_texts_and_keeps_dates_rating_and_money(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"care_calls": 3 * 365}
    old = _ended_call(world, YEARS_AGO_4)
    recent = _ended_call(world, timedelta(days=10))
    run = personal_data_retention_run()
    assert run.outcome["care_calls"]["records"] == 1
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.description == old.completion_note == old.rating_note == ""
    assert old.reference and old.created_at and old.rating == 5 and old.subsidy_fen == 500
    assert recent.description.startswith("王秀兰")
    # An open call is never touched, however old.
    with clock_at(timezone.now() - YEARS_AGO_4):
        open_call = call_services.care_call_take(actor=world["operator"], resident=world["resident"],
                                                 service="medicine", urgency="routine", description="还开着",
                                                 idempotency_key=uuid.uuid4())
    personal_data_retention_run()
    assert CareCall.objects.get(pk=open_call.pk).description == "还开着"


def test_a_household_that_moved_out_is_anonymised_after_the_period(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"households": 365}
    household = world["household"]
    Household.objects.filter(pk=household.pk).update(head_name="王秀兰", phone="13812345678")
    HouseholdMember.objects.create(household=household, name="王秀兰", id_number="13022519500101002X",
                                   relation="head", phone="13812345678")
    stays = Household.objects.create(grid=world["grid"], house_number="99", head_name="李四", phone="13800000000")
    with clock_at(timezone.now() - YEARS_AGO_2):
        household_mark_left(household=household, actor=world["liaison"])
    assert personal_data_retention_run(dry_run=True).outcome["households"]["records"] == 1

    run = personal_data_retention_run()
    assert run.outcome["households"]["records"] == 1
    household.refresh_from_db()
    assert household.head_name == "王*兰" and household.phone == "" and not household.elderly_alone
    assert not household.members.exists() and household.house_number
    assert CareResident.objects.filter(household=household).exists()  # the care registry has its own rule
    stays.refresh_from_db()
    assert stays.head_name == "李四" and stays.phone == "13800000000"
    assert personal_data_retention_run().outcome["households"]["records"] == 0


def test_a_household_that_left_recently_or_came_back_is_kept(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"households": 365}
    household = world["household"]
    household_mark_left(household=household, actor=world["liaison"])
    assert personal_data_retention_run().outcome["households"]["records"] == 0
    with clock_at(timezone.now() - YEARS_AGO_2):
        household_mark_left(household=household, actor=world["liaison"], left=False)
    assert Household.objects.get(pk=household.pk).left_at is None


def test_the_data_officer_sees_the_new_rules_and_their_periods(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"care_calls": 2000}
    client.force_login(UserFactory(roles=[Role.DATA_OFFICER]))
    page = client.get(reverse("accounts:ops-personal-data")).content.decode()
    for code in ("households", "care_residents", "care_calls", "inactive_accounts", "sms_codes", "sms_texts"):
        assert code in page
    assert "2000" in page
