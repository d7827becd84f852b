"""The data migrations that stamped older outbox rows with their region and masked their pick-up codes."""

import importlib

import pytest
from django.apps import apps

from core.models import SmsOutboxMessage
from core.sms import SECRET_MASK, outbox_unseal
from tests.factories import DepartmentFactory, ServiceItemFactory, ServiceRequestFactory, StationFactory

pytestmark = pytest.mark.django_db

gov_migration = importlib.import_module("gov_services.migrations.0009_sms_outbox_region_paths")
shop_migration = importlib.import_module("shop.migrations.0007_sms_outbox_regions_and_masked_pickup_codes")


def old_row(**fields) -> SmsOutboxMessage:
    """A row as the outbox wrote it before: no region, the text in clear."""
    values = {"phone": "13812345678", "text": "您的事项已提交", "status": "sent"}
    return SmsOutboxMessage.objects.create(**{**values, **fields})


def test_request_messages_get_the_requests_place_and_unknown_ones_stay_empty(tree, department):
    station = StationFactory(village=tree["villages"][2])
    request = ServiceRequestFactory(item=ServiceItemFactory(department=department), station=station)
    no_place = ServiceRequestFactory(item=ServiceItemFactory(department=DepartmentFactory(region=tree["townships"][1])),
                                     station=None, village=None)
    submitted = old_row(purpose="request_submitted", reference=request.tracking_code)
    card = old_row(purpose="card_red", reference=no_place.tracking_code)
    orphan = old_row(purpose="request_completed", reference="GONE00000")
    gov_migration.forward(apps, None)
    for row in (submitted, card, orphan):
        row.refresh_from_db()
    assert submitted.region_path == station.village.path
    assert card.region_path == tree["townships"][1].path  # neither village nor station: its department's region
    assert orphan.region_path == ""


def test_pick_up_codes_are_masked_and_a_waiting_one_is_sealed_with_the_part_stations_village(tree, station):
    from shop.models import OrderPart
    from tests.shop import factories

    merchant = factories.merchant(townships=[tree["townships"][0]])
    placed = factories.order((factories.product(merchant.partner, title="鸡蛋", price="12.00"), 1), station=station)
    part = OrderPart.objects.get(order=placed)
    clear = f"您的订单{part.reference}已到{station.name}，取货码482913，请到柜台出示（8:00）。"
    sent = old_row(purpose="pickup_code", reference=part.reference, text=clear)
    waiting = old_row(purpose="pickup_code", reference=part.reference, text=clear.replace("482913", "105577"),
                      status="queued")
    shop_migration.forward(apps, None)
    sent.refresh_from_db()
    waiting.refresh_from_db()
    assert "482913" not in sent.text and f"取货码{SECRET_MASK}" in sent.text and sent.sealed_text == ""
    assert "105577" not in waiting.text and outbox_unseal(waiting.sealed_text) == clear.replace("482913", "105577")
    assert sent.region_path == waiting.region_path == station.village.path


def test_a_merchant_decision_gets_the_region_holding_its_townships(tree, private_files):
    import uuid

    from shop import services
    from tests.shop.factories import credit_code, licence_upload

    application = services.merchant_application_submit(
        idempotency_key=uuid.uuid4(), business_name="惠农农资店", credit_code=credit_code(), licence=licence_upload(),
        contact_name="王建国", contact_phone="13833300001", address="建设路8号", categories=["agri_inputs"],
        township_ids=[t.pk for t in tree["townships"]], note="")
    decided = old_row(purpose="merchant_vetting", reference=application.reference)
    shop_migration.forward(apps, None)
    decided.refresh_from_db()
    assert decided.region_path == tree["county"].path
