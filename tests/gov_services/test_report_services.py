"""Residents' own reports (gov_services/requests/services/reports.py, selectors/reports.py): they go through the
one intake service and its routing, photos are checked and re-drawn, nearby reports are suggested,
followers are texted on status changes, and nothing public carries personal data."""

import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from core.models import SmsOutboxMessage
from gov_services.models import RequestEvent, RequestFollower, ServiceRequest
from gov_services.notifications import FOLLOWED_STATUS
from gov_services.requests import services as moves
from gov_services.requests.display import PUBLIC, timeline_rows
from gov_services.requests.selectors import reports as selectors
from gov_services.requests.services.reports import (
    PHOTO_MAX_SIDE,
    nearest_village,
    report_add_information,
    report_follow,
    report_submit,
    report_unfollow,
    service_request_public_reply,
)
from gov_services.requests.workflow import APPEAL_LIMIT_DAYS, Action
from reports.rollups import request_rollup_differences
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LAT, LNG = Decimal("39.425100"), Decimal("118.905200")


def photo(name="light.jpg", size=(3000, 2000), exif=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        extra["exif"] = data.tobytes()
    image.save(out, format="JPEG", **extra)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def reporter(db):
    return UserFactory(roles=[Role.RESIDENT], phone="13800000001", full_name="李秀兰")


@pytest.fixture
def neighbour(db):
    return UserFactory(roles=[Role.RESIDENT], phone="13800000002", full_name="王大山")


def committed() -> None:
    """End of a move's transaction, as in production (each move commits on its own): the outbox sends one
    text per purpose, request and phone per transaction, and the test's one transaction would merge them."""
    connection.run_on_commit.clear()


def report(actor, tree, **overrides):
    values = {"actor": actor, "idempotency_key": uuid.uuid4(), "category": "complaint", "subject": "路灯不亮",
              "description": "村口路灯坏了一个月", "village": tree["villages"][0], "latitude": LAT, "longitude": LNG,
              "is_public": True}
    values.update(overrides)
    return report_submit(**values)


def test_a_report_is_an_online_appeal_routed_like_a_counter_appeal(reporter, tree, roads, private_files):
    filed = report(reporter, tree, photos=[photo()])
    assert filed.kind == ServiceRequest.Kind.APPEAL and filed.channel == ServiceRequest.Channel.WEB
    assert filed.department == roads["bureau"]  # the county's routing rule for complaints
    assert filed.applicant_user == reporter and filed.applicant_phone == "13800000001"
    assert filed.applicant_id_number == "" and filed.consent == ServiceRequest.Consent.SELF
    assert (filed.latitude, filed.longitude, filed.is_public) == (LAT, LNG, True)
    assert RequestFollower.objects.get(request=filed).is_reporter
    assert SmsOutboxMessage.objects.filter(phone="13800000001", purpose="request_submitted").exists()
    # The same clock as any appeal: accepted, it is due in APPEAL_LIMIT_DAYS working days.
    moves.service_request_accept(request=filed, actor=roads["officer"])
    assert filed.due_at is not None and filed.events.get(action=Action.ACCEPT).data["limit_days"] == APPEAL_LIMIT_DAYS


def test_the_same_report_sent_twice_is_one_report(reporter, tree, roads):
    key = uuid.uuid4()
    first = report(reporter, tree, idempotency_key=key)
    again = report(reporter, tree, idempotency_key=key)
    assert first.pk == again.pk and ServiceRequest.objects.count() == 1


def test_a_point_without_a_village_goes_to_the_nearest_village_with_a_position(reporter, tree, roads):
    near, far = tree["villages"][1], tree["villages"][2]
    for village, (lat, lng) in ((near, ("39.426000", "118.906000")), (far, ("39.500000", "118.990000"))):
        village.latitude, village.longitude = Decimal(lat), Decimal(lng)
        village.save(update_fields=["latitude", "longitude"])
    assert nearest_village(latitude=LAT, longitude=LNG) == near
    assert report(reporter, tree, village=None).village == near
    with pytest.raises(ValidationError) as refused:
        report(reporter, tree, village=None, latitude=Decimal("30"), longitude=Decimal("100"))
    assert "village" in refused.value.message_dict


def test_photos_are_redrawn_small_and_without_their_metadata(reporter, tree, roads, private_files):
    filed = report(reporter, tree, photos=[photo(), photo("2.jpg", size=(800, 600))])
    attachments = list(filed.attachments.order_by("pk"))
    assert [a.content_type for a in attachments] == ["image/jpeg", "image/jpeg"]
    with attachments[0].file.open("rb") as handle, Image.open(handle) as image:
        assert max(image.size) == PHOTO_MAX_SIDE
        assert not image.getexif()  # the phone's make (and any GPS) are gone
    assert attachments[0].original_name == "photo-1.jpg"  # never the name on the resident's phone


def test_a_renamed_non_image_is_refused_in_chinese(reporter, tree, roads, private_files):
    fake = SimpleUploadedFile("light.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        report(reporter, tree, photos=[fake])
    message = refused.value.message_dict["photos"][0]
    assert "light.jpg" in message and "不是照片" in message
    assert ServiceRequest.objects.count() == 0


def test_a_pdf_is_no_photo_and_four_photos_are_too_many(reporter, tree, roads, private_files):
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    with pytest.raises(ValidationError):
        report(reporter, tree, photos=[pdf])
    with pytest.raises(ValidationError) as refused:
        report(reporter, tree, photos=[photo(size=(10, 10), exif=False) for _ in range(4)])
    assert "3" in refused.value.message_dict["photos"][0]


def test_nearby_finds_public_open_reports_of_the_same_kind_within_the_radius_and_window(
        reporter, neighbour, tree, roads):
    same = report(reporter, tree)
    report(reporter, tree, category="suggestion")                       # another kind
    report(reporter, tree, is_public=False)                             # not public
    report(reporter, tree, latitude=LAT + Decimal("0.01"))              # about 1.1 km away
    old = report(reporter, tree)
    ServiceRequest.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=60))
    found = selectors.reports_nearby(category="complaint", latitude=LAT + Decimal("0.0005"), longitude=LNG)
    assert [row["pk"] for row in found] == [same.pk]
    assert 40 <= found[0]["distance"] <= 70
    assert "李秀兰" not in str(found) and "13800000001" not in str(found) and same.tracking_code not in str(found)


