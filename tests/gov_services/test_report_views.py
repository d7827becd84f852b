"""Residents' reports over HTTP: report with a photo and a point, the nearby suggestions, the public list,
map, page and photo (no personal data), following, adding information, and the department's public reply."""

import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.roles import Role
from gov_services.models import RequestEvent, RequestFollower, ServiceRequest
from gov_services.requests import services as moves
from gov_services.requests.services.reports import report_submit
from gov_services.requests.workflow import Action
from tests.factories import DepartmentFactory, DepartmentMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NAME, PHONE = "李秀兰", "13800000001"


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


def jpeg(name="light.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 60, 90)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def reporter(db):
    return UserFactory(roles=[Role.RESIDENT], username=PHONE, phone=PHONE, full_name=NAME)


@pytest.fixture
def public_report(reporter, tree, roads, private_files):
    return report_submit(actor=reporter, idempotency_key=uuid.uuid4(), category="complaint", subject="路灯不亮",
                         description="村口路灯坏了", village=tree["villages"][0], latitude=Decimal("39.425100"),
                         longitude=Decimal("118.905200"), is_public=True, photos=[jpeg()])


def form_data(tree, **overrides):
    data = {"idempotency_key": str(uuid.uuid4()), "category": "complaint", "subject": "路灯不亮",
            "description": "村口路灯坏了一个月", "latitude": "39.425100", "longitude": "118.905200",
            "village": str(tree["villages"][0].pk), "place": "村委会东", "is_public": "yes"}
    data.update(overrides)
    return data


def test_the_report_form_asks_to_sign_in_then_shows_the_map_picker(client, reporter, tree, roads):
    assert client.get(url("report-create")).status_code == 302
    client.force_login(reporter)
    page = client.get(url("report-create"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "我要反映问题" in html and 'data-cz-map=' in html and "vendor/leaflet/leaflet.js" in html
    assert "report-form.js" in html and "//cdn" not in html


def test_a_resident_reports_with_a_photo_and_a_point(client, reporter, tree, roads, private_files):
    client.force_login(reporter)
    response = client.post(url("report-create"), {**form_data(tree), "photo_1": jpeg()})
    report = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("resident-service-request-detail", report.pk)
    assert report.department == roads["bureau"] and report.is_public and report.place == "村委会东"
    assert report.attachments.count() == 1
    detail = client.get(response["Location"])
    assert "补充情况" in detail.content.decode()  # the reporter may add information while it is open


def test_a_renamed_file_is_refused_beside_the_photo_field_in_chinese(client, reporter, tree, roads, private_files):
    client.force_login(reporter)
    fake = SimpleUploadedFile("light.jpg", b"not a picture at all", content_type="image/jpeg")
    response = client.post(url("report-create"), {**form_data(tree), "photo_1": fake})
    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "“light.jpg”不是照片" in response.content.decode()


def test_a_report_with_no_place_and_no_public_choice_is_sent_back(client, reporter, tree, roads):
    client.force_login(reporter)
    response = client.post(url("report-create"), form_data(tree, latitude="", longitude="", village="",
                                                           is_public=""))
    html = response.content.decode()
    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "请说明问题在哪里" in html and "请选择这个问题是否可以公开展示" in html


def test_nearby_suggestions_are_json_without_personal_data(client, public_report):
    response = client.get(url("report-nearby"), {"category": "complaint", "latitude": "39.4252",
                                                 "longitude": "118.9052"})
    rows = response.json()["reports"]
    assert [r["url"] for r in rows] == [url("report-detail", public_report.pk)]
    assert NAME not in response.content.decode() and PHONE not in response.content.decode()
    assert client.get(url("report-nearby"), {"latitude": "nan", "longitude": "x"}).json() == {"reports": []}


def test_public_list_map_and_page_show_the_problem_but_no_personal_data(client, public_report, roads):
    moves.service_request_accept(request=public_report, actor=roads["officer"], note=f"已联系{NAME} {PHONE}")
    for page in (url("report-list"), url("report-map"), url("report-detail", public_report.pk)):
        html = client.get(page).content.decode()
        assert "路灯不亮" in html, page
        for secret in (NAME, PHONE, public_report.tracking_code):
            assert secret not in html, (page, secret)
    photo = public_report.attachments.get()
    response = client.get(url("report-photo", photo.pk))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    small = client.get(url("report-photo", photo.pk), {"size": "small"})
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(small.content)).size) == 480


def test_private_reports_are_not_public(client, reporter, tree, roads):
    private = report_submit(actor=reporter, idempotency_key=uuid.uuid4(), category="complaint", subject="邻里纠纷",
                            description="不便公开", village=tree["villages"][0], is_public=False)
    assert client.get(url("report-detail", private.pk)).status_code == 404
    assert "邻里纠纷" not in client.get(url("report-list")).content.decode()


def test_a_neighbour_follows_a_public_report(client, public_report):
    neighbour = UserFactory(roles=[Role.RESIDENT], phone="13800000002")
    client.force_login(neighbour)
    response = client.post(url("report-follow", public_report.pk))
    assert response.status_code == 302
    assert RequestFollower.objects.filter(request=public_report, user=neighbour).exists()
    assert "取消关注" in client.get(url("report-detail", public_report.pk)).content.decode()
    mine = client.get(url("resident-service-request-list")).content.decode()
    assert "我关注的诉求" in mine and url("report-detail", public_report.pk) in mine
    client.post(url("report-follow", public_report.pk), {"stop": "1"})
    assert not RequestFollower.objects.filter(request=public_report, user=neighbour).exists()


def test_the_reporter_adds_information_and_nobody_else_can(client, reporter, public_report):
    client.force_login(reporter)
    response = client.post(url("resident-report-add-information", public_report.pk), {"info-text": "晚上不亮"})
    assert response.status_code == 302
    assert RequestEvent.objects.filter(request=public_report, action=Action.ADD_INFORMATION).count() == 1
    client.force_login(UserFactory(roles=[Role.RESIDENT], phone="13800000003"))
    assert client.post(url("resident-report-add-information", public_report.pk),
                       {"info-text": "我也说两句"}).status_code == 404


def test_the_officer_replies_publicly_from_the_department_page(client, public_report, roads):
    client.force_login(roads["officer"])
    page = client.get(url("dept-request-detail", public_report.pk)).content.decode()
    assert "公开答复" in page
    response = client.post(url("dept-public-reply", public_report.pk), {"reply-text": "电工周三维修"})
    assert response.status_code == 302
    assert "电工周三维修" in client.get(url("report-detail", public_report.pk)).content.decode()
    empty = client.post(url("dept-public-reply", public_report.pk), {"reply-text": ""}, follow=True)
    assert "未发布" in empty.content.decode()


def test_an_officer_of_another_department_cannot_reply(client, public_report, tree):
    other = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=DepartmentFactory(region=tree["county"]), user=other)
    client.force_login(other)
    assert client.post(url("dept-public-reply", public_report.pk), {"reply-text": "x"}).status_code == 404
    assert not RequestEvent.objects.filter(action=Action.PUBLIC_REPLY).exists()
