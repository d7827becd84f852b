"""The resident's pages: browse and apply online, my requests, resubmit, rate, and public tracking by code."""

import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from core.masking import mask_name
from gov_services.identifiers import format_tracking_code
from gov_services.models import FollowUp, Rating, ServiceRequest
from gov_services.requests.services import (
    service_request_accept,
    service_request_approve,
    service_request_complete,
    service_request_note,
    service_request_return,
    service_request_start_review,
    service_request_submit,
)
from gov_services.requests.views_track import TRACK_ATTEMPTS
from tests.factories import ServiceItemFactory, UserFactory, jpeg_bytes, valid_id_number

pytestmark = pytest.mark.django_db

ID_NUMBER = valid_id_number(7)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def applicant(db):
    return UserFactory(roles=[Role.RESIDENT], username="13935001234", phone="13935001234", full_name="张小明")


@pytest.fixture
def village(tree):
    return tree["villages"][0]


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


def scan(name="id.jpg", content=None):
    return SimpleUploadedFile(name, content or jpeg_bytes(), content_type="image/jpeg")


def apply_data(item, village, key=None, **overrides):
    id_card = item.materials.get(name="身份证")
    data = {
        "idempotency_key": str(key or uuid.uuid4()), "applicant_name": "张小明", "applicant_id_number": ID_NUMBER,
        "applicant_phone": "139 3500 1234", "village": str(village.pk), "declaration": "on",
        "eform-purpose": "办理社保", f"material_{id_card.pk}": scan(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def filed(applicant, item, village, **kwargs) -> ServiceRequest:
    """An online application by `applicant`, through the service."""
    return service_request_submit(
        actor=applicant, idempotency_key=uuid.uuid4(), kind="application", item=item, applicant_name="张小明",
        applicant_id_number=ID_NUMBER, applicant_phone="13935001234", applicant_user=applicant, consent="self",
        channel="web", village=village, form_data={"purpose": "办理社保"}, **kwargs)


def completed(applicant, item, village, officer) -> ServiceRequest:
    req = filed(applicant, item, village)
    for move in (service_request_accept, service_request_start_review, service_request_approve,
                 service_request_complete):
        move(request=req, actor=officer, **({"note": "同意"} if move is service_request_approve else {}))
    return req


# --- Browsing the catalogue ---------------------------------------------------------------------------

def test_services_page_finds_items_by_chinese_name_and_pinyin_initials(client, request_item, department):
    counter_only = ServiceItemFactory(department=department, name="出生登记", online_allowed=False)
    page = client.get(url("resident-service-item-list"), {"q": "hjzm"}).content.decode()
    assert request_item.name in page and counter_only.name not in page
    page = client.get(url("resident-service-item-list"), {"q": "出生"}).content.decode()
    assert counter_only.name in page and request_item.name not in page
    page = client.get(url("resident-service-item-list"), {"online": "1"}).content.decode()
    assert request_item.name in page and counter_only.name not in page
    assert url("resident-service-item-detail", request_item.code) in page


def test_service_guide_lists_materials_and_the_way_to_apply(client, request_item):
    response = client.get(url("resident-service-item-detail", request_item.code))
    assert response.status_code == 200
    page = response.content.decode()
    assert "身份证" in page and "户口簿" in page
    assert url("resident-service-request-create", request_item.code) in page
    counter_only = ServiceItemFactory(department=request_item.department, name="出生登记", online_allowed=False)
    page = client.get(url("resident-service-item-detail", counter_only.code)).content.decode()
    assert 'id="apply-at-station"' in page
    assert url("resident-service-request-create", counter_only.code) not in page
    assert client.get(url("resident-service-item-detail", "NO-SUCH")).status_code == 404


# --- Applying online -----------------------------------------------------------------------------------

def test_applying_needs_sign_in(client, request_item):
    response = client.get(url("resident-service-request-create", request_item.code))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_apply_page_prefills_name_and_phone_from_the_account(client, applicant, request_item):
    client.force_login(applicant)
    response = client.get(url("resident-service-request-create", request_item.code))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["applicant_name"].value() == "张小明"
    assert form["applicant_phone"].value() == "13935001234"
    assert uuid.UUID(str(form["idempotency_key"].value()))
    page = response.content.decode()
    assert 'name="eform-purpose"' in page and 'enctype="multipart/form-data"' in page


def test_online_apply_creates_one_request_with_channel_web_and_the_applicant_account(
        client, applicant, request_item, village, private_files):
    client.force_login(applicant)
    response = client.post(url("resident-service-request-create", request_item.code), apply_data(request_item, village))
    req = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response.url == url("resident-service-request-detail", req.pk)
    assert (req.channel, req.consent, req.applicant_user, req.filed_by) == ("web", "self", applicant, None)
    assert (req.item, req.village, req.status) == (request_item, village, "submitted")
    assert req.applicant_phone == "13935001234" and req.applicant_id_number == ID_NUMBER
    assert req.form_data == {"purpose": "办理社保"}
    assert req.attachments.get().material.name == "身份证"
    page = client.get(response.url).content.decode()
    assert format_tracking_code(req.tracking_code) in page
    assert ID_NUMBER not in page  # masked even on the resident's own page


def test_sending_the_same_application_again_files_one_request(client, applicant, request_item, village, private_files):
    client.force_login(applicant)
    key = uuid.uuid4()
    first = client.post(url("resident-service-request-create", request_item.code),
                        apply_data(request_item, village, key=key))
    again = client.post(url("resident-service-request-create", request_item.code),
                        apply_data(request_item, village, key=key))
    assert ServiceRequest.objects.count() == 1
    assert first.url == again.url


def test_an_item_not_online_is_refused_and_points_to_the_station(client, applicant, department, village):
    counter_only = ServiceItemFactory(department=department, name="出生登记", online_allowed=False)
    client.force_login(applicant)
    response = client.get(url("resident-service-request-create", counter_only.code), follow=True)
    assert response.redirect_chain[-1][0] == url("resident-service-item-detail", counter_only.code)
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert 'id="apply-at-station"' in response.content.decode()
    client.post(url("resident-service-request-create", counter_only.code),
                {"idempotency_key": str(uuid.uuid4()), "applicant_name": "张小明", "applicant_id_number": ID_NUMBER,
                 "applicant_phone": "13935001234", "village": str(village.pk), "declaration": "on"})
    assert not ServiceRequest.objects.exists()


def test_a_page_without_its_key_is_sent_back_with_a_fresh_one(client, applicant, request_item, village):
    client.force_login(applicant)
    response = client.post(url("resident-service-request-create", request_item.code),
                           apply_data(request_item, village, idempotency_key="not-a-key"))
    assert response.status_code == 200
    assert response.context["errors"]
    assert uuid.UUID(response.context["form"]["idempotency_key"].value())
    assert not ServiceRequest.objects.exists()


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(client, applicant, request_item, village):
    client.force_login(applicant)
    response = client.post(url("resident-service-request-create", request_item.code), apply_data(
        request_item, village, applicant_id_number="130225198001010000", **{"eform-purpose": ""},
        declaration=None))
    assert response.status_code == 200
    assert response.context["form"].errors["applicant_id_number"]
    assert response.context["form"].errors["declaration"]
    assert response.context["eform"].errors["purpose"]
    assert 'id="error-summary"' in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_a_disguised_file_is_refused_beside_its_input_and_nothing_is_saved(client, applicant, request_item, village,
                                                                          private_files):
    client.force_login(applicant)
    id_card = request_item.materials.get(name="身份证")
    fake = SimpleUploadedFile("id.jpg", b"MZ\x90\x00 not really a photo", content_type="image/jpeg")
    response = client.post(url("resident-service-request-create", request_item.code),
                           apply_data(request_item, village, **{f"material_{id_card.pk}": fake}))
    assert response.status_code == 200
    assert "id.jpg" in " ".join(response.context["form"].errors[f"material_{id_card.pk}"])
    assert not ServiceRequest.objects.exists()


# --- My requests ---------------------------------------------------------------------------------------

def test_my_requests_shows_only_mine(client, applicant, resident, request_item, village):
    mine = filed(applicant, request_item, village)
    theirs = filed(resident, request_item, village)
    client.force_login(applicant)
    page = client.get(url("resident-service-request-list")).content.decode()
    assert format_tracking_code(mine.tracking_code) in page
    assert format_tracking_code(theirs.tracking_code) not in page
    for name in ("resident-service-request-detail", "resident-service-request-resubmit",
                 "resident-service-request-rate"):
        method = client.get if name.endswith("detail") else client.post
        assert method(url(name, theirs.pk)).status_code == 404


def test_my_requests_list_costs_the_same_queries_for_one_or_many(client, applicant, request_item, village):
    filed(applicant, request_item, village)
    client.force_login(applicant)
    client.get(url("resident-service-request-list"))  # the first request keeps the user and roles in the cache (accounts/user_cache.py)
    with CaptureQueriesContext(connection) as one:
        client.get(url("resident-service-request-list"))
    for _ in range(4):
        filed(applicant, request_item, village)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url("resident-service-request-list"))
    assert len(response.context["rows"]) == 5
    assert len(five) == len(one)


def test_my_requests_needs_sign_in(client):
    assert client.get(url("resident-service-request-list")).status_code == 302


def test_returned_request_shows_what_is_missing_and_resubmit_sends_it_back(
        client, applicant, request_item, village, officer, private_files):
    req = filed(applicant, request_item, village)
    service_request_note(request=req, actor=officer, note="内部备注：疑似重复申请", internal=True)
    service_request_return(request=req, actor=officer, note="请补交户口簿照片")
    client.force_login(applicant)
    page = client.get(url("resident-service-request-detail", req.pk)).content.decode()
    assert "请补交户口簿照片" in page
    assert "内部备注" not in page
    assert 'id="resubmit"' in page
    book = request_item.materials.get(name="户口簿")
    response = client.post(url("resident-service-request-resubmit", req.pk), {
        f"resubmit-material_{book.pk}": scan("book.jpg"), "resubmit-note": "已补交", "eform-purpose": "办理社保"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "submitted"
    assert req.attachments.filter(material=book).count() == 1
    # A second click on the same button changes nothing and says why.
    response = client.post(url("resident-service-request-resubmit", req.pk), {"resubmit-note": "已补交"}, follow=True)
    assert response.status_code == 200
    assert req.events.filter(action="resubmit").count() == 1


# --- Rating --------------------------------------------------------------------------------------------

def test_rating_is_taken_once_and_a_second_rating_is_refused(client, applicant, request_item, village, officer):
    req = completed(applicant, request_item, village, officer)
    client.force_login(applicant)
    page = client.get(url("resident-service-request-detail", req.pk)).content.decode()
    assert 'id="rate"' in page
    response = client.post(url("resident-service-request-rate", req.pk), {"rating-score": "5", "rating-comment": "很快"},
                           follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    response = client.post(url("resident-service-request-rate", req.pk), {"rating-score": "1"}, follow=True)
    assert Rating.objects.get(request=req).score == 5
    assert not FollowUp.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    req.refresh_from_db()
    assert req.status == "rated"
    assert 'id="rate"' not in response.content.decode()


def test_dissatisfied_rating_opens_a_follow_up_and_says_the_department_will_call(
        client, applicant, request_item, village, officer):
    req = completed(applicant, request_item, village, officer)
    client.force_login(applicant)
    response = client.post(url("resident-service-request-rate", req.pk),
                           {"rating-score": str(Rating.Score.DISSATISFIED), "rating-comment": "跑了三趟"}, follow=True)
    assert FollowUp.objects.get(request=req).status == "open"
    page = response.content.decode()
    assert 'id="follow-up"' in page
    assert "跑了三趟" in page
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


def test_a_rating_needs_a_score(client, applicant, request_item, village, officer):
    req = completed(applicant, request_item, village, officer)
    client.force_login(applicant)
    response = client.post(url("resident-service-request-rate", req.pk), {"rating-comment": "还行"})
    assert response.status_code == 200
    assert response.context["rating_form"].errors["score"]
    assert not Rating.objects.exists()


# --- Public tracking -----------------------------------------------------------------------------------

def track(client, code, last4):
    return client.post(url("track"), {"code": code, "phone_last4": last4})


def test_tracking_with_the_right_last_four_shows_status_without_internal_notes_or_id_number(
        client, applicant, request_item, village, officer):
    req = filed(applicant, request_item, village)
    service_request_accept(request=req, actor=officer, note="已受理，请等待")
    service_request_note(request=req, actor=officer, note="内部备注：申请人曾有纠纷", internal=True)
    messy = " ".join(format_tracking_code(req.tracking_code).lower())  # lower case, spaces and dashes
    response = track(client, messy, "1234")
    assert response.status_code == 302
    assert response.url == f"{url('track')}?code={format_tracking_code(req.tracking_code)}"
    response = client.get(response.url)
    page = response.content.decode()
    assert response.context["found"] is True
    assert format_tracking_code(req.tracking_code) in page
    assert req.department.name in page and "已受理，请等待" in page
    assert "张*明" in page and "张小明" not in page
    assert "内部备注" not in page
    assert ID_NUMBER not in page and ID_NUMBER[-4:] not in page
    assert "13935001234" not in page


def test_tracking_with_wrong_last_four_shows_nothing(client, applicant, request_item, village):
    req = filed(applicant, request_item, village)
    response = track(client, req.tracking_code, "4321")
    assert response.status_code == 200
    assert response.context["found"] is False
    assert response.context["form"].non_field_errors()
    # Without the proof in the session, the deep link only fills in the code.
    response = client.get(url("track"), {"code": req.tracking_code})
    assert response.context["found"] is False
    assert response.context["form"]["code"].value() == format_tracking_code(req.tracking_code)
    assert request_item.name not in response.content.decode()


def test_a_mistyped_tracking_code_gets_a_hint(client):
    response = track(client, "7KQ4-M2XB-0", "1234")
    assert response.context["form"].errors["code"]


def test_tracking_is_rate_limited_per_address(client, applicant, request_item, village):
    req = filed(applicant, request_item, village)
    for _ in range(TRACK_ATTEMPTS):
        assert track(client, req.tracking_code, "0000").status_code == 200
    response = track(client, req.tracking_code, "1234")  # right this time, but too late
    assert response.status_code == 429
    assert 'id="track-limited"' in response.content.decode()
    assert response.context["found"] is False
    # Another address is not affected.
    assert client.post(url("track"), {"code": req.tracking_code, "phone_last4": "1234"},
                       REMOTE_ADDR="10.9.9.9").status_code == 302


def test_anyone_who_tracked_the_request_can_rate_it_once_without_an_account(
        client, applicant, request_item, village, officer):
    """Most residents file at the counter and have no account: the code and four digits are the proof."""
    req = completed(applicant, request_item, village, officer)
    track_url = track(client, req.tracking_code, "1234").url
    assert client.get(track_url).context["rating_form"] is not None
    response = client.post(url("track-rate"), {"code": req.tracking_code, "rating-score": "2",
                                               "rating-comment": "等了太久"})
    assert response.url == track_url
    req.refresh_from_db()
    assert req.status == "rated" and req.rating.score == 2 and FollowUp.objects.filter(request=req).exists()
    event = req.events.get(action="rate")
    assert event.actor is None and event.data == {"score": 2, "via": "tracking"}
    again = client.post(url("track-rate"), {"code": req.tracking_code, "rating-score": "5"}, follow=True)
    assert [m.level_tag for m in again.context["messages"]][-1] == "info"
    assert req.events.filter(action="rate").count() == 1


def test_rating_from_the_tracking_page_needs_the_lookup_first(client, applicant, request_item, village, officer):
    req = completed(applicant, request_item, village, officer)
    response = client.post(url("track-rate"), {"code": req.tracking_code, "rating-score": "5"})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "completed" and not req.events.filter(action="rate").exists()


def test_the_rating_service_refuses_a_wrong_proof(applicant, request_item, village, officer):
    from django.core.exceptions import PermissionDenied

    from gov_services.requests.services import service_request_rate_by_tracking

    req = completed(applicant, request_item, village, officer)
    with pytest.raises(PermissionDenied):
        service_request_rate_by_tracking(tracking_code=req.tracking_code, phone_last4="0000", score=5)
    req.refresh_from_db()
    assert req.status == "completed"


@pytest.mark.parametrize("name, masked", [("张小明", "张*明"), ("李娜", "李*"), ("欧阳修文", "欧**文"), ("王", "王")])
def test_names_are_masked_on_the_tracking_page(name, masked):
    assert mask_name(name) == masked
