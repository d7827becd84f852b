"""Request services: submit (validation, idempotency, attachments) and every workflow action."""

import datetime
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from accounts.roles import Role
from core.state_machine import TransitionNotAllowed
from gov_services.deadlines import WorkCalendar, add_working_days
from gov_services.identifiers import is_valid_tracking_code
from gov_services.models import Attachment, FollowUp, Rating, RequestEvent, ServiceRequest
from gov_services.services import requests as services
from gov_services.services.requests import intake
from gov_services.workflow import APPEAL_LIMIT_DAYS
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    RoutingRuleFactory,
    StaffAssignmentFactory,
    UserFactory,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    valid_id_number,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]

S = ServiceRequest.Status


# --- helpers and fixtures ------------------------------------------------------------------------

@pytest.fixture
def id_card(request_item):
    return request_item.materials.get(name="身份证")


@pytest.fixture
def submit(operator, station, request_item, id_card):
    """File an application at the counter; keyword arguments override the defaults."""

    def _submit(**overrides):
        kwargs = {
            "actor": operator, "idempotency_key": uuid.uuid4(), "kind": "application", "item": request_item,
            "applicant_name": "王秀英", "applicant_id_number": valid_id_number(1),
            "applicant_phone": "13812345678", "consent": "signature", "channel": "counter",
            "station": station, "form_data": {"purpose": "子女入学"},
            "attachments": [upload("身份证.jpg", jpeg_bytes(), id_card)], "signature": png_bytes(),
        }
        kwargs.update(overrides)
        return services.service_request_submit(**kwargs)

    return _submit


@pytest.fixture
def filed(submit):
    return submit()


@pytest.fixture
def head(department):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


@pytest.fixture
def colleague(department):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=department, user=user)
    return user


@pytest.fixture
def other_officer(tree):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=DepartmentFactory(region=tree["county"]), user=user)
    return user


@pytest.fixture
def applicant(filed, resident):
    """`filed`, linked to the resident's account."""
    ServiceRequest.objects.filter(pk=filed.pk).update(applicant_user=resident)
    filed.refresh_from_db()
    return filed


def counts() -> tuple[int, int, int]:
    return ServiceRequest.objects.count(), RequestEvent.objects.count(), Attachment.objects.count()


