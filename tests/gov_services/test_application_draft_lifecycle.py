"""The life of a counter application's draft (gov_services/requests/services/drafts.py): restored on reload (in its
visit, for its operator only), discarded, served to the station's staff, and expired with its files."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import Role
from agency.services import visits as till
from gov_services.models import ApplicationDraft, DraftScan, ServiceRequest
from gov_services.requests.services import drafts as draft_services
from gov_services.tasks.drafts import application_drafts_cleanup
from tests.factories import staff_user, upload
from tests.gov_services.counter_helpers import scan_png, url
from tests.gov_services.draft_helpers import KEY, bad_id, committed, files_in, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# ---------------------------------------------------------------------------------------------
# Reload: the draft comes back; discard
# ---------------------------------------------------------------------------------------------

def test_opening_the_form_again_restores_the_draft_with_a_note_and_discard_throws_it_away(
        operator_client, request_item, form_data, private_files):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    draft = ApplicationDraft.objects.get(key=KEY)

    response = operator_client.get(url("counter-application-create", request_item.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.context["draft_restored"] is True
    assert str(response.context["form"]["idempotency_key"].value()) == str(KEY)
    assert response.context["form"]["applicant_name"].value() == "王秀英"
    assert response.context["eform"]["purpose"].value() == "子女入学"
    assert "草稿已恢复" in page and url("counter-draft-discard", draft.pk) in page
    assert page.count(url("counter-draft-scan", draft.scans.first().pk)) >= 1
    assert 'name="signature_kept"' in page

    response = committed(operator_client.post, url("counter-draft-discard", draft.pk))
    assert response.status_code == 302 and response["Location"] == url("counter-application-create", request_item.pk)
    assert not ApplicationDraft.objects.exists() and files_in(private_files, "drafts") == 0
    response = operator_client.get(url("counter-application-create", request_item.pk))
    assert response.context["draft"] is None and str(response.context["form"]["idempotency_key"].value()) != str(KEY)


def test_a_filed_draft_is_not_restored_and_its_key_is_named_for_the_browser_copy(operator_client, request_item,
                                                                                  form_data):
    post(operator_client, request_item, form_data())
    response = operator_client.get(url("counter-application-create", request_item.pk))
    assert response.context["draft"] is None
    assert str(KEY) in response.context["filed_keys"]
    assert f'data-draft-filed-keys="{KEY}"' in response.content.decode()


def test_a_draft_made_in_a_visit_is_restored_in_that_visit_only(operator_client, operator, station, request_item,
                                                                form_data):
    visit = till.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="王秀英")
    post(operator_client, request_item, {**form_data(applicant_id_number=bad_id()), "visit": visit.pk})
    assert ApplicationDraft.objects.get(key=KEY).visit == visit

    assert operator_client.get(url("counter-application-create", request_item.pk),
                               {"visit": visit.pk}).context["draft"].key == KEY
    assert operator_client.get(url("counter-application-create", request_item.pk)).context["draft"] is None


def test_another_operators_draft_is_neither_restored_nor_writable_and_another_station_gets_404(
        client, operator, station, other_station, request_item, form_data):
    client.force_login(operator)
    post(client, request_item, form_data(applicant_id_number=bad_id()))
    draft = ApplicationDraft.objects.get(key=KEY)
    scan = draft.scans.first()

    colleague = staff_user(Role.OPERATOR, station=station)
    client.force_login(colleague)
    assert client.get(url("counter-application-create", request_item.pk)).context["draft"] is None
    response = post(client, request_item, form_data(scans=False))  # the same key, from someone else
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert ServiceRequest.objects.count() == 0
    assert client.get(url("counter-draft-scan", scan.pk)).status_code == 200  # the station's staff see it

    stranger = staff_user(Role.OPERATOR, station=other_station)
    client.force_login(stranger)
    assert client.get(url("counter-draft-scan", scan.pk)).status_code == 404
    assert client.post(url("counter-draft-discard", draft.pk)).status_code == 404
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


def test_a_kept_image_is_shown_inline_and_a_pdf_offered_as_a_download(operator_client, request_item, form_data):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    image = operator_client.get(url("counter-draft-scan", DraftScan.objects.get(original_name="户口簿-1.png").pk))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert not image["Content-Disposition"].startswith("attachment")
    pdf = operator_client.get(url("counter-draft-scan", DraftScan.objects.get(original_name="户口簿-2.pdf").pk))
    assert pdf["Content-Disposition"].startswith("attachment")


# ---------------------------------------------------------------------------------------------
# Expiry
# ---------------------------------------------------------------------------------------------

def test_drafts_expire_with_their_files_and_fresh_ones_stay(operator, station, request_item, id_card, private_files):
    old = draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=uuid.uuid4())
    draft_services.application_draft_save(draft=old, actor=operator,
                                          uploads=[upload("a.png", scan_png(), material=id_card)])
    fresh = draft_services.application_draft_open(actor=operator, station=station, item=request_item,
                                                  key=uuid.uuid4())
    draft_services.application_draft_save(draft=fresh, actor=operator,
                                          uploads=[upload("b.png", scan_png(), material=id_card)])
    ApplicationDraft.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert files_in(private_files, "drafts") == 2

    assert committed(application_drafts_cleanup) == 1
    assert list(ApplicationDraft.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert files_in(private_files, "drafts") == 1
    assert committed(draft_services.application_drafts_expire,
                     now=timezone.now() + draft_services.DRAFT_LIFETIME + timedelta(seconds=1)) == 1
    assert files_in(private_files, "drafts") == 0


def test_using_a_draft_pushes_its_expiry_back(operator, station, request_item):
    key = uuid.uuid4()
    draft = draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=key)
    ApplicationDraft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(minutes=5))
    again = draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=key)
    assert again.pk == draft.pk and again.expires_at > timezone.now() + timedelta(days=2)


def test_a_draft_key_is_refused_for_another_item_or_operator(operator, station, request_item, department):
    from tests.factories import ServiceItemFactory

    key = uuid.uuid4()
    draft_services.application_draft_open(actor=operator, station=station, item=request_item, key=key)
    with pytest.raises(PermissionDenied):
        draft_services.application_draft_open(actor=operator, station=station,
                                              item=ServiceItemFactory(department=department), key=key)
