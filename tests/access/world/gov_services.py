"""The world's gov_services objects: the catalogue, routing, supervision and certificate set-up; service
requests in every state, with what hangs off them (escalations, follow-ups, certificates, drafts, text
messages, webhook deliveries, the county's channels); and residents' public reports."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from tests.access.world.base import Side, World, id_numbers
from tests.factories import (
    RequiredMaterialFactory,
    ServiceItemFactory,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    valid_id_number,
)


def add_catalogue(world: World) -> None:
    from gov_services.certificates import services as cert_services
    from gov_services.services.routing import routing_rule_create
    from gov_services.supervision.services.county_settings import supervision_settings_ensure
    from tests.gov_services.certificate_helpers import seal_png

    for name, side in world.sides.items():
        admin = side.users["county_admin"]
        for key, department in side.departments.items():
            item = ServiceItemFactory(
                department=department, name=f"{name}{key}证明", lowest_level="village", online_allowed=True,
                issues_certificate=True, promised_limit_days=5, legal_limit_days=10)
            RequiredMaterialFactory(item=item, name="身份证", form="scan", required=True, position=1)
            side.items[key] = item
            tags = {"county": name, "department": f"{name}.{key}", **(
                {"township": f"{name}.T2"} if key == "D2" else {})}
            world.add("service_item", item, tags=tags, code=item.code)
            cert_services.certificate_type_save(
                item=item, actor=admin, code=f"ZM{name}{key}", title=f"{name}{key}证明", validity_days=180,
                body_html="<h1>{{ title }}</h1><p>{{ serial }} {{ holder_name }}</p>{{ seal }}{{ qr }}", css="")
            cert_services.department_seal_upload(department=department, content=seal_png(), actor=admin)
            # An official of each department with their own signing key and personal seal.
            official = side.users["officer"] if key == "D1" else side.users["d2_officer"]
            official_key = cert_services.official_key_issue(department=department, official=official, actor=admin)
            cert_services.official_seal_upload(department=department, official=official, content=seal_png(),
                                               actor=admin)
            world.add("department_official", department, tags=tags, user_id=official.pk)
            world.add("official_key", department, tags=tags, key_pk=official_key.pk)
        signer = cert_services.county_signer_create_demo(county=side.county, actor=admin)
        world.add("county_signer", signer, tags={"county": name})
        rule = routing_rule_create(actor=admin, county=side.county, category="help",
                                   department=side.departments["D1"])
        world.add("routing_rule", rule, tags={"county": name})
        supervision_settings_ensure(county=side.county)
        from gov_services.models import EscalationStep

        for step in EscalationStep.objects.filter(county=side.county):
            world.add("escalation_step", step, tags={"county": name})
    from gov_services.models import CalendarDay

    day = CalendarDay.objects.create(date=timezone.localdate().replace(month=12, day=31) + timedelta(days=366 * 3),
                                     kind="holiday", name="测试假日")
    world.add("calendar_day", day, tags={"global": True})


# (side, station, department): the places requests are filed at and routed to.
REQUEST_PLACES = (("A", "S11", "D1"), ("A", "S12", "D1"), ("A", "S21", "D1"), ("A", "S21", "D2"),
                  ("B", "S11", "D1"))


def _request_tags(side: Side, station_key: str, department_key: str) -> dict:
    tags = side.tags_of_station(station_key)
    tags["department"] = f"{side.name}.{department_key}"
    tags["resident"] = side.name
    return tags


def _file(side: Side, station_key: str, department_key: str):
    """A counter application, as the station's operator files it: a scan, a signature, the resident's account."""
    from gov_services.requests.services import service_request_submit

    item = side.items[department_key]
    scan = upload("身份证.jpg", jpeg_bytes(), material=item.materials.get(), content_type="image/jpeg")
    booklet = upload("户口簿.pdf", pdf_bytes(), material=item.materials.get(), content_type="application/pdf")
    return service_request_submit(
        actor=side.operators[station_key], idempotency_key=uuid.uuid4(), kind="application", item=item,
        applicant_name=f"{side.name}村民", applicant_id_number=valid_id_number(next(id_numbers)),
        applicant_phone=side.users["resident"].phone, applicant_user=side.users["resident"], consent="witnessed",
        channel="counter", station=side.stations[station_key], form_data={}, attachments=[scan, booklet],
        signature=png_bytes())


def _officer_of(side: Side, department_key: str):
    return side.users["officer"] if department_key == "D1" else side.users["d2_officer"]


# Every place gets a request in each state a page depends on: submitted, returned (for supplement),
# overdue (accepted, red-carded and escalated by a sweep), approved, completed (with its certificate),
# rated_bad (an open follow-up), appealed (the department appealed the rating), called_back (the
# follow-up's callback done: the resident may rate again).
def add_requests(world: World) -> None:
    from gov_services.certificates import services as cert_services
    from gov_services.models import FollowUp, RatingAppeal, SupervisionCard
    from gov_services.requests import services as moves
    from gov_services.supervision.services.casework import follow_up_record_callback, rating_appeal_submit
    from gov_services.supervision.services.sweep import supervision_sweep_run

    overdue = []
    for name, station_key, department_key in REQUEST_PLACES:
        side = world.sides[name]
        request = _file(side, station_key, department_key)
        moves.service_request_accept(request=request, actor=_officer_of(side, department_key))
        overdue.append((side, station_key, department_key, request))
    # Forty working days later every accepted request is red-carded and escalated.
    supervision_sweep_run(now=timezone.now() + timedelta(days=60))

    from gov_services.models import Escalation

    for side, station_key, department_key, request in overdue:
        tags = _request_tags(side, station_key, department_key)
        _request_thing(world, request, "overdue", tags)
        for escalation in Escalation.objects.filter(request=request):
            world.add("escalation", escalation, tags=tags)
        assert SupervisionCard.objects.filter(request=request).exists(), "the sweep issued no card"

    for name, station_key, department_key in REQUEST_PLACES:
        side = world.sides[name]
        tags = _request_tags(side, station_key, department_key)
        officer = _officer_of(side, department_key)
        resident = side.users["resident"]

        request = _file(side, station_key, department_key)
        _request_thing(world, request, "submitted", tags)

        request = _file(side, station_key, department_key)
        moves.service_request_return(request=request, actor=officer, note="身份证复印件不清楚")
        _request_thing(world, request, "returned", tags)

        approved = _file(side, station_key, department_key)
        for move in (moves.service_request_accept, moves.service_request_start_review):
            move(request=approved, actor=officer)
        moves.service_request_approve(request=approved, actor=officer, note="同意")
        _request_thing(world, approved, "approved", tags)

        completed = _file(side, station_key, department_key)
        for move in (moves.service_request_accept, moves.service_request_start_review,
                     moves.service_request_approve):
            move(request=completed, actor=officer, **({"note": "同意"} if move is moves.service_request_approve else {}))
        certificate = cert_services.certificate_issue(request=completed, actor=officer)
        cert_services.certificate_render_pdf_now(certificate_id=certificate.pk)
        world.add("certificate", certificate, tags=tags, request=completed.pk, token=certificate.token)
        moves.service_request_complete(request=completed, actor=officer)
        _request_thing(world, completed, "completed", tags)

        for state in ("rated_bad", "appealed", "called_back"):
            rated = _file(side, station_key, department_key)
            for move in (moves.service_request_accept, moves.service_request_start_review,
                         moves.service_request_approve, moves.service_request_complete):
                move(request=rated, actor=officer, **({"note": "同意"} if move is moves.service_request_approve else {}))
            rating = moves.service_request_rate(request=rated, actor=resident, score=1, comment="没人理我")
            _request_thing(world, rated, state, tags)
            if state == "appealed":
                appeal = rating_appeal_submit(rating=rating, actor=officer, submission=uuid.uuid4(), reason="已按时办结")
                assert isinstance(appeal, RatingAppeal)
            follow_up = FollowUp.objects.get(request=rated)
            if state == "called_back":  # the department called back and the resident may rate again
                follow_up_record_callback(follow_up=follow_up, actor=side.users["county_admin"],
                                          submission=uuid.uuid4(), result="resolved", outcome="已解决")
            world.add("follow_up", follow_up, state=state, tags=tags)
    _sms(world)
    _webhooks(world)


def add_application_drafts(world: World) -> None:
    """An application draft at each station a request is filed at, with one kept scan (the operator's)."""
    from gov_services.requests.services.drafts import application_draft_open, application_draft_save

    for name, station_key, department_key in REQUEST_PLACES:
        side = world.sides[name]
        item = side.items[department_key]
        operator = side.operators[station_key]
        draft = application_draft_open(actor=operator, station=side.stations[station_key], item=item,
                                       key=uuid.uuid4())
        application_draft_save(draft=draft, actor=operator, uploads=[
            upload("身份证.jpg", jpeg_bytes(), material=item.materials.get(), content_type="image/jpeg")])
        tags = side.tags_of_station(station_key)
        world.add("application_draft", draft, tags=tags)
        for scan in draft.scans.all():
            world.add("draft_scan", scan, tags=tags)
    for side in world.sides.values():  # a resident's unfinished online application: theirs alone
        draft = application_draft_open(actor=side.users["resident"], station=None, item=side.items["D1"],
                                       key=uuid.uuid4())
        world.add("resident_draft", draft, tags={"county": side.name, "user": f"{side.name}.resident"})


def _request_thing(world: World, request, state: str, tags: dict) -> None:
    world.add("request", request, state=state, tags=tags, tracking_code=request.tracking_code)
    for attachment in request.attachments.all():
        kind = "pdf_attachment" if attachment.content_type == "application/pdf" else "attachment"
        world.add(kind, attachment, state=state, tags=tags)


def _sms(world: World) -> None:
    """Every text message in the outbox, owned by the request it was about (by its tracking code)."""
    from core.models import SmsOutboxMessage

    by_code = {t.attrs["tracking_code"]: t.tags for t in world.of("request")}
    for message in SmsOutboxMessage.objects.all():
        tags = by_code.get(message.reference)
        if tags is not None:
            message.status = SmsOutboxMessage.Status.FAILED  # what a retry is for
            message.save(update_fields=["status"])
            world.add("sms", message, tags=tags)


def _webhooks(world: World) -> None:
    """A failed webhook delivery about each request (a channel of its county filed none of them: the outbox
    row is what the screens show and replay), owned by the request's tags."""
    from gov_services.channels.models import Channel, WebhookDelivery

    channels = {}
    for thing in world.of("request"):
        request = thing.obj
        county = world.sides[thing.tags["county"]].county
        if county.pk not in channels:
            channels[county.pk] = Channel.objects.create(name=f"矩阵热线{county.code}", code=f"matrix-{county.code}",
                                                         jurisdiction=county, webhook_url="http://127.0.0.1:9/")
            world.add("channel", channels[county.pk], tags={"county": thing.tags["county"]})
            _wechat_channel(world, county, thing.tags["county"])
        delivery = WebhookDelivery.objects.create(
            channel=channels[county.pk], request=request, event_id=request.pk, region_path=request.place_path,
            status=WebhookDelivery.Status.FAILED, payload={"service_request_id": request.tracking_code})
        world.add("webhook", delivery, tags=thing.tags)


def _wechat_channel(world: World, county, side: str) -> None:
    """The county's WeChat official account (plain mode), filing as the side's county admin."""
    from gov_services.channels.models import Channel, WeChatAccount

    channel = Channel.objects.create(name=f"矩阵公众号{county.code}", code=f"matrix-wx-{county.code}",
                                     jurisdiction=county, intake_channel="wechat")
    WeChatAccount.objects.create(channel=channel, app_id=f"wx{county.pk:016x}", token="MatrixToken",
                                 acting_user=world.sides[side].users["county_admin"])
    world.add("wechat_channel", channel, tags={"county": side}, code=channel.code)


def add_resident_reports(world: World) -> None:
    """A resident's own public report on each side, with a photo: routed to D1 (the dispatch desk)."""
    from decimal import Decimal

    from gov_services.requests.services.reports import report_submit

    for side in world.sides.values():
        report = report_submit(
            actor=side.users["resident"], idempotency_key=uuid.uuid4(), category="complaint", subject="路灯不亮",
            description="村口路灯坏了", village=side.stations["S11"].village, latitude=Decimal("39.410000"),
            longitude=Decimal("118.910000"), is_public=True,
            photos=[upload("路灯.jpg", jpeg_bytes(), content_type="image/jpeg")])
        tags = _request_tags(side, "S11", "D1")
        world.add("report", report, state="public", tags=tags)
        for attachment in report.attachments.all():
            world.add("report_photo", attachment, tags=tags)