def stored_files(root: Path) -> int:
    return sum(1 for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else 0


def events(request_obj, action=None) -> list[RequestEvent]:
    rows = RequestEvent.objects.filter(request=request_obj).order_by("at", "pk")
    return list(rows.filter(action=action) if action else rows)


def to_review(request_obj, officer):
    services.service_request_accept(request=request_obj, actor=officer)
    return services.service_request_start_review(request=request_obj, actor=officer)


def completed(request_obj, officer):
    to_review(request_obj, officer)
    services.service_request_approve(request=request_obj, actor=officer, note="同意")
    return services.service_request_complete(request=request_obj, actor=officer)


# --- submit --------------------------------------------------------------------------------------

def test_operator_files_an_application_with_a_scan_and_a_signature(filed, operator, station, request_item,
                                                                 id_card, private_files):
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED and filed.department == request_item.department
    assert filed.station == station and filed.village == station.village and filed.filed_by == operator
    assert is_valid_tracking_code(filed.tracking_code)
    assert filed.form_data == {"purpose": "子女入学"}
    [event] = events(filed)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("submit", "", S.SUBMITTED, operator)
    [scan] = filed.attachments.all()
    assert (scan.material, scan.content_type, scan.original_name) == (id_card, "image/jpeg", "身份证.jpg")
    assert scan.size == len(jpeg_bytes()) and len(scan.sha256) == 64
    assert scan.file.read() == jpeg_bytes()
    assert filed.signature.read() == png_bytes()
    assert stored_files(private_files) == 2  # the scan and the signature, nowhere public


def test_stored_file_name_is_random_not_the_residents(filed):
    scan = filed.attachments.get()
    assert "身份证" not in scan.file.name and scan.file.name.endswith(".jpg")


def test_id_number_and_phone_are_stored_normalised(submit):
    filed = submit(applicant_id_number=f" {valid_id_number(2)} ", applicant_phone="+86 138-1234-5678")
    assert (filed.applicant_id_number, filed.applicant_phone) == (valid_id_number(2), "13812345678")


@pytest.mark.parametrize("name, content, content_type", [
    ("scan.jpg", jpeg_bytes(), "image/jpeg"),
    ("scan.JPEG", jpeg_bytes(), "image/jpeg"),
    ("scan.png", png_bytes(), "image/png"),
    ("scan.pdf", pdf_bytes(), "application/pdf"),
    ("scan", jpeg_bytes(), "image/jpeg"),  # a camera capture without an extension
])
def test_jpeg_png_and_pdf_scans_are_accepted_by_their_content(submit, id_card, name, content, content_type):
    filed = submit(attachments=[upload(name, content, id_card)])
    assert filed.attachments.get().content_type == content_type


def test_optional_materials_may_be_missing_and_extra_scans_may_be_added(submit, id_card, request_item):
    register = request_item.materials.get(name="户口簿")
    filed = submit(attachments=[upload("a.jpg", jpeg_bytes(), id_card), upload("b.pdf", pdf_bytes(), id_card),
                                upload("c.png", png_bytes(), register), upload("d.pdf", pdf_bytes())])
    assert filed.attachments.count() == 4


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize("overrides, field", [
    ({"applicant_id_number": "130225198001010011"}, "applicant_id_number"),  # checksum wrong
    ({"applicant_id_number": "1302251980"}, "applicant_id_number"),
    ({"applicant_phone": "12345"}, "applicant_phone"),
    ({"applicant_name": "  "}, "applicant_name"),
    ({"form_data": {}}, "form_data.purpose"),  # a required e-form field
    ({"form_data": {"purpose": "x", "bogus": "y"}}, "form_data.bogus"),
    ({"attachments": []}, "attachments.*"),  # the required ID-card scan at the counter (keyed by its material)
    ({"consent": "self"}, "consent"),  # filed on someone's behalf
    ({"consent": "signature", "signature": None}, "signature"),
    ({"signature": jpeg_bytes()}, "signature"),  # the pad gives PNG
    ({"signature": b"\x89PNG\r\n\x1a\n not really"}, "signature"),
    ({"channel": "carrier-pigeon"}, "channel"),
    ({"kind": "appeal"}, "item"),  # an appeal with a catalogue item
])
def test_invalid_submission_is_refused_and_leaves_nothing_saved(submit, private_files, overrides, field):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(**overrides)
    keys = set(refused.value.message_dict)
    assert field in keys | {f"{key.partition('.')[0]}.*" for key in keys}
    assert counts() == before and stored_files(private_files) == 0


@pytest.mark.parametrize("name, content", [
    ("setup.jpg", EXE),                                  # an .exe renamed .jpg
    ("notes.pdf", "这不是扫描件".encode()),                 # a text file renamed .pdf
    ("scan.png", pdf_bytes()),                           # a PDF claiming to be a PNG
    ("scan.exe", jpeg_bytes()),                          # a JPEG with a strange name
    ("broken.jpg", jpeg_bytes()[:40]),                   # the JPEG magic, then nothing sound
    ("fake.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 300),  # JPEG magic bytes, not an image
    ("cut.pdf", pdf_bytes()[:60]),                       # a PDF without its end
    ("empty.jpg", b""),
])
def test_disguised_or_broken_files_are_refused_by_content(submit, id_card, private_files, name, content):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload(name, content, id_card)])
    assert name in " ".join(refused.value.message_dict[f"attachments.{id_card.pk}"])
    assert counts() == before and stored_files(private_files) == 0


def test_declared_content_type_that_contradicts_the_content_is_refused(submit, id_card):
    with pytest.raises(ValidationError, match=r"scan\.pdf"):
        submit(attachments=[upload("scan.pdf", pdf_bytes(), id_card, content_type="image/png")])


