"""A few hundred demo requests over recent months, in every state, for `manage.py seed_demo`.

Every request goes through the real services, so its events, deadlines and ratings are what
the system would have produced. To give them a believable history the seeder runs each step
"at" a past moment (demo/seeding/clock.py).
"""

import io
import random
import re
import uuid
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from demo.seeding.clock import at
from demo.seeding.county import DemoCounty
from demo.seeding.people import GIVEN, SURNAMES
from gov_services.catalogue.selectors import service_items_available_at
from gov_services.catalogue.steps import OPTIONAL_KINDS
from gov_services.identifiers import id_check_character
from gov_services.models import DepartmentMembership, ServiceItem, ServiceRequest
from gov_services.requests.services import intake, moves, ratings
from gov_services.requests.services.figures import request_figures_batched
from gov_services.requests.services.steps import request_steps
from stations.models import StaffAssignment, Station

REQUEST_COUNT = 240
HISTORY_DAYS = 150
NAMESPACE = uuid.UUID("6f1c1e52-3f7e-4a43-9a55-2d4c2a7f0c11")  # demo idempotency keys are uuid5s

# Where a request's life stops, by how old it is: old ones are finished, new ones still open.
# (the path of moves to take, weight)
PATHS_OLD = [
    (["accept", "start_review", "approve", "complete", "rate", "close"], 55),
    (["accept", "start_review", "approve", "complete", "rate"], 15),
    (["accept", "start_review", "approve", "complete"], 8),
    (["accept", "return", "resubmit", "start_review", "approve", "complete", "rate"], 8),
    (["accept", "start_review", "refuse", "complete", "rate"], 5),
    (["reject", "close"], 4),
]
PATHS_RECENT = [
    ([], 20),
    (["accept"], 20),
    (["accept", "start_review"], 25),
    (["accept", "return"], 8),
    (["accept", "start_review", "approve"], 12),
    (["reject"], 3),
    (["accept", "start_review", "approve", "complete"], 12),
]
# Chongqing published 99.2 % satisfied of those who rated; the demo is a little less rosy.
PATTERN_SAMPLES = ["6217000012345678901", "6217000012345678", "12345678", "A1234567"]
SCORES = [(5, 70), (4, 20), (3, 6), (2, 3), (1, 1)]
APPEALS = [
    ("help", "独居老人家中漏雨", "老人独居，屋顶漏雨，请求帮助维修。"),
    ("complaint", "村口路灯不亮", "村口三盏路灯一个月不亮，夜间出行不便。"),
    ("consultation", "新农合报销比例咨询", "想了解今年住院报销比例和起付线。"),
    ("rights", "务工工资被拖欠", "在县城工地务工，工资拖欠三个月。"),
    ("suggestion", "建议增设快递代收点", "村里快递要去镇上取，建议服务站代收。"),
    ("complaint", "有线电视信号差", "最近有线电视经常没信号。"),
]


