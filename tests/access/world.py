"""The access matrix's world: two counties, built once per test module through the project's services.

Side "A" is where every role under test works; side "B" is a second county that exists only to be
foreign. Each county has two townships (T1, T2) with two villages each and a station in every
village (S11, S12 in T1; S21, S22 in T2), a county-level department D1 (with an officer and a head)
and a township-level department D2 serving T2, one member merchant per township that has one
(A.M1 serves A.T1, A.M2 serves A.T2, B.M1 serves B.T1), and one resident.

Every object a URL can name is recorded as a `Thing`: its kind, its state (for kinds whose pages
depend on it), the values its URLs take (`attrs`) and who it belongs to (`tags`): the county,
township, station, department, merchant, resident or user whose scope it lies in. The matrix
decides "own" and "foreign" from those tags alone (tests/access/policy.py).
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from core.timeutil import last_full_month
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    RequiredMaterialFactory,
    ServiceItemFactory,
    StaffAssignmentFactory,
    StationFactory,
    UserFactory,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    region,
    upload,
    valid_id_number,
)

# The roles of the matrix. `county_finance` is not a Role of its own: the demo (demo/seeding/agency.py
# `_county_finance`) makes it a second county-admin assignment, so that statements are approved by
# someone other than their maker; the matrix builds it the same way.
ROLES = ("anonymous", "resident", "operator", "liaison", "officer", "department_head", "township_admin",
         "county_admin", "county_finance", "merchant", "editor", "superuser")

_phones = itertools.count(13700000001)


def phone() -> str:
    return str(next(_phones))


@dataclass
class Thing:
    """One object a URL can name. `attrs` are the values URL kwargs take from it; `tags` who owns it."""

    kind: str
    state: str
    attrs: dict
    tags: dict
    obj: object = field(repr=False, default=None)


@dataclass
class Side:
    name: str
    county: object = None
    townships: dict = field(default_factory=dict)      # "T1" → Region
    stations: dict = field(default_factory=dict)       # "S11" → Station
    departments: dict = field(default_factory=dict)    # "D1" → Department
    operators: dict = field(default_factory=dict)      # "S11" → User
    items: dict = field(default_factory=dict)          # "D1" → ServiceItem
    merchants: dict = field(default_factory=dict)      # "M1" → Merchant
    users: dict = field(default_factory=dict)          # role → User

    def tags_of_station(self, key: str) -> dict:
        return {"county": self.name, "township": f"{self.name}.T{key[1]}", "station": f"{self.name}.{key}"}


@dataclass
class World:
    sides: dict = field(default_factory=dict)
    things: list = field(default_factory=list)
    actors: dict = field(default_factory=dict)     # role → the side-A user playing it
    api_keys: dict = field(default_factory=dict)   # role → the raw key of that user's API key
    product: object = None                          # the till's product (a bill payment)
    document_url: str = ""                          # a Wagtail document's public URL
    clients: dict = field(default_factory=dict)     # role → a test client signed in as the role's user
    cookies: dict = field(default_factory=dict)     # role → the client's cookies right after signing in

    @property
    def anonymous_client(self):
        return self.clients["anonymous"]

    def add(self, kind: str, obj, *, state: str = "", tags: dict, **attrs) -> Thing:
        thing = Thing(kind=kind, state=state, attrs={"pk": getattr(obj, "pk", None), **attrs}, tags=tags, obj=obj)
        self.things.append(thing)
        return thing

    def of(self, kind: str, state: str = "") -> list[Thing]:
        return [t for t in self.things if t.kind == kind and (not state or t.state == state)]


def build_world() -> World:
    world = World()
    for name in ("A", "B"):
        world.sides[name] = _places(world, name)
    a = world.sides["A"]
    world.actors = {"anonymous": None, **a.users}
    _roles_without_place(world)
    _catalogue(world)
    _requests(world)
    _application_drafts(world)
    _resident_reports(world)
    _till(world)
    _grids(world)
    _shop(world)
    _oscar(world)
    _reports(world)
    _api_keys(world)
    _care(world)
    return world


# --- places and people -------------------------------------------------------------------------------

def _user(role: Role | None, **fields):
    return UserFactory(roles=[role] if role else [], phone=phone(), **fields)


def _places(world: World, name: str) -> Side:
    side = Side(name)
    city = region("city", name=f"{name}市")
    side.county = region("county", city, name=f"{name}县")
    world.add("county", side.county, tags={"county": name})
    for t in (1, 2):
        township = region("township", side.county, name=f"{name}县{t}镇")
        side.townships[f"T{t}"] = township
        world.add("township", township, tags={"county": name, "township": f"{name}.T{t}"})
        for v in (1, 2):
            village = region("village", township, name=f"{name}县{t}镇{v}村")
            key = f"S{t}{v}"
            station = StationFactory(village=village, services=["gov_errands", "bill_payment", "shop_pickup"])
            side.stations[key] = station
            world.add("station", station, tags=side.tags_of_station(key))
            operator = _user(Role.OPERATOR, full_name=f"{name}{key}代办员")
            assignment = StaffAssignmentFactory(user=operator, role="operator", station=station)
            side.operators[key] = operator
            world.add("staff_assignment", assignment, tags=side.tags_of_station(key), station=station.pk)

    side.departments["D1"] = DepartmentFactory(region=side.county, name=f"{name}县民政局", phone="0315-1234567",
                                               is_dispatch_desk=True)
    side.departments["D2"] = DepartmentFactory(region=side.townships["T2"], level="township",
                                               name=f"{name}县2镇便民服务中心")
    for key, department in side.departments.items():
        tags = {"county": name, "department": f"{name}.{key}"}
        if key == "D2":
            tags["township"] = f"{name}.T2"
        world.add("department", department, tags=tags)

    users = side.users
    users["operator"] = side.operators["S11"]
    users["liaison"] = _user(Role.LIAISON, full_name=f"{name}联络员")
    StaffAssignmentFactory(user=users["liaison"], role="liaison", station=side.stations["S11"])
    from stations.services import grid_create

    grid_create(station=side.stations["S11"], name="第一网格", liaison=users["liaison"], actor=None)
    users["officer"] = _user(Role.OFFICER, full_name=f"{name}科员")
    users["department_head"] = _user(Role.OFFICER, full_name=f"{name}局长")
    DepartmentMembershipFactory(department=side.departments["D1"], user=users["officer"])
    DepartmentMembershipFactory(department=side.departments["D1"], user=users["department_head"], is_head=True)
    d2_officer = _user(Role.OFFICER, full_name=f"{name}镇科员")
    DepartmentMembershipFactory(department=side.departments["D2"], user=d2_officer, is_head=True)
    users["d2_officer"] = d2_officer
    users["township_admin"] = _user(Role.TOWNSHIP_ADMIN, full_name=f"{name}镇管理员")
    post = StaffAssignmentFactory(user=users["township_admin"], role="township_admin", region=side.townships["T1"])
    world.add("admin_post", post, tags={"county": name, "township": f"{name}.T1"})
    users["county_admin"] = _user(Role.COUNTY_ADMIN, full_name=f"{name}县管理员")
    StaffAssignmentFactory(user=users["county_admin"], role="county_admin", region=side.county)
    users["county_finance"] = _user(Role.COUNTY_ADMIN, full_name=f"{name}县会计")
    StaffAssignmentFactory(user=users["county_finance"], role="county_admin", region=side.county)
    users["resident"] = _user(Role.RESIDENT, full_name=f"{name}村民")
    return side


def _roles_without_place(world: World) -> None:
    editor = _user(None, full_name="编辑")
    editor.groups.add(Group.objects.get(name="Editors"))
    world.actors["editor"] = editor
    world.actors["superuser"] = _user(None, full_name="超级管理员", is_superuser=True, is_staff=True)


# --- catalogue, routing, supervision and certificate set-up -------------------------------------------

def _catalogue(world: World) -> None:
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


# --- service requests in every state, with what hangs off them ----------------------------------------

# (side, station, department): the places requests are filed at and routed to.
REQUEST_PLACES = (("A", "S11", "D1"), ("A", "S12", "D1"), ("A", "S21", "D1"), ("A", "S21", "D2"),
                  ("B", "S11", "D1"))
# Every place gets a request in each state a page depends on: submitted, returned (for supplement),
# overdue (accepted, red-carded and escalated by a sweep), approved, completed (with its certificate),
# rated_bad (an open follow-up), appealed (the department appealed the rating), called_back (the
# follow-up's callback done: the resident may rate again).
_id_numbers = itertools.count(100)


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
        applicant_name=f"{side.name}村民", applicant_id_number=valid_id_number(next(_id_numbers)),
        applicant_phone=side.users["resident"].phone, applicant_user=side.users["resident"], consent="witnessed",
        channel="counter", station=side.stations[station_key], form_data={}, attachments=[scan, booklet],
        signature=png_bytes())


def _officer_of(side: Side, department_key: str):
    return side.users["officer"] if department_key == "D1" else side.users["d2_officer"]


def _requests(world: World) -> None:
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


def _application_drafts(world: World) -> None:
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


def _resident_reports(world: World) -> None:
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


# --- the till -------------------------------------------------------------------------------------------

TILL_STATIONS = (("A", "S11"), ("A", "S12"), ("A", "S21"), ("B", "S11"))


def _till(world: World) -> None:
    from agency import services
    from agency.models import FloatWallet
    from agency.receipts import receipt_print_record
    from tests.agency.factories import ProductFactory, account_number, fund, last_month_moment, posting_at

    world.product = product = ProductFactory()
    world.add("till_product", product, tags={"global": True})
    month = last_full_month()
    numbers = itertools.count(1)
    for name, key in TILL_STATIONS:
        side = world.sides[name]
        station, operator = side.stations[key], side.operators[key]
        tags = side.tags_of_station(key)
        fund(station, product.provider.float_group, 1_000_000)
        with posting_at(last_month_moment()):
            services.counter_payment_submit(actor=operator, station=station, product=product,
                                            account_number=account_number(next(numbers)), amount_fen=20_000,
                                            idempotency_key=uuid.uuid4())
        tx = services.counter_payment_submit(actor=operator, station=station, product=product,
                                             account_number=account_number(next(numbers)), amount_fen=10_000,
                                             idempotency_key=uuid.uuid4())
        assert tx.status == "succeeded", tx.failure_reason
        copy = receipt_print_record(actor=operator, counter_transaction=tx, width="80", idempotency_key=uuid.uuid4())
        world.add("transaction", tx, tags=tags, copy=copy)
        statement = services.commission_statement_generate(actor=side.users["county_admin"], station=station,
                                                           month=month)
        world.add("statement", statement, tags=tags)
        top_up = services.float_top_up_request(actor=operator, station=station, float_group="utilities",
                                               amount_fen=300_000, idempotency_key=uuid.uuid4(),
                                               bank_reference=f"BK{station.pk}")
        world.add("top_up", top_up, tags=tags)
        for wallet in FloatWallet.objects.filter(station=station):
            world.add("wallet", wallet, tags=tags)
        services.government_fee_take(actor=operator, station=station, amount_fen=1_000, idempotency_key=uuid.uuid4(),
                                     external_reference=f"SR{station.pk}")
        world.add("till_wallet", _closed_wallet_payment(station, operator), tags=tags)
        close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=500,
                                                 idempotency_key=uuid.uuid4(), explanation="少了五元")
        world.add("close", close, tags=tags)
        visit = services.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(),
                                    resident_name="王秀英", resident_phone="13800000001")
        world.add("visit", visit, state="open", tags=tags)
        done = services.visit_open(actor=operator, station=station, idempotency_key=uuid.uuid4(), resident_name="李")
        services.visit_errand_add(actor=operator, visit=done, kind="bill", reference=tx.reference, label="电费",
                                  idempotency_key=uuid.uuid4(), counter_transaction=tx)
        services.visit_close(actor=operator, visit=done, cash_received_fen=20_000)
        copy = services.visit_receipt_print_record(actor=operator, visit=done, width="80", idempotency_key=uuid.uuid4())
        world.add("visit", done, state="closed", tags=tags, copy=copy)


def _closed_wallet_payment(station, operator):
    """A WeChat Pay QR payment the resident did not pay (closed at the wallet): made as the service leaves one,
    without asking a wallet (the matrix has no wallet transport)."""
    from agency.models import TillWalletPayment

    return TillWalletPayment.objects.create(
        idempotency_key=uuid.uuid4(), fingerprint="-", out_trade_no=f"CZTMATRIX{station.pk:08d}", wallet="wechat",
        station=station, purpose="gov_fee", amount_fen=1_000, description="规费", status="closed",
        created_by=operator, expires_at=timezone.now(), closed_at=timezone.now())


# --- grids and households ---------------------------------------------------------------------------------

GRID_STATIONS = (("A", "S11"), ("A", "S12"), ("A", "S21"), ("B", "S11"))
HOUSEHOLD_FILE = ("服务站编码,网格,门牌号,户主姓名,成员姓名,身份证号,与户主关系\n"
                  "{station},第一网格,矩阵-1,王秀英,王秀英,{id_number},户主\n")


def _grids(world: World) -> None:
    """A grid with one household at S11 (the grid _places set up, walked by the liaison), S12 and S21 of county
    A and S11 of B; and each of county A's region admins' household imports, checked by a dry run and ready to
    apply (stations/services_households.py)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stations.models import Grid
    from stations.services_households import (
        grid_create,
        household_create,
        household_import_job_run,
        household_import_submit,
    )

    for name, key in GRID_STATIONS:
        side = world.sides[name]
        station = side.stations[key]
        grid = Grid.objects.filter(station=station).first() or grid_create(
            station=station, name="第一网格", liaison=None, actor=None)
        world.add("grid", grid, tags=side.tags_of_station(key))
        household = household_create(grid=grid, house_number="1号", head_name="张建国", phone="13900000001",
                                     elderly_alone=True, actor=None, members=[
                                         {"name": "张建国", "id_number": valid_id_number(next(_id_numbers)),
                                          "relation": "head", "phone": ""}])
        world.add("household", household, tags=side.tags_of_station(key))
    a = world.sides["A"]
    for role in ("township_admin", "county_admin", "county_finance", "superuser"):
        text = HOUSEHOLD_FILE.format(station=a.stations["S11"].code, id_number=valid_id_number(next(_id_numbers)))
        job = household_import_submit(user=world.actors[role], idempotency_key=uuid.uuid4(),
                                      upload=SimpleUploadedFile("households.csv", text.encode()))
        job = household_import_job_run(job_id=job.pk)  # what Celery does after the commit
        assert job.status == "done" and job.result["created"] == 1, (job.error, job.result)
        world.add("household_import", job, tags={"county": "A", "user": f"A.{role}"})