def test_oversized_file_is_refused_before_it_is_read_in_full(submit, id_card):
    big = jpeg_bytes() + b"\x00" * services.MAX_ATTACHMENT_BYTES
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload("big.jpg", big, id_card)])
    assert "10 MB" in refused.value.message_dict[f"attachments.{id_card.pk}"][0]
    assert counts() == before


def test_scan_filed_under_a_material_of_another_item_is_refused(submit, id_card, department):
    from tests.factories import RequiredMaterialFactory, ServiceItemFactory

    foreign = RequiredMaterialFactory(item=ServiceItemFactory(department=department))
    with pytest.raises(ValidationError) as refused:
        submit(attachments=[upload("a.jpg", jpeg_bytes(), id_card), upload("b.jpg", jpeg_bytes(), foreign)])
    assert "attachments" in refused.value.message_dict


def test_operator_may_file_only_for_their_own_station(submit, other_station):
    before = counts()
    with pytest.raises(PermissionDenied):
        submit(station=other_station)
    assert counts() == before


def test_counter_request_needs_a_station(submit):
    with pytest.raises(ValidationError) as refused:
        submit(station=None)
    assert "station" in refused.value.message_dict


def test_resident_applies_online_for_themselves_without_scans(resident, request_item, tree):
    filed = services.service_request_submit(
        actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
        applicant_user=resident, consent="self", channel="web", village=tree["villages"][1],
        form_data={"purpose": "办理社保"}, attachments=[], signature=None)
    assert (filed.filed_by, filed.applicant_user, filed.station) == (None, resident, None)
    assert events(filed)[0].actor == resident


def test_item_not_offered_online_cannot_be_applied_for_on_the_web(resident, request_item, tree):
    request_item.online_allowed = False
    request_item.save()
    with pytest.raises(ValidationError) as refused:
        services.service_request_submit(
            actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
            applicant_user=resident, consent="self", channel="web", village=tree["villages"][1],
            form_data={"purpose": "x"}, attachments=[], signature=None)
    assert "item" in refused.value.message_dict
    assert ServiceRequest.objects.count() == 0


def test_resident_cannot_file_online_for_someone_else(resident, request_item, tree):
    with pytest.raises(ValidationError) as refused:
        services.service_request_submit(
            actor=resident, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
            applicant_name="李四", applicant_id_number=valid_id_number(3), applicant_phone="13900000000",
            applicant_user=None, consent="witnessed", channel="web", village=tree["villages"][1],
            form_data={"purpose": "x"}, attachments=[], signature=None)
    assert "applicant_user" in refused.value.message_dict


def test_anonymous_visitor_cannot_file():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.service_request_submit(
            actor=AnonymousUser(), idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="help",
            applicant_name="x", applicant_id_number=valid_id_number(1), applicant_phone="13812345678",
            consent="witnessed", channel="web", form_data={}, attachments=[])


def appeal(submit, **overrides):
    return submit(kind="appeal", item=None, appeal_category="help", subject="路灯坏了",
                  description="村东头路灯不亮已经一周", place="村东头", form_data={}, attachments=[],
                  **overrides)


def test_appeal_goes_to_the_department_its_routing_rule_names(submit, tree, department, dispatch_desk):
    RoutingRuleFactory(county=tree["county"], department=department, category="help")
    filed = appeal(submit)
    assert (filed.kind, filed.item, filed.department) == ("appeal", None, department)
    assert filed.form_data == {}


def test_appeal_no_rule_matches_goes_to_the_dispatch_desk(submit, dispatch_desk):
    assert appeal(submit).department == dispatch_desk


def test_appeal_needs_a_category_and_a_description(submit, dispatch_desk):
    with pytest.raises(ValidationError) as refused:
        submit(kind="appeal", item=None, appeal_category="", description=" ", form_data={}, attachments=[])
    assert {"appeal_category", "description"} <= set(refused.value.message_dict)


