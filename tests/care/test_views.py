"""The care desk's pages, one HTTP test per flow, and the responder's signed page: only their offer,
only what the call needs."""

import uuid

import pytest
from django.urls import reverse

from care.models import CareCall, CareOffer, CareResident, Responder
from care.notifications import offer_url
from care.services import calls as services
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def dispatched(world):
    call = services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                   urgency="routine", description="降压药", idempotency_key=uuid.uuid4())
    services.care_call_dispatch(actor=world["operator"], call=call)
    return call


def path_of(offer):
    return offer_url(offer).split("cunzhan.test", 1)[1]


def test_a_known_callers_record_opens_at_once_by_phone_number(client, world):
    response = signed_in(client, world["operator"]).get(reverse("care:desk"), {"phone": "138 1234 5678"})
    assert response.status_code == 302
    assert response["Location"] == reverse("care:call-create", kwargs={"pk": world["resident"].pk})
    # an emergency contact's number finds the resident too
    response = client.get(reverse("care:desk"), {"phone": "+86 139 1234 5678"})
    assert response.status_code == 302


def test_intake_shows_the_resident_in_full_audited_and_takes_the_call_once(client, world):
    client = signed_in(client, world["operator"])
    url = reverse("care:call-create", kwargs={"pk": world["resident"].pk})
    page = client.get(url)
    assert "王秀兰" in page.content.decode() and "13812345678" in page.content.decode()
    assert AuditEvent.objects.filter(action="care.resident.viewed", actor=world["operator"]).exists()
    data = {"idempotency_key": str(uuid.uuid4()), "service": "medicine", "urgency": "urgent",
            "channel": "hotline", "description": "胸闷，要药"}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302 and CareCall.objects.count() == 1
    detail = client.get(first["Location"]).content.decode()
    assert "120" in detail and "care-emergency" in detail


def test_lists_mask_personal_data(client, world):
    page = signed_in(client, world["operator"]).get(reverse("care:resident-list")).content.decode()
    assert "王*兰" in page and "138****5678" in page and "13812345678" not in page


def test_a_care_operator_of_another_county_gets_404_and_a_resident_403(client, world):
    from care.models import CareDesk
    from tests.factories import county_tree

    other = UserFactory()
    CareDesk.objects.create(user=other, region=county_tree(townships=1, villages_per_township=1)["county"])
    client = signed_in(client, other)
    assert client.get(reverse("care:resident-detail", kwargs={"pk": world["resident"].pk})).status_code == 404
    assert client.get(reverse("care:desk")).status_code == 200
    client.force_login(UserFactory())
    assert client.get(reverse("care:desk")).status_code == 403


def test_the_operator_dispatches_from_the_call_page(client, world):
    call = services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                   urgency="routine", description="降压药", idempotency_key=uuid.uuid4())
    client = signed_in(client, world["operator"])
    page = client.get(reverse("care:call-detail", kwargs={"pk": call.pk})).content.decode()
    assert "A 康宁大药房" in page and "B 百姓药房" in page
    assert client.post(reverse("care:call-dispatch", kwargs={"pk": call.pk})).status_code == 302
    call.refresh_from_db()
    assert call.status == CareCall.Status.OFFERED


def test_the_responders_page_shows_only_what_the_call_needs_until_accepted(client, world):
    call = dispatched(world)
    offer = call.offers.get()
    page = client.get(path_of(offer)).content.decode()
    assert "降压药" in page and world["village"].name in page
    assert "13812345678" not in page and "王秀兰" not in page and world["household"].house_number not in page
    assert "13912345678" not in page  # never the emergency contact
    client.post(path_of(offer), {"action": "accept"})
    page = client.get(path_of(offer)).content.decode()
    assert "13812345678" in page and world["household"].house_number in page and "王秀兰" not in page
    assert AuditEvent.objects.filter(action="care.resident.shown_to_responder").exists()


def test_a_responder_cannot_open_or_answer_another_offer_with_their_link(client, world):
    call = dispatched(world)
    offer = call.offers.get()
    assert client.get(path_of(offer).replace("/care/r/", "/care/r/x")).status_code == 404
    offer.nonce = "changed"  # a link of a re-issued offer
    assert client.get(path_of(offer)).status_code == 404
    # the first responder declines; their link no longer opens the call's details once it is another's
    offer.refresh_from_db()
    client.post(path_of(offer), {"action": "decline"})
    second = call.offers.get(position=2)
    client.post(path_of(second), {"action": "accept"})
    page = client.get(path_of(offer)).content.decode()
    assert "13812345678" not in page
    response = client.post(path_of(offer), {"action": "accept"})
    assert response.status_code == 409
    call.refresh_from_db()
    assert call.responder == world["second"]


