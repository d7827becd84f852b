"""Demo county for `manage.py seed_demo`: 乐亭县 under 唐山市, modelled on the Laoting seed.

Every function here is idempotent: it looks things up by their natural key (division
code, station code, username) and creates only what is missing.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib.auth.hashers import make_password

from accounts.models import User
from stations import services
from stations.models import Grid, Household, Region, StaffAssignment, Station, StationService
from stations.services_map import township_outlines_save

DEMO_PASSWORD = "cunzhan-demo"

CITY = ("唐山市", "130200")
COUNTY = ("乐亭县", "130225", Decimal("39.4256"), Decimal("118.9124"))
# township: name, code suffix, centre offset from the county seat (degrees lat, lng), villages
TOWNSHIPS = [
    ("乐亭镇", "100", (0.00, 0.00), ["城关村", "大相各庄村", "西关村", "南街社区", "刘石各庄村"]),
    ("汤家河镇", "101", (-0.14, 0.10), ["汤家河村", "后刘庄村", "王家铺村", "北港村", "大黑坨村"]),
    ("胡家坨镇", "102", (0.10, 0.12), ["胡家坨村", "张各庄村", "马庄子村", "小河口村", "大钱庄村"]),
    ("闫各庄镇", "103", (0.12, -0.10), ["闫各庄村", "郑庄村", "新寨村", "黄庄村", "庞各庄村"]),
    ("马头营镇", "104", (-0.10, -0.12), ["马头营村", "东高庄村", "李家庄村", "前毛庄村", "杨家泊村"]),
]
# The townships' outlines for the map, uploaded as a county would (stations/services_map.py).
TOWNSHIP_OUTLINES = Path(__file__).resolve().parents[1] / "data" / "township-outlines.geojson"

# One entry per village, in division-code order: every tier and status appears, the county
# seat's township is furthest along and the outlying ones lag, as on Laoting's wall map.
F, S, B = Station.Tier.FLAGSHIP, Station.Tier.STANDARD, Station.Tier.BASIC
OPEN, BUILDING, PLANNED, SUSPENDED = (Station.Status.OPEN, Station.Status.BUILDING, Station.Status.PLANNED,
                                      Station.Status.SUSPENDED)
STATION_PLAN = [
    (F, OPEN), (S, OPEN), (S, OPEN), (F, OPEN), (B, OPEN),                   # 乐亭镇
    (F, OPEN), (S, OPEN), (B, SUSPENDED), (B, BUILDING), (B, PLANNED),       # 汤家河镇
    (S, OPEN), (B, OPEN), (S, OPEN), (B, BUILDING), (B, PLANNED),            # 胡家坨镇
    (F, OPEN), (S, OPEN), (S, BUILDING), (B, BUILDING), (B, PLANNED),        # 闫各庄镇
    (S, OPEN), (B, OPEN), (B, SUSPENDED), (B, PLANNED), (B, PLANNED),        # 马头营镇
]
STAFFED = (OPEN, SUSPENDED)  # a suspended station keeps its people
STAFFED_STATIONS = sum(status in STAFFED for _, status in STATION_PLAN)
OPENED_ON = date(2025, 6, 1)
TIER_SERVICES = {
    Station.Tier.FLAGSHIP: StationService.Kind.values,
    Station.Tier.STANDARD: ["gov_errands", "shop_pickup", "bill_payment", "mobile_topup", "parcels"],
    Station.Tier.BASIC: ["gov_errands", "bill_payment", "mobile_topup"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英桂兰玉梅建国建华志强国庆海燕春花德明金凤淑珍立新红霞永福凤英宝山文军素芬长海翠兰振华"


@dataclass
class DemoCounty:
    city: Region
    county: Region
    townships: list[Region] = field(default_factory=list)
    stations: list[Station] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, where)


def demo_user(username: str, full_name: str, phone: str = "", **flags) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=full_name, phone=phone,
                    email=f"{username}@demo.cunzhan.local", **flags)
        user.password = _demo_password_hash()
        user.save()
    return user


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow (~0.3 s); forty demo accounts can share one salted hash.
    return make_password(DEMO_PASSWORD)


def _region(parent: Region | None, name: str, code: str, level: str, lat=None, lng=None, boundary=None) -> Region:
    existing = Region.objects.filter(code=code).first()
    if existing:
        return existing
    return services.region_add(parent=parent, name=name, code=code, level=level, actor=None,
                               latitude=lat, longitude=lng, boundary=boundary)


def seed_regions(progress) -> DemoCounty:
    county_lat, county_lng = COUNTY[2], COUNTY[3]
    city = _region(None, CITY[0], CITY[1], Region.Level.CITY)
    county = _region(city, COUNTY[0], COUNTY[1], Region.Level.COUNTY, county_lat, county_lng)
    demo = DemoCounty(city=city, county=county)
    rng = random.Random(2026)
    for name, suffix, (dlat, dlng), villages in TOWNSHIPS:
        lat = county_lat + Decimal(str(dlat))
        lng = county_lng + Decimal(str(dlng))
        township = _region(county, name, COUNTY[1] + suffix, Region.Level.TOWNSHIP, lat, lng)
        demo.townships.append(township)
        for index, village in enumerate(villages):
            level = Region.Level.COMMUNITY if village.endswith("社区") else Region.Level.VILLAGE
            vlat = lat + Decimal(str(round(rng.uniform(-0.05, 0.05), 6)))
            vlng = lng + Decimal(str(round(rng.uniform(-0.05, 0.05), 6)))
            _region(township, village, f"{township.code}{200 + index:03d}", level, vlat, vlng)
        progress.step(f"{name}")
    township_outlines_save(actor=None, data=TOWNSHIP_OUTLINES.read_bytes())
    return demo


def seed_stations(demo: DemoCounty, progress) -> None:
    villages = Region.objects.filter(path__startswith=demo.county.path,
                                     level__in=[Region.Level.VILLAGE, Region.Level.COMMUNITY]).order_by("code")
    for index, village in enumerate(villages):
        code = f"LT{index + 1:03d}"
        station = Station.objects.filter(code=code).first()
        if station is None:
            tier, status = STATION_PLAN[index]
            station = services.station_create(
                village=village, code=code, name=f"{village.name}综合服务站", actor=None,
                address=f"{COUNTY[0]}{village.get_parent().name}{village.name}村委会一楼",
                tier=tier, status=status, latitude=village.latitude, longitude=village.longitude,
                phone=f"0315-46{index + 10:02d}{index * 37 % 100:02d}",
                opening_hours="周一至周六 8:00–18:00" if tier != Station.Tier.BASIC else "周一至周五 8:30–17:30",
                services=TIER_SERVICES[tier] if status != Station.Status.PLANNED else [],
                opened_on=OPENED_ON if status in (OPEN, SUSPENDED) else None,
            )
        demo.stations.append(station)
    progress.step("stations")


def _assign(user: User, role: str, station=None, region=None) -> None:
    if not StaffAssignment.objects.filter(user=user, role=role, station=station, region=region).exists():
        services.staff_assign(user=user, role=role, station=station, region=region, actor=None,
                              started_on=OPENED_ON)  # before the demo's request history begins


def seed_staff(demo: DemoCounty, progress) -> None:
    admin = demo_user("county_admin", "王建国", "13930000001")
    _assign(admin, StaffAssignment.Role.COUNTY_ADMIN, region=demo.county)
    demo.logins.append(("county admin", "county_admin", "/county/"))
    township = demo.townships[0]
    tadmin = demo_user("township_admin", "李淑珍", "13930000002")
    _assign(tadmin, StaffAssignment.Role.TOWNSHIP_ADMIN, region=township)
    demo.logins.append(("township admin", "township_admin", f"/county/ ({township.name})"))
    open_stations = [s for s in demo.stations if s.status in STAFFED]
    for index, station in enumerate(open_stations):
        username = "operator" if index == 0 else f"operator{index + 1:02d}"
        user = demo_user(username, SURNAMES[index] + GIVEN[index * 2: index * 2 + 2], f"1393100{index:04d}")
        _assign(user, StaffAssignment.Role.OPERATOR, station=station)
        if index == 0:
            demo.logins.append(("station operator", username, f"/counter/ ({station.name})"))
    progress.step("staff")


def seed_grids(demo: DemoCounty, progress) -> None:
    rng = random.Random(7)
    open_stations = [s for s in demo.stations if s.status in STAFFED]
    for index, station in enumerate(open_stations):
        username = "liaison" if index == 0 else f"liaison{index + 1:02d}"
        liaison = demo_user(username, SURNAMES[-index - 1] + GIVEN[-2 * index - 2:][:2], f"1393200{index:04d}")
        _assign(liaison, StaffAssignment.Role.LIAISON, station=station)
        if index == 0:
            demo.logins.append(("grid liaison", username, f"/counter/ ({station.name})"))
        for number, name in enumerate(["第一网格", "第二网格"]):
            grid = Grid.objects.filter(station=station, name=name).first() or services.grid_create(
                station=station, name=name, liaison=liaison if number == 0 else None, actor=None)
            if not grid.households.exists():
                Household.objects.bulk_create(_households(grid, rng, rng.randint(55, 95)))
        progress.step(f"grids {station.name}")


def _households(grid: Grid, rng: random.Random, count: int) -> list[Household]:
    return [
        Household(
            grid=grid, house_number=f"{grid.name[1]}-{n + 1:03d}",
            head_name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            phone=f"139{rng.randint(10**7, 10**8 - 1)}",
            elderly_alone=rng.random() < 0.08, disabled_member=rng.random() < 0.04, low_income=rng.random() < 0.06,
        )
        for n in range(count)
    ]