def seed_requests(demo: DemoCounty, progress) -> None:
    if ServiceRequest.objects.exists():
        progress.step("requests (already there)", REQUEST_COUNT // 40)
        return
    rng = random.Random(11)
    stations = list(Station.objects.filter(status=Station.Status.OPEN).select_related("village"))
    operators = {a.station_id: a.user for a in StaffAssignment.objects.filter(
        role=StaffAssignment.Role.OPERATOR, ended_on__isnull=True).select_related("user")}
    # Each counter files what it may file: the items available at its village (the counter's catalogue).
    items = {station.pk: list(service_items_available_at(place=station.village).prefetch_related("materials"))
             for station in stations}
    officers = officers_by_department()
    now = timezone.now()
    # Each request moves several times; the report rollups recount each once, at the end (in chunks).
    with request_figures_batched():
        for index in range(REQUEST_COUNT):
            station = rng.choice(stations)
            submitted = now - timedelta(days=HISTORY_DAYS * (1 - index / REQUEST_COUNT), hours=rng.randint(0, 8))
            submitted = submitted.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
            with at(submitted):
                request = _file(index, rng, station, operators[station.pk], items[station.pk])
            old = (now - submitted).days > 30
            path = _weighted(rng, PATHS_OLD if old else PATHS_RECENT)
            _walk(request, path, rng, officers.get(request.department_id, [None]), operators[station.pk], submitted, now)
            if index % 40 == 39:
                progress.step(f"requests {index + 1}/{REQUEST_COUNT}")


def officers_by_department() -> dict[int, list]:
    """Each department's members, the officers before the head (the first one handles the requests)."""
    officers: dict[int, list] = {}
    for membership in DepartmentMembership.objects.select_related("user").order_by("is_head", "pk"):
        officers.setdefault(membership.department_id, []).append(membership.user)
    return officers


def _file(index: int, rng: random.Random, station: Station, operator, items: list[ServiceItem]):
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
    id_number = _id_number(rng)
    phone = f"13{rng.randint(0, 9)}{rng.randint(10**7, 10**8 - 1)}"
    common = {
        "actor": operator, "idempotency_key": uuid.uuid5(NAMESPACE, str(index)), "applicant_name": name,
        "applicant_id_number": id_number, "applicant_phone": phone, "consent": ServiceRequest.Consent.SIGNATURE,
        "signature": _png((240, 80)), "channel": ServiceRequest.Channel.COUNTER, "station": station,
        "village": station.village,
    }
    if rng.random() < 0.25:
        category, subject, description = rng.choice(APPEALS)
        return intake.service_request_submit(kind=ServiceRequest.Kind.APPEAL, appeal_category=category,
                                             subject=subject, description=description,
                                             place=station.village.name, form_data={}, **common)
    item = rng.choice(items)
    uploads = [_upload(material) for material in item.materials.all() if material.required]
    return intake.service_request_submit(kind=ServiceRequest.Kind.APPLICATION, item=item,
                                         form_data=_form_data(item.form_schema, id_number, phone, rng),
                                         attachments=uploads, **common)


def _walk(request, path, rng, officers, operator, submitted, now) -> None:
    moment = submitted
    for action in path:
        moment += timedelta(hours=rng.randint(2, 70))
        if moment >= now:
            return
        with at(moment):
            request = move(request, action, rng, officers, operator)


def _optional_steps_first(request, officer) -> None:
    """Record the item's optional steps (入户调查, 公示) that stand before the next move."""
    for step in request_steps(request):
        if step.done_at is None and step.kind in OPTIONAL_KINDS:
            moves.service_request_step_done(request=request, actor=request.assignee or officer,
                                            note=STEP_NOTES.get(step.kind, "已完成。"))
        elif step.done_at is None:
            return


def _hand_to_another_for_approval(request, officers) -> None:
    """Where the item keeps approval apart from review, the reviewer hands the request to a colleague."""
    steps = request_steps(request)
    current = next((s for s in steps if s.done_at is None), None)
    if current is None or not current.separate_from:
        return
    barred = {s.done_by_id for s in steps if s.kind in current.separate_from and s.done_by_id}
    if request.assignee_id not in barred:
        return
    other = next((o for o in officers if o is not None and o.pk not in barred), None)
    if other is not None:
        moves.service_request_transfer(request=request, actor=request.assignee, assignee=other,
                                       note="审查与审批分人办理，移交审批。")


STEP_NOTES = {"inspection": "已入户调查，家庭情况属实。", "notice": "已在村务公开栏公示七天，无异议。"}


def move(request, action: str, rng: random.Random, officers, operator):
    officer = request.assignee or officers[0]  # whoever holds it acts on it
    if action in ("start_review", "approve", "refuse"):
        _optional_steps_first(request, officer)
    if action in ("approve", "refuse"):
        _hand_to_another_for_approval(request, officers)
        request.refresh_from_db()
        officer = request.assignee or officer
    notes = {"return": "请补充近期家庭收入证明。", "reject": "不属于本部门受理范围，请到乡镇便民服务中心办理。",
             "refuse": "经审核不符合条件。", "resubmit": "已补齐材料。", "approve": "经审核符合条件，同意。"}
    if action == "rate":
        score = _weighted(rng, SCORES)
        return ratings.service_request_rate(request=request, actor=operator, score=score,
                                            comment="办得快，态度好。" if score >= 4 else "").request
    if action == "resubmit":
        return moves.service_request_resubmit(request=request, actor=operator, note=notes["resubmit"])
    service = getattr(moves, f"service_request_{action}")
    return service(request=request, actor=officer, **({"note": notes[action]} if action in notes else {}))


def _weighted(rng: random.Random, options):
    return rng.choices([value for value, _ in options], weights=[weight for _, weight in options])[0]


def _id_number(rng: random.Random) -> str:
    birth = f"{rng.randint(1940, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"130225{birth}{rng.randint(0, 999):03d}"
    return first17 + id_check_character(first17)


def _png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size, 255).save(buffer, format="PNG")
    return buffer.getvalue()


def _upload(material):
    file = SimpleUploadedFile(f"scan-{material.pk}.png", _png((60, 40)), content_type="image/png")
    file.material_id = material.pk
    return file


def _form_data(schema: list[dict], id_number: str, phone: str, rng: random.Random) -> dict:
    """Plausible answers for any e-form, field by field from its type and limits."""
    data = {}
    for field in schema:
        kind = field["type"]
        if kind in ("choice", "multichoice"):
            value = field["choices"][rng.randrange(len(field["choices"]))][0]
            data[field["name"]] = [value] if kind == "multichoice" else value
        elif field.get("pattern"):
            data[field["name"]] = next(c for c in PATTERN_SAMPLES if re.fullmatch(field["pattern"], c))
        elif kind == "date":
            data[field["name"]] = field.get("max") or field.get("min") or "2024-06-01"
        elif kind in ("integer", "decimal"):
            data[field["name"]] = str(max(field.get("min", 1), min(field.get("max", 3), 3)))
        else:
            data[field["name"]] = {
                "id_number": id_number, "phone": phone, "boolean": True,
                "textarea": "家庭困难，特此申请。",
            }.get(kind, "已核实")
    return data