def test_the_responder_completes_within_terms_on_their_page(client, world):
    call = dispatched(world)
    offer = call.offers.get()
    url = path_of(offer)
    client.post(url, {"action": "accept"})
    client.post(url, {"action": "arrive"})
    too_much = client.post(url, {"action": "complete", "note": "送药", "amount": "31"})
    assert too_much.status_code == 400
    assert client.post(url, {"action": "complete", "note": "送药", "amount": "12.50"}).status_code == 302
    call.refresh_from_db()
    assert call.status == CareCall.Status.COMPLETED and call.amount_fen == 1250


def test_the_desk_confirms_and_records_the_rating(client, world):
    call = dispatched(world)
    offer = call.offers.get()
    services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
    services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
    services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="ok", amount_fen=0)
    client = signed_in(client, world["operator"])
    bad = client.post(reverse("care:call-confirm", kwargs={"pk": call.pk}), {"rating": "9"})
    assert bad.status_code == 400
    client.post(reverse("care:call-confirm", kwargs={"pk": call.pk}), {"rating": "4", "note": "好"})
    call.refresh_from_db()
    assert (call.status, call.rating) == (CareCall.Status.CONFIRMED, 4)


def test_the_county_admin_registers_a_resident_and_contracts_a_responder_from_the_screens(client, world):
    client = signed_in(client, world["county_admin"])
    response = client.post(reverse("care:resident-create"), {
        "household": world["household"].pk, "name": "李大爷", "phone": "13811112222", "kind": "elderly_alone",
        "lives_alone": "on", "needs": ["mobility"], "needs_consent_on": "", "checkin_every_days": "7"})
    assert response.status_code == 200 and not CareResident.objects.filter(name="李大爷").exists()
    response = client.post(reverse("care:resident-create"), {
        "household": world["household"].pk, "name": "李大爷", "phone": "13811112222", "kind": "elderly_alone",
        "lives_alone": "on", "needs": ["mobility"], "needs_consent_on": "2026-12-01", "checkin_every_days": "7",
        "contact1_name": "李娜", "contact1_relation": "女儿", "contact1_phone": "13822223333"})
    assert response.status_code == 302
    resident = CareResident.objects.get(name="李大爷")
    assert resident.contacts.get().phone == "13822223333" and resident.village == world["village"]
    response = client.post(reverse("care:responder-create"), {
        "region": world["county"].pk, "name": "平安诊所", "kind": "clinic", "services": ["clinic"],
        "villages": [world["village"].pk], "opens_at": "08:00", "closes_at": "18:00", "capacity": "3",
        "terms": "出诊费 20 元", "max_charge_fen": "20", "subsidy_fen": "15", "contact_name": "张医生",
        "phone": "13733334444", "contract_starts_on": "2026-01-01", "contract_ends_on": "2027-12-31",
        "status": "active"})
    assert response.status_code == 302, response.content.decode()[:3000]
    clinic = Responder.objects.get(name="平安诊所")
    assert (clinic.max_charge_fen, clinic.subsidy_fen) == (2000, 1500)


def test_a_care_operator_may_not_contract_responders(client, world):
    client = signed_in(client, world["operator"])
    assert client.get(reverse("care:responder-create")).status_code == 403
    assert client.get(reverse("care:responder-update", kwargs={"pk": world["first"].pk})).status_code == 403


def test_offers_still_waiting_are_withdrawn_when_the_call_is_cancelled(client, world):
    call = dispatched(world)
    client = signed_in(client, world["operator"])
    client.post(reverse("care:call-cancel", kwargs={"pk": call.pk}), {"reason": "家人已送药"})
    assert call.offers.get().status == CareOffer.Status.WITHDRAWN


def test_the_resident_confirms_and_rates_by_the_link_texted_on_completion(client, world, django_capture_on_commit_callbacks):
    from core.models import SmsOutboxMessage

    call = dispatched(world)
    offer = call.offers.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.care_offer_answer(offer_id=offer.pk, nonce=offer.nonce, accept=True)
        services.care_call_arrive(offer_id=offer.pk, nonce=offer.nonce)
        services.care_call_complete(offer_id=offer.pk, nonce=offer.nonce, note="药已送到", amount_fen=0)
    sms = SmsOutboxMessage.objects.get(purpose="care_rate")
    assert sms.phone == "13812345678" and "******" in sms.text
    from care.notifications import rate_url

    url = rate_url(call).split("cunzhan.test", 1)[1]
    assert "药已送到" in client.get(url).content.decode()
    assert client.get(url[:-3] + "xx/").status_code == 404
    assert client.post(url, {"rating": "5", "note": "谢谢"}).status_code == 302
    call.refresh_from_db()
    assert (call.status, call.rating) == (CareCall.Status.CONFIRMED, 5)
