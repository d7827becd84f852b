"""factory_boy factories. Region factories build a real path under a parent via treebeard."""

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
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
    code = str(next(_codes)) + {"city": "", "county": "", "township": "000", "village": "000000",
                                "community": "000000"}[level]
    fields = {"name": name or f"{level}-{code}", "code": code, "level": level}
    return parent.add_child(**fields) if parent else Region.add_root(**fields)


def county_tree(townships: int = 2, villages_per_township: int = 2) -> dict:
    """A city › county › townships › villages tree; returns the nodes by kind."""
    city = region("city", name="测试市")
    county = region("county", city, name="测试县")
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
    started_on = factory.LazyFunction(timezone.localdate)


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