# --- the store ------------------------------------------------------------------------------------------

def _shop(world: World) -> None:
    from oscar.core.loading import get_model

    from shop.services.counter import counter_sale_create
    from shop.services.merchants import merchant_application_submit
    from shop.services.payments import payment_start
    from shop.services.statements import merchant_statement_generate
    from tests.shop import factories as shop_factories

    Note = get_model("order", "OrderNote")
    last_month = last_full_month()
    for name, side in world.sides.items():
        for key, township_key in (("M1", "T1"), ("M2", "T2")) if name == "A" else (("M1", "T1"),):
            user = _user(Role.MERCHANT, full_name=f"{name}{key}店主")
            merchant = shop_factories.merchant(name=f"{name}{key}商店", townships=[side.townships[township_key]],
                                               user=user)
            side.merchants[key] = merchant
            if key == "M1":
                side.users["merchant"] = user
            tags = {"county": name, "township": f"{name}.{township_key}", "merchant": f"{name}.{key}"}
            world.add("merchant", merchant, tags=tags)
            product = shop_factories.product(merchant.partner, title=f"{name}{key}土鸡蛋", stock=500)
            world.add("product", product, tags=tags, slug=product.slug or "product")
            station_key = f"S{township_key[1]}1"
            station = side.stations[station_key]
            order = shop_factories.order((product, 1), user=side.users["resident"], station=station)
            payment_start(order=order, provider_code="card_sim", amount_fen=int(order.total_incl_tax * 100))
            order_tags = {**tags, **side.tags_of_station(station_key), "resident": name}
            world.add("order", order, tags=order_tags, number=order.number)
            for line in order.lines.all():
                world.add("order_line", line, tags=order_tags, number=order.number)
            note = Note.objects.create(order=order, user=user, message="明早送到", note_type="Info")
            world.add("order_note", note, tags=order_tags, number=order.number)
            for part in order.parts.all():
                world.add("order_part", part, tags=order_tags)
            sale = counter_sale_create(user=side.operators[station_key], idempotency_key=uuid.uuid4(),
                                       mode="hand_over", items=[(product.pk, 1)])
            world.add("counter_sale", sale, tags={**tags, **side.tags_of_station(station_key)})
            statement = merchant_statement_generate(actor=None, merchant=merchant, month=last_month)
            world.add("merchant_statement", statement, tags=tags)
        from shop.models import WalletBillImport

        bill = WalletBillImport.objects.create(  # a compared WeChat Pay bill of the county's
            idempotency_key=uuid.uuid4(), provider="wechat", bill_date=last_month, county=side.county,
            content=b"-", status="done", created_by=side.users["county_admin"])
        world.add("wallet_bill", bill, tags={"county": name})
        for township_key, township in side.townships.items():
            application = merchant_application_submit(
                idempotency_key=uuid.uuid4(), business_name=f"{name}{township_key}新商户",
                credit_code=shop_factories.credit_code(), licence=shop_factories.licence_upload(),
                contact_name="李老板", contact_phone=phone(), address="镇上", categories=["groceries"],
                township_ids=[township.pk])
            world.add("merchant_application", application, tags={"county": name,
                                                                  "township": f"{name}.{township_key}"},
                      reference=application.reference)
    world.actors["merchant"] = world.sides["A"].users["merchant"]


