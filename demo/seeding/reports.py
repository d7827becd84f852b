"""Residents' own reports (群众诉求) in the demo: a few problems reported from phones near the stations,
shown on the public list and map at their different stages — one just in, one the department answered
publicly and is working on, some done and rated, one a neighbour follows. Filed, answered and moved
through the same services a resident's phone and a department's officer use."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_role_grant
from demo.seeding.clock import at
from demo.seeding.people import demo_user
from demo.seeding.service_requests import move, officers_by_department
from gov_services.models import ServiceRequest
from gov_services.requests.services import ratings
from gov_services.requests.services.reports import report_follow, report_submit, service_request_public_reply
from stations.models import Station

NAMESPACE = uuid.UUID("0b6f3d2e-52c4-4d8e-9b3a-4f7f6a1c2d90")  # demo idempotency keys are uuid5s

# (reporter's username, name, phone), (category, subject, description), station, metres north/east of it,
# days ago, moves after filing, the department's public reply, the reporter's score.
REPORTS = [
    (("13935000011", "赵红梅", "13935000011"),
     ("complaint", "村口路灯不亮", "村口往东第二根路灯坏了一个月，晚上路很黑，老人不敢出门。"),
     "LT001", (120, 80), 2, [], "", None),
    (("13935000012", "孙志强", "13935000012"),
     ("help", "排水沟堵塞", "雨后村西排水沟堵了，水漫到路上，请帮忙清理。"),
     "LT002", (-90, 150), 6, ["accept"], "已通知镇环卫站，本周内清理排水沟。", None),
    (("13935000013", "钱玉兰", "13935000013"),
     ("rights", "务工工资被拖欠", "在县城工地干了三个月，老板一直拖欠工资。"),
     "LT003", (60, -40), 20, ["accept", "start_review", "approve", "complete"],
     "劳动监察大队已约谈施工方，工资已全部结清。", 5),
    (("13935000014", "李建华", "13935000014"),
     ("suggestion", "建议增设快递代收点", "村里取快递要去镇上，建议服务站代收快递。"),
     "LT004", (40, 60), 35, ["accept", "start_review", "approve", "complete"],
     "已在服务站开通快递代收，营业时间内可取件。", 4),
]
FOLLOWER = ("13935000015", "周桂芳", "13935000015")  # a neighbour who follows the street light instead


def seed_reports(demo, progress) -> None:
    if ServiceRequest.objects.filter(channel=ServiceRequest.Channel.WEB, kind=ServiceRequest.Kind.APPEAL).exists():
        progress.step("reports (already there)")
        return
    stations = {station.code: station for station in Station.objects.filter(code__in=[r[2] for r in REPORTS])}
    officers = officers_by_department()
    now = timezone.now()
    first = None
    for index, (person, (category, subject, description), code, offset, days, path, reply, score) in enumerate(REPORTS):
        reporter = _resident(*person)
        filed = (now - timedelta(days=days)).replace(hour=9, minute=30)
        with at(filed):
            report = report_submit(actor=reporter, idempotency_key=uuid.uuid5(NAMESPACE, str(index)),
                                   category=category, subject=subject, description=description,
                                   latitude=_shift(stations[code].latitude, offset[0]),
                                   longitude=_shift(stations[code].longitude, offset[1]), is_public=True)
        first = first or report
        department_officers = officers.get(report.department_id, [None])
        moment = filed
        for action in path:
            moment += timedelta(hours=20)
            with at(moment):
                report = move(report, action, None, department_officers, reporter)
            if action == "accept" and reply:
                with at(moment + timedelta(hours=1)):
                    service_request_public_reply(request=report, actor=report.assignee or department_officers[0],
                                                 text=reply)
        if score:
            with at(moment + timedelta(days=1)):
                ratings.service_request_rate(request=report, actor=reporter, score=score, comment="处理得很及时，谢谢。")
    with at(now - timedelta(days=1)):
        report_follow(request=first, actor=_resident(*FOLLOWER))
    progress.step("reports")


def _resident(username: str, full_name: str, phone: str):
    user = demo_user(username, full_name, phone)
    user_role_grant(user=user, role=Role.RESIDENT, actor=None)
    return user


def _shift(degrees: Decimal, metres: int) -> Decimal:
    """About `metres` north or east of a point in 乐亭 (a degree is ~111 km north, ~86 km east there;
    the difference does not matter for a demo's pin)."""
    return (degrees + Decimal(metres) / Decimal(100_000)).quantize(Decimal("0.000001"))
