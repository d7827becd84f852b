"""factory_boy factories. Region factories build a real path under a parent via treebeard."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.page_cache import pages_changed
from gov_services.models import Department, DepartmentMembership
from stations.models import Grid, Household, Region, StaffAssignment, Station, StationService


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        for role in extracted or []:
            self.groups.add(Group.objects.get(name=Role(role).value))
        self.save()


_codes = iter(range(10**5, 10**6))


def region(level: str, parent: Region | None = None, name: str | None = None) -> Region:
    code = _code(level)
    fields = {"name": name or f"{level}-{code}", "code": code, "level": level}
    return parent.add_child(**fields) if parent else Region.add_root(**fields)


def county_tree(townships: int = 2, villages_per_township: int = 2) -> dict:
    """A city › county › townships › villages tree; returns the nodes by kind.

    Most tests start from one, so it is written in one INSERT with the paths treebeard gives nodes added
    one by one (~4 queries each): the new city is the last root, each node's children are numbered from
    1. Where an existing root's code sorts after the new city's, treebeard would put the city before it
    and renumber, so that case adds the nodes one by one."""
    codes = {level: _code(level) for level in ("city", "county")}
    last_root = Region.get_last_root_node()
    if last_root is not None and Region.get_root_nodes().filter(code__gt=codes["city"]).exists():
        return _county_tree_one_by_one(codes, townships, villages_per_township)
    city = _node("city", codes["city"], "测试市",
                 last_root._inc_path() if last_root else Region._get_path(None, 1, 1), children=1)
    county = _node("county", codes["county"], "测试县", _child_path(city, 1), children=townships)
    towns, villages = [], []
    for t in range(townships):
        town = _node("township", _code("township"), f"测试镇{t}", _child_path(county, t + 1),
                     children=villages_per_township)
        towns.append(town)
        villages += [_node("village", _code("village"), f"测试村{t}-{v}", _child_path(town, v + 1))
                     for v in range(villages_per_township)]
    Region.objects.bulk_create([city, county, *towns, *villages])
    pages_changed()  # what saving a Region does (portal/signals.py)
    return {"city": city, "county": county, "townships": towns, "villages": villages}


def _code(level: str) -> str:
    return str(next(_codes)) + {"city": "", "county": "", "township": "000", "village": "000000",
                                "community": "000000"}[level]


def _node(level: str, code: str, name: str, path: str, *, children: int = 0) -> Region:
    return Region(name=name, code=code, level=level, path=path, depth=len(path) // Region.steplen, numchild=children)


def _child_path(parent: Region, position: int) -> str:
    return Region._get_path(parent.path, parent.depth + 1, position)


def _county_tree_one_by_one(codes: dict, townships: int, villages_per_township: int) -> dict:
    city = Region.add_root(name="测试市", code=codes["city"], level="city")
    county = city.add_child(name="测试县", code=codes["county"], level="county")
    towns, villages = [], []
    for t in range(townships):
        town = region("township", county, name=f"测试镇{t}")
        towns.append(town)
        villages += [region("village", town, name=f"测试村{t}-{v}") for v in range(villages_per_township)]
    return {"city": city, "county": county, "townships": towns, "villages": villages}


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"ST{n:05d}")
    name = factory.Sequence(lambda n: f"测试服务站{n}")
    address = "村委会一楼"
    tier = Station.Tier.STANDARD
    status = Station.Status.OPEN

    @factory.post_generation
    def services(self, create, extracted, **kwargs):
        """`StationFactory(services=["cash", …])` adds those StationService rows."""
        if create and extracted:
            StationService.objects.bulk_create([StationService(station=self, kind=kind) for kind in extracted])


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    user = factory.SubFactory(UserFactory)
    # In post since a month ago: a test that runs its clock back a few hours is still within the post (made
    # "today", it was not, once Shanghai's date had turned and the clock went back before midnight).
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


def staff_user(role, **post):
    """A user with the role `role` in post (a StaffAssignment with that role: `station=` or `region=`, and
    any other field of the post)."""
    user = UserFactory(roles=[role])
    StaffAssignmentFactory(user=user, role=role, **post)
    return user


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    name = factory.Sequence(lambda n: f"第{n}网格")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    house_number = factory.Sequence(lambda n: f"{n + 1}号")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"测试局{n}")


class DepartmentMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentMembership

    user = factory.SubFactory(UserFactory)


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    """Pass `county` and `department`; `region` (None: anywhere in the county) and `keyword` optional."""

    class Meta:
        model = "gov_services.RoutingRule"

    category = "help"
    region = None
    keyword = ""


def valid_id_number(n: int = 0) -> str:
    """A checksum-valid 18-character resident ID number, different for each `n` (born 1980-01-01)."""
    from gov_services.identifiers import id_check_character

    first17 = f"13022519800101{n % 1000:03d}"
    return first17 + id_check_character(first17)


def _new_tracking_code() -> str:
    from gov_services.identifiers import new_tracking_code

    return new_tracking_code()


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """A submitted application, written directly (no event, no checks): for selector and access tests.

    Pass `item` (its department is used) and `station` and/or `village`. Use the services to
    move it; `status=` here only sets the column.
    """

    class Meta:
        model = "gov_services.ServiceRequest"

    tracking_code = factory.LazyFunction(lambda: _new_tracking_code())
    idempotency_key = factory.Faker("uuid4", cast_to=None)
    kind = "application"
    applicant_name = factory.Sequence(lambda n: f"申请人{n}")
    applicant_id_number = factory.Sequence(valid_id_number)
    applicant_phone = factory.Sequence(lambda n: f"138{n:08d}")
    consent = "witnessed"
    channel = "counter"
    department = factory.LazyAttribute(lambda r: r.item.department if r.item else None)
    village = factory.LazyAttribute(lambda r: r.station.village if r.station else None)
    station = None
    form_data = factory.LazyFunction(dict)


def jpeg_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    """A real JPEG (a scan stand-in) made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 180, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (120, 40)) -> bytes:
    """A real PNG (a signature-pad stand-in) made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("LA", size, (0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    """A minimal PDF of `pages` blank A4 pages (poppler reads it, warning about the missing xref)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    body = [b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n",
            f"2 0 obj<</Type/Pages/Kids[{kids}]/Count {pages}>>endobj\n".encode()]
    body += [f"{3 + i} 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n".encode()
             for i in range(pages)]
    return b"".join(body) + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def upload(name: str, content: bytes, material=None, content_type: str | None = None):
    """An uploaded file as the counter form sends it, filed under `material` (a RequiredMaterial)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, content, content_type=content_type)
    file.material_id = material.pk if material is not None else None
    return file


# --- Service catalogue (gov_services) ---------------------------------------------------------

def _initials(item) -> str:
    from core.pinyin import pinyin_initials

    return pinyin_initials(item.name)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    """A catalogue item; pass `department=` (its region decides whose catalogue it is in)."""

    class Meta:
        model = "gov_services.ServiceItem"

    code = factory.Sequence(lambda n: f"SI-{n:04d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    pinyin_initials = factory.LazyAttribute(_initials)
    category = "public_service"
    lowest_level = "village"
    legal_limit_days = 20
    promised_limit_days = 10


class RequiredMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "gov_services.RequiredMaterial"

    name = factory.Sequence(lambda n: f"材料{n}")
    form = "original"
