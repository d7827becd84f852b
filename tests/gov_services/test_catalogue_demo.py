"""The demo catalogue (demo/seeding/catalogue.py): believable, imported as the county admin, seeded once."""

import pytest

from gov_services.models import ServiceItem

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = [pytest.mark.usefixtures("english_messages"), pytest.mark.django_db]


class _Progress:
    def __init__(self):
        self.steps = []

    def step(self, label, n=1):
        self.steps.append(label)


def test_the_demo_catalogue_is_believable_and_seeding_twice_adds_nothing():
    from core.models import AuditEvent, ImportJob
    from demo.seeding.catalogue import seed_catalogue
    from demo.seeding.county import seed_admins, seed_departments, seed_regions
    from gov_services.catalogue.eforms import build_form, validate_schema

    progress = _Progress()
    demo = seed_regions(progress)
    seed_admins(demo, progress)
    seed_departments(demo, progress)
    seed_catalogue(demo, progress)
    items = list(ServiceItem.objects.select_related("department", "parent").prefetch_related("materials"))
    assert len(items) >= 40
    # Through the catalogue import, as the county admin: one job per file, its audit events.
    jobs = ImportJob.objects.filter(kind="gov_services.catalogue", user__username="county_admin")
    assert sorted(jobs.values_list("filename", flat=True)) == ["catalogue.csv", "catalogue_subitems.csv"]
    assert sum(job.result["created"] for job in jobs) == len(items)
    assert AuditEvent.objects.filter(action="catalogue.imported").count() == 2
    assert {item.code for item in items if item.parent} == {"LT-GAJ-20-01", "LT-GAJ-20-02"}
    assert len({item.department.code for item in items}) >= 14  # every bureau and the township centres
    assert {item.lowest_level for item in items} >= {"village", "township", "county"}
    assert {item.category for item in items} == set(ServiceItem.Category.values)
    assert sum(item.lowest_level == "village" for item in items) >= 25
    assert sum(item.online_allowed for item in items) >= 15
    assert sum(bool(item.form_schema) for item in items) >= 20
    assert any(item.fee_fen for item in items)
    for item in items:
        validate_schema(item.form_schema)
        build_form(item.form_schema)
        assert item.pinyin_initials and item.promised_limit_days <= item.legal_limit_days
    names = {item.name for item in items}
    assert {"户籍证明", "出生登记", "最低生活保障申请", "城乡居民基本养老保险参保登记", "个体工商户营业执照",
            "有线电视故障报修", "路灯维修", "临时救助", "残疾人证办理", "农机购置补贴", "高龄津贴", "居住证明"} <= names
    assert progress.steps[-1] == "service catalogue"

    before = ServiceItem.objects.count(), ImportJob.objects.count(), AuditEvent.objects.count()
    seed_catalogue(demo, progress)
    assert (ServiceItem.objects.count(), ImportJob.objects.count(), AuditEvent.objects.count()) == before
