"""Demo departments for `manage.py seed_demo`: the county bureaus and each township's service centre."""

from demo.seeding.county import OPENED_ON, DemoCounty, demo_user
from gov_services.models import Department, DepartmentMembership, RoutingRule
from gov_services.services import departments as services

COUNTY_DEPARTMENTS = [
    ("MZJ", "县民政局", "0315-4621101"),
    ("RSJ", "县人力资源和社会保障局", "0315-4621102"),
    ("WJJ", "县卫生健康局", "0315-4621103"),
    ("GAJ", "县公安局", "0315-4621104"),
    ("NYJ", "县农业农村局", "0315-4621105"),
    ("ZRJ", "县自然资源和规划局", "0315-4621106"),
    ("SJJ", "县市场监督管理局", "0315-4621107"),
    ("ZJJ", "县住房和城乡建设局", "0315-4621108"),
    ("YBJ", "县医疗保障局", "0315-4621109"),
    ("CLJ", "县残疾人联合会", "0315-4621110"),
]
# The county platform's dispatch desk takes the appeals no rule routes (Laoting's 县级平台).
DISPATCH_DESK = ("DDT", "县群众诉求调度中心", "0315-12345")
# appeal category → department code suffix; the rest go to the dispatch desk
ROUTING = [("help", "MZJ", ""), ("rights", "RSJ", ""), ("complaint", "SJJ", ""),
           ("complaint", "ZJJ", "路灯"), ("consultation", "YBJ", "报销")]


def _department(code, name, level, region, phone, **extra) -> Department:
    return Department.objects.filter(code=code).first() or services.department_create(
        code=code, name=name, level=level, region=region, phone=phone, actor=None, **extra)


def _member(department, user, is_head=False) -> None:
    if not DepartmentMembership.objects.filter(department=department, user=user).exists():
        # From the day the stations opened, before the demo's request history begins.
        services.department_member_add(department=department, user=user, is_head=is_head, actor=None,
                                       started_on=OPENED_ON)


def seed_departments(demo: DemoCounty, progress) -> None:
    departments = [_department(f"LT-{code}", name, Department.Level.COUNTY, demo.county, phone)
                   for code, name, phone in COUNTY_DEPARTMENTS]
    for township in demo.townships:
        _department(f"LT-{township.code[-3:]}-BM", f"{township.name}便民服务中心", Department.Level.TOWNSHIP,
                    township, "")
    code, name, phone = DISPATCH_DESK
    _department(f"LT-{code}", name, Department.Level.COUNTY, demo.county, phone, is_dispatch_desk=True)
    for category, suffix, keyword in ROUTING:
        RoutingRule.objects.get_or_create(county=demo.county, category=category, keyword=keyword, region=None,
                                          defaults={"department": Department.objects.get(code=f"LT-{suffix}")})
    civil_affairs = departments[0]
    _member(civil_affairs, demo_user("dept_head", "赵德明", "13933000001"), is_head=True)
    _member(civil_affairs, demo_user("officer", "孙海燕", "13933000002"))
    demo.logins.append(("department officer", "officer", f"/dept/ ({civil_affairs.name})"))
    demo.logins.append(("department head", "dept_head", f"/dept/ ({civil_affairs.name})"))
    progress.step("departments")