def test_a_neighbour_follows_and_every_follower_is_texted_on_status_changes(reporter, neighbour, tree, roads):
    filed = report(reporter, tree)
    report_follow(request=filed, actor=neighbour)
    report_follow(request=filed, actor=neighbour)  # twice is once
    assert RequestFollower.objects.filter(request=filed).count() == 2
    officer = roads["officer"]
    moves.service_request_accept(request=filed, actor=officer)
    texts = SmsOutboxMessage.objects.filter(purpose=FOLLOWED_STATUS)
    assert sorted(texts.values_list("phone", flat=True)) == ["13800000001", "13800000002"]
    assert filed.tracking_code not in texts.get(phone="13800000002").text  # followers never get the code
    assert "已受理" in texts.first().text
    for move in (moves.service_request_start_review, moves.service_request_approve, moves.service_request_complete):
        committed()
        move(request=filed, actor=officer, **({"note": "同意"} if move is moves.service_request_approve else {}))
    # Completed: the reporter already gets the "please rate" message, so only the neighbour is texted.
    completed = texts.filter(text__contains="已办结")
    assert list(completed.values_list("phone", flat=True)) == ["13800000002"]
    report_unfollow(request=filed, actor=neighbour)
    committed()
    moves.service_request_rate(request=filed, actor=reporter, score=5)
    assert not texts.filter(phone="13800000002", text__contains="已评价").exists()


def test_only_public_open_reports_can_be_followed(reporter, neighbour, tree, roads):
    private = report(reporter, tree, is_public=False)
    with pytest.raises(PermissionDenied):
        report_follow(request=private, actor=neighbour)
    rejected = report(reporter, tree)
    moves.service_request_reject(request=rejected, actor=roads["officer"], note="重复")
    with pytest.raises(ValidationError):
        report_follow(request=rejected, actor=neighbour)


def test_the_reporter_adds_information_while_the_report_is_open(reporter, neighbour, tree, roads, private_files):
    filed = report(reporter, tree)
    event = report_add_information(request=filed, actor=reporter, text="晚上完全不亮", photos=[photo()])
    assert event.action == Action.ADD_INFORMATION and not event.internal
    assert filed.attachments.count() == 1
    assert request_rollup_differences() == []  # the report rollups count nothing it changed (no recount)
    with pytest.raises(PermissionDenied):
        report_add_information(request=filed, actor=neighbour, text="我也看到了")
    with pytest.raises(ValidationError):
        report_add_information(request=filed, actor=reporter, text="  ")
    moves.service_request_reject(request=filed, actor=roads["officer"], note="不属实")
    with pytest.raises(ValidationError):
        report_add_information(request=filed, actor=reporter, text="还是坏的")