# --- Oscar's own pages: the residents' accounts and the staff dashboard's objects ---------------------------

def _oscar(world: World) -> None:
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site
    from oscar.core.loading import get_model
    from oscar.test import factories as oscar

    CommunicationEventType = get_model("communication", "CommunicationEventType")
    Country = get_model("address", "Country")
    china, _ = Country.objects.get_or_create(iso_3166_1_a2="CN", defaults={
        "iso_3166_1_a3": "CHN", "iso_3166_1_numeric": "156", "name": "中国", "printable_name": "中国",
        "is_shipping_country": True})
    for name, side in world.sides.items():
        resident = side.users["resident"]
        tags = {"county": name, "resident": name}
        address = oscar.UserAddressFactory(user=resident, country=china, first_name="秀英", last_name="王",
                                           line1="城关村1号", line4="乐亭县", postcode="063600",
                                           phone_number="+8613912345678")
        world.add("user_address", address, tags=tags)
        product = side.merchants["M1"].partner.stockrecords.first().product
        alert = oscar.ProductAlertFactory(user=resident, product=product)
        world.add("product_alert", alert, tags=tags)
    for thing in world.of("order"):
        thing.attrs["hash"] = thing.obj.verification_hash()

    # Objects of the staff-only dashboard sections (Oscar's own, for the superuser).
    staff = {"global": True}
    merchant = world.sides["A"].merchants["M1"]
    product = merchant.partner.stockrecords.first().product
    category = oscar.CategoryFactory(name="农产品")
    world.add("category", category, tags=staff, slug=category.slug)
    world.add("product_class", product.product_class, tags=staff, slug=product.product_class.slug)
    world.add("attribute_option_group", oscar.AttributeOptionGroupFactory(), tags=staff)
    world.add("option", oscar.OptionFactory(), tags=staff)
    offer_range = oscar.RangeFactory(products=[product], is_public=True)
    world.add("range", offer_range, tags=staff, slug=offer_range.slug)
    offer = oscar.ConditionalOfferFactory(name="满百减十", slug="man-bai-jian-shi")
    world.add("offer", offer, tags=staff, slug=offer.slug)
    world.add("review", oscar.ProductReviewFactory(product=product, user=world.sides["A"].users["resident"]),
              tags=staff, product=product.pk, slug=product.slug)
    world.add("voucher", oscar.create_voucher(), tags=staff)
    world.add("voucher_set", oscar.VoucherSetFactory(), tags=staff)
    page = FlatPage.objects.create(url="/about/", title="关于", content="村站")
    page.sites.add(Site.objects.get_current())
    world.add("flatpage", page, tags=staff)
    world.add("partner_user", merchant, tags=staff, partner=merchant.partner.pk,
              user=merchant.partner.users.first().pk)
    world.add("partner", merchant.partner, tags=staff)
    world.add("user", world.sides["A"].users["resident"], tags=staff)
    world.add("product_alert_staff", world.of("product_alert")[0].obj, tags=staff)
    method = oscar.create_shipping_weight_based()
    band = oscar.create_shipping_weight_band(10, 5, weight_based=method)
    world.add("shipping_method", method, tags=staff)
    world.add("shipping_band", band, tags=staff, method=method.pk)
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(title="办事指南", file=ContentFile(b"%PDF-1.4\n", name="guide.pdf"))
    world.document_url = document.url
    event_type, _ = CommunicationEventType.objects.get_or_create(code="ORDER_PLACED", defaults={"name": "下单"})
    world.add("comms_event_type", event_type, tags=staff, slug=event_type.code)