def test_liaison_relays_an_appeal_from_their_station(liaison, station, dispatch_desk, submit):
    filed = appeal(submit, actor=liaison, channel="liaison", consent="witnessed", signature=None)
    assert filed.filed_by == liaison and filed.channel == "liaison"


def test_county_admin_records_a_phone_appeal_for_a_village_in_their_county(county_admin, tree, dispatch_desk):
    filed = services.service_request_submit(
        actor=county_admin, idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="complaint",
        description="垃圾没人清运", applicant_name="赵六", applicant_id_number=valid_id_number(4),
        applicant_phone="13700000000", consent="witnessed", channel="phone", village=tree["villages"][3],
        form_data={}, attachments=[])
    assert filed.station is None and filed.village == tree["villages"][3]


def test_township_admin_cannot_record_an_appeal_from_another_township(township_admin, tree, dispatch_desk):
    with pytest.raises(PermissionDenied):
        services.service_request_submit(
            actor=township_admin, idempotency_key=uuid.uuid4(), kind="appeal", appeal_category="complaint",
            description="x", applicant_name="赵六", applicant_id_number=valid_id_number(4),
            applicant_phone="13700000000", consent="witnessed", channel="phone", village=tree["villages"][3],
            form_data={}, attachments=[])


# --- idempotent submit ---------------------------------------------------------------------------

def test_resending_the_same_form_returns_the_first_request(submit, id_card):
    key = uuid.uuid4()
    first = submit(idempotency_key=key)
    before = counts()
    again = submit(idempotency_key=key, attachments=[upload("身份证.jpg", jpeg_bytes(), id_card)])
    assert again.pk == first.pk and again.tracking_code == first.tracking_code
    assert counts() == before == (1, 1, 1)


@pytest.mark.parametrize("overrides", [
    {"applicant_id_number": valid_id_number(9)},
    {"applicant_name": "另一个人"},
    {"form_data": {"purpose": "别的用途"}},
    {"attachments": []},
])
def test_same_key_with_different_content_is_refused(submit, overrides):
    key = uuid.uuid4()
    submit(idempotency_key=key)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        submit(idempotency_key=key, **overrides)
    assert refused.value.code == "idempotency_conflict"
    assert counts() == before


def test_same_key_from_another_user_is_refused(submit, station):
    other = UserFactory(roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=other, role="operator", station=station)
    key = uuid.uuid4()
    submit(idempotency_key=key)
    with pytest.raises(ValidationError) as refused:
        submit(idempotency_key=key, actor=other)
    assert refused.value.code == "idempotency_conflict"


