"""The resident's online application keeps its work: what was typed and the photos chosen are kept
in a draft across validation errors and reloads, resumed from "my requests", deleted there or on expiry."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from core.audit import audit_events_for
from gov_services.models import ApplicationDraft, DraftScan, ServiceRequest
from gov_services.requests.services.drafts import application_drafts_expire
from tests.factories import UserFactory, jpeg_bytes, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def applicant(db):
    return UserFactory(roles=[Role.RESIDENT], username="13935001234", phone="13935001234", full_name="张小明")


@pytest.fixture
def village(tree):
    return tree["villages"][0]


def apply_url(item):
    return reverse("gov_services:resident-service-request-create", args=[item.code])


def post_data(item, village, key, **overrides):
    id_card = item.materials.get(name="身份证")
    data = {"idempotency_key": str(key), "applicant_name": "张小明", "applicant_id_number": valid_id_number(7),
            "applicant_phone": "13935001234", "village": str(village.pk), "declaration": "on",
            "eform-purpose": "办理社保",
            f"material_{id_card.pk}": SimpleUploadedFile("身份证.jpg", jpeg_bytes(), content_type="image/jpeg")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_typo_keeps_the_photo_and_the_fields_and_the_fix_files_without_choosing_again(
        client, applicant, request_item, village):
    client.force_login(applicant)
    key = uuid.uuid4()
    response = client.post(apply_url(request_item), post_data(request_item, village, key,
                                                              applicant_id_number="11010519491231002"))
    assert response.status_code == 200 and "applicant_id_number" in response.context["form"].errors
    draft = ApplicationDraft.objects.get(key=key)
    assert draft.station is None and draft.operator == applicant and draft.scans.count() == 1
    assert draft.fields["eform-purpose"] == "办理社保"
    [row] = [r for r in response.context["material_rows"] if r["kept"]]
    assert row["kept"][0].thumbnail_url.startswith("data:image/jpeg;base64,")
    # A reload (GET) brings it all back under the same key.
    page = client.get(apply_url(request_item))
    assert page.context["draft_restored"] and str(page.context["form"]["idempotency_key"].value()) == str(key)
    assert page.context["eform"]["purpose"].value() == "办理社保"
    # Corrected and sent with no photo chosen again: the kept one is filed, the draft's files are gone.
    fixed = post_data(request_item, village, key)
    fixed.pop(f"material_{request_item.materials.get(name='身份证').pk}")
    response = client.post(apply_url(request_item), fixed)
    filed = ServiceRequest.objects.get()
    assert response.status_code == 302 and filed.attachments.get().material.name == "身份证"
    assert not DraftScan.objects.exists() and ApplicationDraft.objects.get(key=key).filed_request == filed
    assert client.get(apply_url(request_item)).context["draft"] is None  # a new form next time


def test_save_and_finish_later_from_my_requests_then_delete_the_draft(client, applicant, request_item, village):
    client.force_login(applicant)
    key = uuid.uuid4()
    response = client.post(apply_url(request_item), post_data(request_item, village, key, declaration=None,
                                                              save_draft="1"))
    assert response.status_code == 302 and response.url == reverse("gov_services:resident-service-request-list")
    assert not ServiceRequest.objects.exists()
    draft = ApplicationDraft.objects.get(key=key)
    assert timedelta(days=13) < draft.expires_at - timezone.now() <= timedelta(days=14)
    mine = client.get(response.url)
    assert [d.pk for d in mine.context["drafts"]] == [draft.pk]
    assert apply_url(request_item) in mine.content.decode()
    # Another resident neither sees it nor may delete it.
    other = UserFactory(roles=[Role.RESIDENT])
    client.force_login(other)
    assert client.get(response.url).context["drafts"] == []
    discard = reverse("gov_services:resident-draft-discard", args=[draft.pk])
    assert client.post(discard).status_code == 404
    client.force_login(applicant)
    assert client.post(discard).status_code == 302
    assert not ApplicationDraft.objects.exists()
    assert "gov_services.draft.discard" in [e.action for e in audit_events_for(draft)]


def test_a_photo_can_be_removed_from_the_draft_and_a_bad_file_is_refused_beside_its_input(
        client, applicant, request_item, village):
    client.force_login(applicant)
    key = uuid.uuid4()
    client.post(apply_url(request_item), post_data(request_item, village, key, declaration=None))
    scan = DraftScan.objects.get()
    id_card = request_item.materials.get(name="身份证")
    response = client.post(apply_url(request_item), post_data(request_item, village, key, declaration=None, **{
        "draft-remove": str(scan.pk),
        f"material_{id_card.pk}": SimpleUploadedFile("身份证.jpg", b"not an image", content_type="image/jpeg")}))
    assert not DraftScan.objects.exists()
    assert response.context["form"].errors[f"material_{id_card.pk}"]


def test_an_online_draft_expires_with_its_files(client, applicant, request_item, village):
    client.force_login(applicant)
    client.post(apply_url(request_item), post_data(request_item, village, uuid.uuid4(), declaration=None))
    assert application_drafts_expire(now=timezone.now() + timedelta(days=13)) == 0
    assert application_drafts_expire(now=timezone.now() + timedelta(days=15)) == 1
    assert not DraftScan.objects.exists()


def test_a_counter_draft_key_cannot_be_taken_over_online(client, applicant, request_item, village, operator, station):
    from gov_services.requests.services.drafts import application_draft_open

    counter = application_draft_open(actor=operator, station=station, item=request_item, key=uuid.uuid4())
    client.force_login(applicant)
    response = client.post(apply_url(request_item), post_data(request_item, village, counter.key))
    assert response.status_code == 200 and not ServiceRequest.objects.exists()
    assert str(response.context["form"].data["idempotency_key"]) != str(counter.key)  # a fresh key to go on with
    assert not counter.scans.exists()
