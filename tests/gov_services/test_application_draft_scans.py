"""Forms that never lose work: the counter's application keeps its scans, signature and typed fields in a
server-side draft (gov_services/requests/services/drafts.py) across validation errors; scans are replaceable and
removable one by one (the fixture `form_data` is in conftest.py)."""


import pytest

from gov_services.models import ApplicationDraft, Attachment, DraftScan, ServiceRequest
from tests.factories import upload
from tests.gov_services.counter_helpers import scan_png, signature_data_url, url
from tests.gov_services.draft_helpers import KEY, bad_id, files_in, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# ---------------------------------------------------------------------------------------------
# A validation error never clears the scans or the signature
# ---------------------------------------------------------------------------------------------

def test_a_typo_keeps_the_four_scans_and_the_signature_and_the_fix_files_them_without_reattaching(
        operator_client, operator, request_item, form_data, private_files):
    response = post(operator_client, request_item, form_data(applicant_id_number=bad_id()))

    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert response.context["form"].errors["applicant_id_number"]
    draft = ApplicationDraft.objects.get(key=KEY)
    assert (draft.operator, draft.item, draft.filed_request) == (operator, request_item, None)
    assert sorted(draft.scans.values_list("original_name", flat=True)) == [
        "户口簿-1.png", "户口簿-2.pdf", "身份证-反面.png", "身份证-正面.png"]
    assert bytes(draft.signature).startswith(b"\x89PNG")
    assert files_in(private_files, "drafts") == 4
    page = response.content.decode()
    assert page.count('src="data:image/jpeg;base64,') == 3  # the three images' thumbnails, inline
    assert DraftScan.objects.get(original_name="户口簿-2.pdf").thumbnail is None
    for scan in draft.scans.all():  # a thumbnail (or the PDF's tile) opening the scan, with replace and remove
        assert url("counter-draft-scan", scan.pk) in page
        assert f'name="draft-replace-{scan.pk}"' in page and f'name="draft_remove" value="{scan.pk}"' in page
    assert 'name="signature_kept" value="data:image/png;base64,' in page
    assert "select them again" not in page  # the old warning that files are lost

    # The fix: no file chosen again, no signature drawn again.
    fixed = form_data(scans=False, signature="", signature_kept=signature_data_url())
    response = post(operator_client, request_item, fixed)

    filed = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("counter-request-receipt", filed.pk)
    assert filed.attachments.count() == 4 and filed.signature.read().startswith(b"\x89PNG")
    draft.refresh_from_db()
    assert draft.filed_request == filed and draft.signature is None and draft.fields == {}
    assert DraftScan.objects.count() == 0 and files_in(private_files, "drafts") == 0  # now the request's files


def test_the_signature_alone_is_kept_in_the_draft_when_the_page_comes_back(operator_client, request_item, form_data):
    post(operator_client, request_item, form_data(scans=False, applicant_phone="123"))
    draft = ApplicationDraft.objects.get(key=KEY)
    response = post(operator_client, request_item, form_data(scans=False, signature=""))
    # No new drawing and no kept one posted: the draft's signature is used, and the missing scan is the only error.
    assert bytes(draft.signature).startswith(b"\x89PNG")
    assert "signature" not in response.context["form"].errors
    assert response.context["scans"].errors


def test_a_retry_of_a_filed_form_returns_the_first_request(operator_client, request_item, form_data):
    first = post(operator_client, request_item, form_data())
    again = post(operator_client, request_item, form_data())
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert ServiceRequest.objects.count() == 1 and Attachment.objects.count() == 4


# ---------------------------------------------------------------------------------------------
# One scan at a time: replace, remove
# ---------------------------------------------------------------------------------------------

def test_one_kept_scan_is_replaced_and_the_others_stay(operator_client, request_item, form_data, private_files):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    old = DraftScan.objects.get(original_name="身份证-反面.png")
    data = form_data(scans=False, applicant_id_number=bad_id(),
                     **{f"draft-replace-{old.pk}": upload("身份证-反面-重扫.png", scan_png(colour=(90, 90, 90)))})
    post(operator_client, request_item, data)

    names = sorted(DraftScan.objects.values_list("original_name", flat=True))
    assert names == ["户口簿-1.png", "户口簿-2.pdf", "身份证-反面-重扫.png", "身份证-正面.png"]
    assert DraftScan.objects.get(original_name="身份证-反面-重扫.png").material_id == old.material_id
    assert files_in(private_files, "drafts") == 4  # the old file is gone from storage


def test_a_bad_replacement_is_refused_beside_its_material_and_the_old_scan_kept(operator_client, request_item,
                                                                                id_card, form_data):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    old = DraftScan.objects.get(original_name="身份证-正面.png")
    response = post(operator_client, request_item, form_data(
        scans=False, **{f"draft-replace-{old.pk}": upload("x.png", b"MZ not an image" * 10)}))

    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "“x.png”" in response.context["scans"].errors[f"material-{id_card.pk}"][0]
    assert DraftScan.objects.filter(pk=old.pk).exists() and DraftScan.objects.count() == 4


def test_removing_one_scan_files_nothing_and_shows_the_form_without_errors(operator_client, request_item,
                                                                           form_data, private_files):
    post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    gone = DraftScan.objects.get(original_name="户口簿-2.pdf")
    response = post(operator_client, request_item, form_data(scans=False, draft_remove=str(gone.pk)))

    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert not response.context["has_errors"]
    assert not DraftScan.objects.filter(pk=gone.pk).exists() and DraftScan.objects.count() == 3
    assert files_in(private_files, "drafts") == 3
    assert response.context["form"]["applicant_name"].value() == "王秀英"


def test_a_refused_file_is_not_kept_while_the_good_ones_are(operator_client, request_item, id_card, form_data):
    data = form_data()
    data[f"material-{id_card.pk}"] = [upload("好.png", scan_png()), upload("坏.png", b"<script>x</script>" * 30)]
    response = post(operator_client, request_item, data)
    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "“坏.png”" in response.context["scans"].errors[f"material-{id_card.pk}"][0]
    assert set(DraftScan.objects.values_list("original_name", flat=True)) == {"好.png", "户口簿-1.png", "户口簿-2.pdf"}