# --- reports and the API ------------------------------------------------------------------------------

def _reports(world: World) -> None:
    from reports.gov_report import GovKpiParams
    from reports.jobs import report_job_run
    from reports.services import report_job_request

    people = [(name, role, user) for name, side in world.sides.items() for role, user in side.users.items()
              if role in ("operator", "liaison", "officer", "department_head", "township_admin", "county_admin",
                          "county_finance")]
    people.append(("A", "superuser", world.actors["superuser"]))
    today = timezone.localdate()
    params = {"report": GovKpiParams(date_from=today.replace(month=1, day=1), date_to=today).as_dict(),
              "filter_labels": [], "language": "zh-hans"}
    for name, role, user in people:
        job = report_job_request(user=user, kind="request_rows", file_format="csv", params=params,
                                 idempotency_key=uuid.uuid4())
        job = report_job_run(job_id=job.pk)  # what Celery does after the commit
        assert job.status == "done", job.error
        world.add("report_job", job, tags={"county": name, "user": f"{name}.{role}"})


def _care(world: World) -> None:
    from tests.care.matrix_world import add_care

    add_care(world)


def _api_keys(world: World) -> None:
    from accounts.services import api_key_create

    for role, user in world.actors.items():
        if user is not None:
            _key, raw = api_key_create(user=user, name=f"矩阵 {role}", actor=None)
            world.api_keys[role] = raw