def test_the_handling_officer_replies_publicly_only_on_public_reports(reporter, neighbour, tree, roads):
    filed = report(reporter, tree)
    event = service_request_public_reply(request=filed, actor=roads["officer"], text="已安排电工周三维修")
    assert event.action == Action.PUBLIC_REPLY and event.to_status == filed.status
    assert request_rollup_differences() == []  # the report rollups count nothing it changed (no recount)
    with pytest.raises(PermissionDenied):
        service_request_public_reply(request=filed, actor=neighbour, text="我来回复")
    private = report(reporter, tree, is_public=False)
    with pytest.raises(ValidationError):
        service_request_public_reply(request=private, actor=roads["officer"], text="已处理")


def test_the_public_timeline_shows_status_steps_and_replies_but_no_notes(reporter, tree, roads):
    filed = report(reporter, tree)
    officer = roads["officer"]
    moves.service_request_accept(request=filed, actor=officer, note="联系李秀兰 13800000001")
    moves.service_request_note(request=filed, actor=officer, note="内部：电工班组", internal=True)
    service_request_public_reply(request=filed, actor=officer, text="已安排维修")
    steps = timeline_rows(filed, audience=PUBLIC)
    assert [s.reply for s in steps] == ["", "", "已安排维修"]
    assert "13800000001" not in str(steps) and "李秀兰" not in str(steps) and "电工班组" not in str(steps)
    assert RequestEvent.objects.filter(request=filed, action=Action.PUBLIC_REPLY).count() == 1


def test_only_public_appeals_are_listed_and_their_rows_carry_no_personal_data(reporter, tree, roads):
    shown = report(reporter, tree)
    report(reporter, tree, is_public=False)
    assert list(selectors.public_reports()) == [shown]
    row = selectors.report_row(shown)
    assert not {"李秀兰", "13800000001", shown.tracking_code} & {str(v) for v in row.values()}


def test_an_overdue_report_is_carded_and_a_bad_rating_opens_the_follow_up(reporter, tree, roads):
    from gov_services.models import FollowUp, SupervisionCard
    from gov_services.supervision.services.county_settings import supervision_settings_ensure
    from gov_services.supervision.services.sweep import supervision_sweep_run

    supervision_settings_ensure(county=tree["county"])
    filed = report(reporter, tree)
    officer = roads["officer"]
    moves.service_request_accept(request=filed, actor=officer)
    supervision_sweep_run(now=timezone.now() + timedelta(days=60))
    assert SupervisionCard.objects.filter(request=filed).exists()  # the same clock and cards as any appeal
    assert request_rollup_differences() == []  # cards change no figure (no recount)
    for move in (moves.service_request_start_review, moves.service_request_approve, moves.service_request_complete):
        move(request=filed, actor=officer, **({"note": "同意"} if move is moves.service_request_approve else {}))
    moves.service_request_rate(request=filed, actor=reporter, score=1, comment="还是不亮")
    assert FollowUp.objects.filter(request=filed, status=FollowUp.Status.OPEN).exists()


def test_followers_are_told_when_the_sweep_closes_a_report_left_returned(reporter, neighbour, tree, roads):
    from gov_services.supervision.services.county_settings import supervision_settings_ensure
    from gov_services.supervision.services.sweep import supervision_sweep_run

    supervision_settings_ensure(county=tree["county"])
    filed = report(reporter, tree)
    report_follow(request=filed, actor=neighbour)
    moves.service_request_return(request=filed, actor=roads["officer"], note="请补充照片")
    committed()
    supervision_sweep_run(now=timezone.now() + timedelta(days=90))
    filed.refresh_from_db()
    assert filed.status == ServiceRequest.Status.CLOSED
    assert request_rollup_differences() == []  # an expiry changes no figure (no recount)
    closed = SmsOutboxMessage.objects.filter(purpose=FOLLOWED_STATUS, text__contains="已关闭")
    assert sorted(closed.values_list("phone", flat=True)) == ["13800000001", "13800000002"]