def test_tracking_code_collision_is_retried_with_a_new_code(submit, monkeypatch):
    taken = submit().tracking_code
    codes = iter([taken, taken, "7KQ4M2XBY"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    second = submit()
    assert second.tracking_code == "7KQ4M2XBY" and ServiceRequest.objects.count() == 2


# --- accept, return, resubmit, reject -------------------------------------------------------------

def test_accept_starts_the_clock_from_the_promised_limit(filed, officer):
    services.service_request_accept(request=filed, actor=officer, note="材料齐全")
    filed.refresh_from_db()
    assert filed.status == S.ACCEPTED
    assert filed.due_at == add_working_days(filed.accepted_at, 5, WorkCalendar())
    [event] = events(filed, "accept")
    assert (event.from_status, event.to_status, event.actor, event.note, event.internal) == (
        S.SUBMITTED, S.ACCEPTED, officer, "材料齐全", False)


def test_accepted_appeal_is_due_in_the_county_default_limit(submit, department, officer, tree):
    RoutingRuleFactory(county=tree["county"], department=department, category="help")
    DepartmentFactory(region=tree["county"], is_dispatch_desk=True)
    filed = appeal(submit)
    services.service_request_accept(request=filed, actor=officer)
    assert filed.due_at == add_working_days(filed.accepted_at, APPEAL_LIMIT_DAYS, WorkCalendar())


def test_double_click_on_accept_is_refused_and_records_one_event(filed, officer):
    services.service_request_accept(request=filed, actor=officer)
    stale = ServiceRequest.objects.get(pk=filed.pk)
    stale.status = S.SUBMITTED  # the second click was rendered before the first landed
    with pytest.raises(TransitionNotAllowed) as refused:
        services.service_request_accept(request=stale, actor=officer)
    assert refused.value.code == "illegal_transition" and stale.status == S.ACCEPTED
    assert len(events(filed, "accept")) == 1


def test_officer_of_another_department_cannot_act(filed, other_officer):
    for move in (services.service_request_accept, services.service_request_start_review):
        with pytest.raises(PermissionDenied):
            move(request=filed, actor=other_officer)
    with pytest.raises(PermissionDenied):
        services.service_request_reject(request=filed, actor=other_officer, note="x")
    assert ServiceRequest.objects.get(pk=filed.pk).status == S.SUBMITTED and len(events(filed)) == 1


@pytest.mark.parametrize("who", ["operator", "resident", "county_admin"])
def test_people_outside_the_department_cannot_accept(request, filed, who):
    with pytest.raises(PermissionDenied):
        services.service_request_accept(request=filed, actor=request.getfixturevalue(who))


def test_once_assigned_only_the_assignee_or_the_head_may_move_it(filed, officer, colleague, head):
    services.service_request_claim(request=filed, actor=officer)
    with pytest.raises(PermissionDenied):
        services.service_request_accept(request=filed, actor=colleague)
    services.service_request_accept(request=filed, actor=head)
    services.service_request_start_review(request=filed, actor=officer)
    assert ServiceRequest.objects.get(pk=filed.pk).status == S.UNDER_REVIEW


def test_superuser_may_act_on_any_request(filed, superuser):
    services.service_request_accept(request=filed, actor=superuser)
    assert filed.status == S.ACCEPTED


def test_return_for_supplement_pauses_the_clock_and_says_what_is_missing(filed, officer):
    services.service_request_accept(request=filed, actor=officer)
    services.service_request_return(request=filed, actor=officer, note="缺户口簿首页")
    filed.refresh_from_db()
    assert filed.status == S.RETURNED and filed.paused_at is not None
    [event] = events(filed, "return_for_supplement")
    assert event.data == {"returned_from": S.ACCEPTED} and event.note == "缺户口簿首页" and not event.internal


def test_return_without_a_note_is_refused(filed, officer):
    with pytest.raises(ValidationError) as refused:
        services.service_request_return(request=filed, actor=officer, note=" ")
    assert "note" in refused.value.message_dict
    assert ServiceRequest.objects.get(pk=filed.pk).status == S.SUBMITTED and len(events(filed)) == 1


def test_resubmit_resumes_the_clock_and_extends_the_deadline_by_the_pause(applicant, officer, resident, request_item):
    to_review(applicant, officer)
    services.service_request_return(request=applicant, actor=officer, note="缺户口簿")
    due_before = ServiceRequest.objects.get(pk=applicant.pk).due_at
    # The resident comes back a week later: seven calendar days hold exactly five working days.
    ServiceRequest.objects.filter(pk=applicant.pk).update(paused_at=F("paused_at") - datetime.timedelta(days=7))
    register = request_item.materials.get(name="户口簿")
    services.service_request_resubmit(request=applicant, actor=resident, note="补了户口簿",
                                      form_data={"purpose": "子女入学（补）"},
                                      attachments=[upload("户口簿.pdf", pdf_bytes(), register)])
    applicant.refresh_from_db()
    assert applicant.status == S.UNDER_REVIEW and applicant.paused_at is None
    assert applicant.due_at == add_working_days(due_before, 5, WorkCalendar())
    assert applicant.form_data == {"purpose": "子女入学（补）"}
    assert applicant.attachments.count() == 2
    [event] = events(applicant, "resubmit")
    assert (event.from_status, event.to_status, event.actor) == (S.RETURNED, S.UNDER_REVIEW, resident)


def test_resubmit_of_a_request_returned_before_acceptance_goes_back_to_submitted(filed, officer, operator):
    services.service_request_return(request=filed, actor=officer, note="身份证看不清")
    services.service_request_resubmit(request=filed, actor=operator)
    filed.refresh_from_db()
    assert filed.status == S.SUBMITTED and filed.due_at is None and filed.paused_at is None


def test_resubmit_with_bad_form_data_or_a_disguised_file_changes_nothing(filed, officer, operator, id_card):
    services.service_request_return(request=filed, actor=officer, note="重拍")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.service_request_resubmit(request=filed, actor=operator, form_data={},
                                          attachments=[upload("x.jpg", EXE, id_card)])
    assert {"form_data.purpose", f"attachments.{id_card.pk}"} <= set(refused.value.message_dict)
    assert counts() == before and ServiceRequest.objects.get(pk=filed.pk).status == S.RETURNED


@pytest.mark.parametrize("who", ["officer", "other_station_operator", "stranger"])
def test_only_the_applicant_or_their_station_may_resubmit(request, filed, officer, other_station, who):
    services.service_request_return(request=filed, actor=officer, note="缺材料")
    if who == "other_station_operator":
        actor = UserFactory(roles=[Role.OPERATOR])
        StaffAssignmentFactory(user=actor, role="operator", station=other_station)
    elif who == "stranger":
        actor = UserFactory(roles=[Role.RESIDENT])
    else:
        actor = officer
    with pytest.raises(PermissionDenied):
        services.service_request_resubmit(request=filed, actor=actor)


def test_resubmit_of_a_request_that_is_not_returned_is_illegal(filed, operator):
    with pytest.raises(TransitionNotAllowed):
        services.service_request_resubmit(request=filed, actor=operator)


def test_reject_needs_a_reason_and_is_only_possible_before_acceptance(submit, officer):
    filed = submit()
    with pytest.raises(ValidationError):
        services.service_request_reject(request=filed, actor=officer, note="")
    services.service_request_reject(request=filed, actor=officer, note="不属于本部门受理范围")
    assert filed.status == S.REJECTED
    accepted = submit()
    services.service_request_accept(request=accepted, actor=officer)
    with pytest.raises(TransitionNotAllowed):
        services.service_request_reject(request=accepted, actor=officer, note="x")


# --- review, result, rating, close ----------------------------------------------------------------

def test_the_whole_way_from_submit_to_closed_records_one_event_per_move(applicant, officer, resident):
    completed(applicant, officer)
    services.service_request_rate(request=applicant, actor=resident, score=5, comment="办得快")
    services.service_request_close(request=applicant, actor=officer)
    applicant.refresh_from_db()
    assert applicant.status == S.CLOSED and applicant.completed_at is not None
    assert [(e.action, e.from_status, e.to_status) for e in events(applicant)] == [
        ("submit", "", "submitted"), ("claim", "submitted", "submitted"), ("accept", "submitted", "accepted"),
        ("start_review", "accepted", "under_review"), ("approve", "under_review", "approved"),
        ("complete", "approved", "completed"), ("rate", "completed", "rated"), ("close", "rated", "closed")]


def test_refusal_needs_a_reason_and_is_then_completed(filed, officer):
    to_review(filed, officer)
    with pytest.raises(ValidationError):
        services.service_request_refuse(request=filed, actor=officer, note="")
    services.service_request_refuse(request=filed, actor=officer, note="不符合低保条件")
    services.service_request_complete(request=filed, actor=officer)
    assert filed.status == S.COMPLETED and events(filed, "refuse")[0].note == "不符合低保条件"


def test_approve_before_review_is_illegal(filed, officer):
    services.service_request_accept(request=filed, actor=officer)
    with pytest.raises(TransitionNotAllowed):
        services.service_request_approve(request=filed, actor=officer, note="同意")


def test_resident_rates_once_and_satisfied_opens_no_follow_up(applicant, officer, resident):
    completed(applicant, officer)
    rating = services.service_request_rate(request=applicant, actor=resident, score=4, comment="满意")
    assert (rating.score, rating.comment, rating.request) == (4, "满意", applicant)
    assert not FollowUp.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        services.service_request_rate(request=applicant, actor=resident, score=1)
    assert Rating.objects.count() == 1 and len(events(applicant, "rate")) == 1


@pytest.mark.parametrize("score", [1, 2])
def test_dissatisfied_rating_opens_a_follow_up(applicant, officer, resident, score):
    completed(applicant, officer)
    services.service_request_rate(request=applicant, actor=resident, score=score, comment="没人回电话")
    assert FollowUp.objects.get(request=applicant).status == FollowUp.Status.OPEN


@pytest.mark.parametrize("score", [0, 6, "5", None, True])
def test_rating_outside_the_scale_is_refused(applicant, officer, resident, score):
    completed(applicant, officer)
    with pytest.raises(ValidationError):
        services.service_request_rate(request=applicant, actor=resident, score=score)
    assert not Rating.objects.exists() and ServiceRequest.objects.get(pk=applicant.pk).status == S.COMPLETED


def test_operator_may_rate_at_the_counter_for_the_resident(filed, officer, operator):
    completed(filed, officer)
    services.service_request_rate(request=filed, actor=operator, score=3)
    assert filed.status == S.RATED


@pytest.mark.parametrize("who", ["officer", "resident"])
def test_officers_and_other_residents_cannot_rate(request, filed, officer, who):
    completed(filed, officer)
    with pytest.raises(PermissionDenied):
        services.service_request_rate(request=filed, actor=request.getfixturevalue(who), score=5)


def test_rating_before_completion_is_illegal(applicant, resident):
    with pytest.raises(TransitionNotAllowed):
        services.service_request_rate(request=applicant, actor=resident, score=5)


def test_rejected_request_can_be_closed_by_a_county_admin(filed, officer, county_admin):
    services.service_request_reject(request=filed, actor=officer, note="重复申请")
    services.service_request_close(request=filed, actor=county_admin)
    assert filed.status == S.CLOSED


# --- reroute, claim, assign, transfer, note -------------------------------------------------------

def test_reroute_moves_the_request_and_clears_the_assignee(filed, officer, tree):
    other = DepartmentFactory(region=tree["townships"][0], level="township")
    services.service_request_claim(request=filed, actor=officer)
    services.service_request_reroute(request=filed, actor=officer, department=other, note="属于乡镇事项")
    filed.refresh_from_db()
    assert (filed.department, filed.assignee, filed.status) == (other, None, S.SUBMITTED)
    [event] = events(filed, "reroute")
    assert event.internal and event.note == "属于乡镇事项"
    assert event.data["to_department"] == other.pk and event.data["from_assignee"] == officer.pk


def test_reroute_to_a_department_that_does_not_serve_the_village_is_refused(filed, officer, tree):
    elsewhere = DepartmentFactory(region=tree["townships"][1], level="township")
    with pytest.raises(ValidationError) as refused:
        services.service_request_reroute(request=filed, actor=officer, department=elsewhere, note="x")
    assert "department" in refused.value.message_dict and len(events(filed)) == 1


def test_reroute_to_the_same_department_or_without_a_note_is_refused(filed, officer, department, tree):
    with pytest.raises(ValidationError):
        services.service_request_reroute(request=filed, actor=officer, department=department, note="x")
    with pytest.raises(ValidationError):
        services.service_request_reroute(request=filed, actor=officer,
                                         department=DepartmentFactory(region=tree["county"]), note="")


def test_admin_of_the_region_may_reroute_but_not_one_elsewhere(filed, county_admin, tree):
    target = DepartmentFactory(region=tree["county"])
    outsider = UserFactory(roles=[Role.TOWNSHIP_ADMIN])
    StaffAssignmentFactory(user=outsider, role="township_admin", region=tree["townships"][1])
    with pytest.raises(PermissionDenied):
        services.service_request_reroute(request=filed, actor=outsider, department=target, note="x")
    services.service_request_reroute(request=filed, actor=county_admin, department=target, note="派给民政")
    assert filed.department == target


def test_reroute_after_completion_is_illegal(filed, officer, tree):
    completed(filed, officer)
    with pytest.raises(TransitionNotAllowed):
        services.service_request_reroute(request=filed, actor=officer,
                                         department=DepartmentFactory(region=tree["county"]), note="x")


def test_claim_takes_an_unassigned_request_once(filed, officer, colleague):
    services.service_request_claim(request=filed, actor=officer)
    assert filed.assignee == officer
    with pytest.raises(ValidationError) as repeated:
        services.service_request_claim(request=filed, actor=officer)
    assert repeated.value.code == "already_assigned"
    with pytest.raises(PermissionDenied):
        services.service_request_claim(request=filed, actor=colleague)
    [event] = events(filed, "claim")
    assert event.internal and event.data == {"from_assignee": None, "to_assignee": officer.pk}


def test_claim_by_an_officer_of_another_department_is_refused(filed, other_officer):
    with pytest.raises(PermissionDenied):
        services.service_request_claim(request=filed, actor=other_officer)


def test_head_assigns_to_a_member_once(filed, head, officer, other_officer):
    with pytest.raises(ValidationError):
        services.service_request_assign(request=filed, actor=head, assignee=other_officer)
    services.service_request_assign(request=filed, actor=head, assignee=officer)
    assert ServiceRequest.objects.get(pk=filed.pk).assignee == officer
    with pytest.raises(ValidationError):
        services.service_request_assign(request=filed, actor=head, assignee=officer)
    assert len(events(filed, "assign")) == 1


def test_only_the_head_may_assign(filed, officer, colleague):
    with pytest.raises(PermissionDenied):
        services.service_request_assign(request=filed, actor=officer, assignee=colleague)


def test_assignee_transfers_to_a_colleague_with_a_note(filed, officer, colleague):
    services.service_request_claim(request=filed, actor=officer)
    with pytest.raises(ValidationError):
        services.service_request_transfer(request=filed, actor=officer, assignee=colleague, note="")
    services.service_request_transfer(request=filed, actor=officer, assignee=colleague, note="我休假")
    assert ServiceRequest.objects.get(pk=filed.pk).assignee == colleague
    with pytest.raises(PermissionDenied):  # no longer theirs
        services.service_request_transfer(request=filed, actor=officer, assignee=officer, note="拿回来")
    assert len(events(filed, "transfer")) == 1


def test_transfer_of_an_unassigned_request_or_to_an_outsider_is_refused(filed, officer, other_officer):
    with pytest.raises(ValidationError):
        services.service_request_transfer(request=filed, actor=officer, assignee=officer, note="x")
    services.service_request_claim(request=filed, actor=officer)
    with pytest.raises(ValidationError):
        services.service_request_transfer(request=filed, actor=officer, assignee=other_officer, note="x")


def test_notes_are_internal_unless_said_otherwise(filed, officer, operator):
    internal = services.service_request_note(request=filed, actor=officer, note="已电话联系申请人")
    public = services.service_request_note(request=filed, actor=operator, note="群众来电询问进度", internal=False)
    assert internal.internal and not public.internal
    assert (internal.from_status, internal.to_status) == (S.SUBMITTED, S.SUBMITTED)


@pytest.mark.parametrize("who", ["resident", "other_officer"])
def test_people_without_a_stake_cannot_add_notes(request, filed, who):
    with pytest.raises(PermissionDenied):
        services.service_request_note(request=filed, actor=request.getfixturevalue(who), note="x")


def test_empty_note_is_refused(filed, officer):
    with pytest.raises(ValidationError):
        services.service_request_note(request=filed, actor=officer, note="  ")


def test_service_updates_the_instance_it_was_given(filed, officer):
    returned = services.service_request_accept(request=filed, actor=officer)
    assert returned is filed and filed.status == S.ACCEPTED and filed.due_at is not None
